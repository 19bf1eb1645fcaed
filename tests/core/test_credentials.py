"""The distributor's secret lives outside the database: in the OS keyring, or in a file
encrypted with a key kept outside the data folder (what the suite meets: conftest.py
selects keyring's "fail" backend)."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from kiosk_pos.core import connection, credentials
from kiosk_pos.core.connection import Connection, ReconnectNeeded
from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.kiosk import Kiosk

SECRET = "s3cr3t-" + "ab" * 28


class MemoryKeyring(KeyringBackend):
    """An OS keyring stand-in (the developer's real one is never touched)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self, *, broken: bool = False) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise KeyringError("locked")
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.broken:
            raise KeyringError("locked")
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username))


def dump(path: Path) -> str:
    """Everything SQLite shows of the file."""
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def owner(kiosk: Kiosk):
    return kiosk.users.authenticate("9999")


def test_the_suite_uses_the_encrypted_file(kiosk):
    assert isinstance(kiosk.secrets, credentials.FileStore)


def test_connection_keeps_the_secret_out_of_the_database(kiosk):
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    assert connection.load(kiosk) == Connection("https://d.example", 7, SECRET)
    assert SECRET not in dump(kiosk.db.path)
    enc = kiosk.data_dir / credentials.FILE_NAME
    assert stat.S_IMODE(enc.stat().st_mode) == 0o600
    assert SECRET.encode() not in enc.read_bytes()
    key = credentials.key_dir() / credentials.KEY_FILE_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert kiosk.data_dir.resolve() not in key.resolve().parents


def test_the_file_is_useless_without_its_key_or_on_another_machine(kiosk, tmp_path,
                                                                  monkeypatch):
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    enc = kiosk.data_dir / credentials.FILE_NAME
    name = connection.secret_name(7)
    assert credentials.FileStore(enc, credentials.key_dir()).get(name) == SECRET
    assert credentials.FileStore(enc, tmp_path / "other-keys").get(name) is None
    monkeypatch.setattr(credentials, "machine_id", lambda: b"another-machine")
    assert credentials.FileStore(enc, credentials.key_dir()).get(name) is None


def test_a_database_copied_elsewhere_must_be_reconnected(kiosk, tmp_path):
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    src, dst = sqlite3.connect(kiosk.db.path), sqlite3.connect(copy_dir / "kiosk.db")
    src.backup(dst)
    src.close()
    dst.close()
    copied = Kiosk.open(copy_dir)
    try:
        with pytest.raises(ReconnectNeeded) as err:
            connection.load(copied)
        assert "kiosk-pos connect" in str(err.value) and str(err.value).count("\n") == 0
    finally:
        copied.close()


def test_an_old_kiosk_has_its_secret_moved_out_on_first_load(kiosk):
    kiosk.settings.set_many({"sync.url": "https://d.example", "sync.kiosk_id": 7,
                             "sync.secret": SECRET})  # what kiosks kept before
    assert SECRET in dump(kiosk.db.path)
    assert connection.load(kiosk) == Connection("https://d.example", 7, SECRET)
    assert kiosk.settings.get("sync.secret") is None
    assert SECRET not in dump(kiosk.db.path)
    assert connection.load(kiosk).secret == SECRET  # now from the store


def test_a_clerk_cannot_change_the_connection(kiosk, clerk):
    with pytest.raises(PermissionDenied) as err:
        connection.save(kiosk, clerk, Connection("https://evil.example", 7, SECRET))
    assert "pemilik" in str(err.value)
    assert connection.load(kiosk) is None
    assert not (kiosk.data_dir / credentials.FILE_NAME).exists()


def test_reconnecting_as_another_kiosk_forgets_the_old_secret(kiosk):
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 8, "other"))
    assert kiosk.secrets.get(connection.secret_name(7)) is None
    assert connection.load(kiosk).secret == "other"


def test_an_os_keyring_is_used_when_there_is_one(kiosk):
    ring = MemoryKeyring()
    kiosk.secrets = credentials.store_for(kiosk.data_dir, backend=ring)
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    assert list(ring.values.values()) == [SECRET]
    (service, user), = ring.values
    assert service == "kiosk-pos" and str(kiosk.data_dir.resolve()) in user
    assert not (kiosk.data_dir / credentials.FILE_NAME).exists()
    assert connection.load(kiosk).secret == SECRET
    assert SECRET not in dump(kiosk.db.path)


def test_a_locked_keyring_falls_back_to_the_file_never_the_database(kiosk):
    kiosk.secrets = credentials.store_for(kiosk.data_dir, backend=MemoryKeyring(broken=True))
    connection.save(kiosk, owner(kiosk), Connection("https://d.example", 7, SECRET))
    assert (kiosk.data_dir / credentials.FILE_NAME).exists()
    assert connection.load(kiosk).secret == SECRET
    assert SECRET not in dump(kiosk.db.path)


def test_keyrings_that_store_nothing_or_plain_text_are_not_used(monkeypatch):
    import keyring
    from keyring.backends import fail, null

    for backend in (fail.Keyring(), null.Keyring()):
        monkeypatch.setattr(keyring, "get_keyring", lambda b=backend: b)
        assert credentials._usable_keyring() is None
    monkeypatch.setattr(keyring, "get_keyring", lambda: MemoryKeyring())
    assert isinstance(credentials._usable_keyring(), MemoryKeyring)
