"""Where the kiosk keeps its secrets (the distributor's signing secret): never in the database.

A copied ``kiosk.db`` (or a backup, or an export) must not be enough to sign requests and
spend the deposit, so secrets live outside it, behind one tiny interface,
:class:`SecretStore` (``get``/``put``/``delete`` by name), scoped to one data folder:

- **The OS keyring** (:mod:`keyring`: Windows Credential Manager, macOS Keychain, the Secret
  Service on a Linux desktop), service ``kiosk-pos``, user name ``<name>@<data folder>``.
  Used when keyring offers a recommended backend (priority >= 1): its ``fail``/``null``
  backends and the plain-text ``keyrings.alt`` ones are not used.
- **An encrypted file** where no usable keyring exists (a headless Linux box, CI, the test
  suite): ``<data folder>/credentials.enc``, mode 0600, a Fernet token (AES-128-CBC +
  HMAC-SHA256, from :mod:`cryptography`) of a JSON object. Its key is derived with HKDF from
  a random 32-byte key file, ``credentials.key`` (0600, in a 0700 folder), kept in the
  user's config folder *outside* the data folder (``$KIOSK_POS_CONFIG_DIR`` or
  ``platformdirs.user_config_dir("kiosk-pos-keys")``), salted with the machine's id
  (``/etc/machine-id`` on Linux, ``MachineGuid`` on Windows; none elsewhere). So the data
  folder alone, copied anywhere, decrypts nothing; the key file copied with it decrypts
  nothing on another machine; and a database copied into another folder finds no secret.

Losing the key file (or moving to another machine) only means connecting again: the
distributor issues the secret. A keyring that fails at run time (locked, no D-Bus) makes
the store fall back to the file, never to the database.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import sys
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

SERVICE = "kiosk-pos"
ENV_CONFIG_DIR = "KIOSK_POS_CONFIG_DIR"
FILE_NAME = "credentials.enc"
KEY_FILE_NAME = "credentials.key"
_HKDF_INFO = b"kiosk-pos credentials v1"


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def put(self, name: str, secret: str) -> None: ...

    def delete(self, name: str) -> None: ...


def store_for(data_dir: Path, *, backend: Any = None) -> SecretStore:
    """The secret store of ``data_dir``: the OS keyring when a usable one exists (or the
    keyring ``backend`` given), else the encrypted file."""
    data_dir = Path(data_dir).resolve()
    file_store = FileStore(data_dir / FILE_NAME, key_dir())
    backend = backend if backend is not None else _usable_keyring()
    if backend is None:
        return file_store
    return KeyringStore(backend, data_dir, file_store)


def key_dir() -> Path:
    env = os.environ.get(ENV_CONFIG_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("kiosk-pos-keys", appauthor=False, roaming=True))


def _usable_keyring() -> Any:
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - no keyring at all: the file it is
        log.info("no OS keyring; secrets go to the encrypted file", exc_info=True)
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if type(backend).__module__.startswith("keyrings.alt") or backend.priority < 1:
        return None
    return backend


class KeyringStore:
    """Secrets in the OS keyring; the encrypted file if the keyring fails at run time."""

    def __init__(self, backend: Any, data_dir: Path, fallback: FileStore) -> None:
        self._backend = backend
        self._scope = str(data_dir)
        self._fallback = fallback

    def _user(self, name: str) -> str:
        return f"{name}@{self._scope}"

    def get(self, name: str) -> str | None:
        try:
            found = self._backend.get_password(SERVICE, self._user(name))
        except Exception:  # noqa: BLE001 - a locked or absent keyring
            log.warning("the OS keyring could not be read; trying the encrypted file",
                        exc_info=True)
            found = None
        return found if found is not None else self._fallback.get(name)

    def put(self, name: str, secret: str) -> None:
        try:
            self._backend.set_password(SERVICE, self._user(name), secret)
        except Exception:  # noqa: BLE001
            log.warning("the OS keyring could not be written; using the encrypted file",
                        exc_info=True)
            self._fallback.put(name, secret)
            return
        self._fallback.delete(name)

    def delete(self, name: str) -> None:
        try:
            self._backend.delete_password(SERVICE, self._user(name))
        except Exception:  # noqa: BLE001 - not there, or no keyring: nothing to delete
            pass
        self._fallback.delete(name)


class FileStore:
    """Secrets in ``path`` (0600), encrypted with a key derived from a key file in
    ``keys`` (outside the data folder) and the machine's id."""

    def __init__(self, path: Path, keys: Path) -> None:
        self.path = Path(path)
        self.key_file = Path(keys) / KEY_FILE_NAME

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def put(self, name: str, secret: str) -> None:
        values = self._read()
        values[name] = secret
        self._write(values)

    def delete(self, name: str) -> None:
        values = self._read()
        if values.pop(name, None) is not None:
            self._write(values)

    def _read(self) -> dict[str, str]:
        from cryptography.fernet import InvalidToken

        try:
            token = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        key = self._key(create=False)
        if key is None:
            log.warning("%s exists but its key file %s does not", self.path, self.key_file)
            return {}
        try:
            return dict(json.loads(_fernet(key).decrypt(token)))
        except (InvalidToken, ValueError):  # another machine's, or a damaged file
            log.warning("%s cannot be decrypted on this machine", self.path)
            return {}

    def _write(self, values: dict[str, str]) -> None:
        key = self._key(create=True)
        assert key is not None
        token = _fernet(key).encrypt(json.dumps(values).encode())
        _write_private(self.path, token)

    def _key(self, *, create: bool) -> bytes | None:
        try:
            raw = self.key_file.read_bytes()
        except FileNotFoundError:
            if not create:
                return None
            raw = secrets.token_bytes(32)
            self.key_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            _write_private(self.key_file, raw, exclusive=True)
            raw = self.key_file.read_bytes()  # another process may have made it first
        return _derive(raw, machine_id())


def _fernet(key: bytes) -> Any:
    from cryptography.fernet import Fernet

    return Fernet(key)


def _derive(raw: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt or None,
               info=_HKDF_INFO).derive(raw)
    return base64.urlsafe_b64encode(key)


def machine_id() -> bytes:
    """A stable id of this machine's installation, or b"" where none is known."""
    if sys.platform == "win32":
        try:
            import winreg

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                                r"SOFTWARE\Microsoft\Cryptography") as key:
                return str(winreg.QueryValueEx(key, "MachineGuid")[0]).encode()
        except OSError:
            return b""
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            found = Path(candidate).read_bytes().strip()
        except OSError:
            continue
        if found:
            return found
    return b""


def _write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` readable by this user only (0600), whole or not at all."""
    if exclusive:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
