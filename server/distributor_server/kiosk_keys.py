"""Kiosk secrets, derived so that the database alone reveals no usable key.

Scheme: ``secret = hex(HMAC-SHA256(master_key, "kiosk-secret:<kiosk_id>:<generation>"))``.
The database stores only the kiosk id and a generation number; the 32-byte master key lives
in a separate file (mode 0600; ``--key-file`` / ``DISTRIBUTOR_KEY_FILE``; by default beside a
SQLite file as ``<file>.master-key``, else ``master.key`` in the user data dir). A stolen
database dump or backup therefore cannot sign requests. Whoever holds the master key file
*and* the kiosk ids can compute every secret, so guard that file like a private key and keep
it out of database backups. Rotating one kiosk's secret = bumping its generation
(``distributor-server kiosk rotate-secret``); rotating everything = a new master key.
The secret is symmetric (the server must recompute the HMAC), so it cannot be hashed like a
password; derivation is the honest simple alternative to storing it encrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

KEY_BYTES = 32
_CACHE: dict[Path, bytes] = {}
_LOCK = threading.Lock()


class KeyFileError(RuntimeError):
    pass


def load_or_create_master_key(path: Path) -> bytes:
    path = Path(path)
    with _LOCK:
        if path in _CACHE:
            return _CACHE[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_hex(KEY_BYTES) + "\n")
        text = path.read_text().strip()
        try:
            key = bytes.fromhex(text)
        except ValueError:
            raise KeyFileError(f"{path} does not hold a hex master key.") from None
        if len(key) < 16:
            raise KeyFileError(f"{path} holds a master key shorter than 16 bytes.")
        _CACHE[path] = key
        return key


def kiosk_secret(master_key: bytes, kiosk_id: int, generation: int) -> str:
    message = f"kiosk-secret:{kiosk_id}:{generation}".encode()
    return hmac.new(master_key, message, hashlib.sha256).hexdigest()
