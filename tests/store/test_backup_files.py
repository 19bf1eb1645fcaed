"""store/backup.py: a backup is a whole, private, self-describing copy; a file that is not
one is refused with a sentence and left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import stat
import threading

import pytest

from kiosk_pos.errors import StoreError
from kiosk_pos.store.backup import inspect_backup, restore_backup, write_backup
from kiosk_pos.store.schema import APPLICATION_ID
from tests.aids.cart import sell


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()  # test code: nothing holds this file


def test_backup_is_private_whole_and_says_what_it_holds(kiosk, tmp_path):
    sales = [sell(kiosk) for _ in range(3)]
    target = tmp_path / "out" / "b.db"
    write_backup(kiosk.db.path, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["b.db"]  # no temp, no -wal
    info = inspect_backup(target)
    assert info.checked and info.revision and info.kiosk_name == "Konter Uji"
    assert info.sale_count == 3 and info.last_sale_id == sales[-1].id
    assert info.last_sale_total == sales[-1].total
    assert info.last_sale_at == sales[-1].created_at
    assert info.taken_at >= sales[-1].created_at


def test_backup_through_an_open_connection(kiosk, tmp_path):
    sell(kiosk)
    conn = sqlite3.connect(kiosk.db.path)
    try:
        write_backup(conn, tmp_path / "c.db")
    finally:
        conn.close()
    assert inspect_backup(tmp_path / "c.db").sale_count == 1


def _refused(path, key):
    before = _digest(path) if path.exists() else None
    with pytest.raises(StoreError) as err:
        inspect_backup(path)
    assert err.value.key == key
    assert str(path) in str(err.value)
    if before is not None:
        assert _digest(path) == before


def test_refuses_missing_empty_and_non_sqlite_files(tmp_path):
    _refused(tmp_path / "nothing.db", "error.backup_missing")
    (tmp_path / "empty.db").write_bytes(b"")
    _refused(tmp_path / "empty.db", "error.backup_empty")
    (tmp_path / "text.db").write_bytes(b"this is not a database, just words " * 100)
    _refused(tmp_path / "text.db", "error.backup_not_sqlite")


def test_refuses_another_programs_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.commit()
    conn.close()
    _refused(path, "error.backup_foreign")


def test_refuses_a_newer_schema(kiosk, tmp_path):
    path = tmp_path / "newer.db"
    write_backup(kiosk.db.path, path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    _refused(path, "error.backup_newer")


def test_refuses_a_damaged_backup(kiosk, tmp_path):
    sell(kiosk)
    path = tmp_path / "damaged.db"
    write_backup(kiosk.db.path, path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='sale_lines'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start:start + page_size] = b"\xa5" * page_size  # a page of the history scrambled
    path.write_bytes(bytes(data))
    assert int.from_bytes(data[68:72], "big") == APPLICATION_ID  # the header still says ours
    _refused(path, "error.backup_damaged")


def test_restore_keeps_the_current_database_aside(kiosk, tmp_path):
    first = sell(kiosk)
    backup = tmp_path / "b.db"
    write_backup(kiosk.db.path, backup)
    later = [sell(kiosk) for _ in range(2)]
    aside = tmp_path / "aside" / "before-restore.db"
    info = restore_backup(kiosk.db.path, backup, aside)
    assert (info.sale_count, info.last_sale_id) == (1, first.id)
    with kiosk.db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sales").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    kept = inspect_backup(aside)
    assert (kept.sale_count, kept.last_sale_id) == (3, later[-1].id)
    after = sell(kiosk)  # the open kiosk goes on selling on the restored file
    assert after.id == first.id + 1


def test_restore_refuses_a_foreign_file_and_writes_nothing(kiosk, tmp_path):
    sell(kiosk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    aside = tmp_path / "aside.db"
    with pytest.raises(StoreError) as err:
        restore_backup(kiosk.db.path, other, aside)
    assert err.value.key == "error.backup_foreign"
    assert not aside.exists()
    assert kiosk.sales.for_day(kiosk.today())


def test_backup_while_a_writer_commits(history_kiosk, tmp_path):
    """The backup is one consistent snapshot, and sales go on while it is written."""
    kiosk = history_kiosk
    stop = threading.Event()
    sold: list[int] = []
    errors: list[BaseException] = []

    def seller() -> None:
        try:
            while not stop.is_set():
                sold.append(sell(kiosk).id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=seller)
    thread.start()
    made: list = []
    try:
        while len(sold) < 2 and not errors:  # the writer is busy before the backups start
            threading.Event().wait(0.005)
        overlapped = False
        while not overlapped and len(made) < 40 and not errors:
            before = len(sold)
            path = tmp_path / f"live-{len(made)}.db"
            write_backup(kiosk.db.path, path)
            made.append(path)
            overlapped = len(sold) > before  # a sale committed while this backup ran
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors
    assert overlapped, "no sale committed while a backup was being written"
    for path in made:
        info = inspect_backup(path, check=path == made[-1])
        conn = sqlite3.connect(path)
        try:  # whole sales only, and exactly those committed before the snapshot
            present = [row[0] for row in conn.execute(
                "SELECT s.id FROM sales s JOIN sale_lines l ON l.sale_id = s.id "
                "JOIN topups t ON t.sale_line_id = l.id JOIN outbox o ON o.topup_id = t.id "
                "JOIN deposit_ledger d ON d.sale_id = s.id AND d.reason = 'topup' "
                "WHERE s.id >= ?", (sold[0],))]
        finally:
            conn.close()
        assert present == [i for i in sold if i <= info.last_sale_id]
