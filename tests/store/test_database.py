import hashlib
import sqlite3

import pytest
from sqlalchemy import select

from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.errors import StoreError
from kiosk_pos.store import open_database
from kiosk_pos.store.migrations import HEAD
from kiosk_pos.store.schema import APPLICATION_ID, users


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pragmas_are_set_on_every_connection(tmp_path):
    db = open_database(tmp_path / "k.db", create=True)
    assert db.pragma("journal_mode") == "wal"
    assert db.pragma("synchronous") == 2  # FULL
    assert db.pragma("foreign_keys") == 1
    assert db.pragma("busy_timeout") >= 1000
    assert db.pragma("application_id") == APPLICATION_ID
    with db.write() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_writes_begin_immediate(tmp_path):
    """A writer holds the write lock from BEGIN, so a second writer waits instead of
    failing half-way through a sale."""
    path = tmp_path / "k.db"
    db = open_database(path, create=True)
    with db.write():
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_an_empty_file_is_a_damaged_shop_never_a_new_one(tmp_path):
    """A 0-byte kiosk.db (a creation cut short, a wiped file) is refused and left as it is:
    rebuilding it would open an empty shop with no owner."""
    path = tmp_path / "k.db"
    path.touch()
    with pytest.raises(StoreError) as err:
        open_database(path)
    assert err.value.key == "error.db_empty_no_backup" and str(path) in err.value.message
    assert path.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.db"]


def test_head_constant_matches_alembic(tmp_path):
    from alembic.script import ScriptDirectory

    from kiosk_pos.store.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_a_backup_is_made_before_a_migration(tmp_path):
    path = tmp_path / "k.db"
    conn = sqlite3.connect(path)  # ours, from a release before the first schema
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    open_database(path).close()
    backups = list(tmp_path.glob("k.db.bak-*"))
    assert len(backups) == 1
    assert sqlite3.connect(backups[0]).execute("SELECT text FROM notes").fetchall() == [
        ("keep me",)]


def test_a_failed_migration_names_the_backup_and_changes_nothing(tmp_path):
    path = tmp_path / "k.db"
    db = open_database(path, create=True)
    with db.write() as conn:
        conn.exec_driver_sql("DELETE FROM alembic_version")  # schema there, stamp lost
    db.close()
    with pytest.raises(StoreError) as err:
        open_database(path)
    backups = list(tmp_path.glob("k.db.bak-*"))
    assert len(backups) == 1 and str(backups[0]) in err.value.message
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT count(*) FROM alembic_version").fetchone() == (0,)


@pytest.mark.parametrize("content", [
    b"this is a spreadsheet, not a database" * 100,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_corrupt_file_is_refused_with_a_message_and_left_untouched(tmp_path, content):
    path = tmp_path / DB_FILENAME
    path.write_bytes(content)
    before = digest(path)
    with pytest.raises(StoreError) as err:
        Kiosk.open(tmp_path)
    assert str(path) in err.value.message and "cadangan" in err.value.message
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [DB_FILENAME]


def test_damaged_pages_are_found(tmp_path):
    path = tmp_path / DB_FILENAME
    from kiosk_pos.core.setup import init_kiosk

    init_kiosk(tmp_path, "K", "9999", demo=True).close()
    sqlite3.connect(path).execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
    data = bytearray(path.read_bytes())
    page = 4096
    for i in range(2 * page, 6 * page):  # scribble over whole b-tree pages
        data[i] = 0x5A
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(StoreError):
        Kiosk.open(tmp_path)
    assert digest(path) == before


def _damage_table(path, table):
    """Scribble over the root page of ``table`` in a cleanly closed database."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size:root * size] = b"\x5a" * size
    path.write_bytes(bytes(data))


@pytest.fixture
def history_db(tmp_path):
    from kiosk_pos.core.records import CartLine, Payment
    from kiosk_pos.core.setup import init_kiosk

    kiosk = init_kiosk(tmp_path, "K", "9999", demo=True)
    clerk = kiosk.users.authenticate("1111")
    for _ in range(30):
        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    kiosk.close()
    path = tmp_path / DB_FILENAME
    _damage_table(path, "sale_lines")
    return path


def test_damaged_history_is_found_by_the_full_check(history_db):
    """A clean open checks only the start-up tables (fast with years of history);
    the full check, run in the background by the app, finds damage anywhere."""
    before = digest(history_db)
    kiosk = Kiosk.open(history_db.parent)
    with pytest.raises(StoreError) as err:
        kiosk.db.verify()
    assert "cadangan" in err.value.message
    kiosk.close()
    assert digest(history_db) == before


def test_after_an_unclean_shutdown_every_page_is_checked_on_open(history_db):
    history_db.with_name(history_db.name + "-wal").write_bytes(b"\0" * 64)  # left by a crash
    before = digest(history_db)
    with pytest.raises(StoreError):
        Kiosk.open(history_db.parent)
    assert digest(history_db) == before


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / DB_FILENAME
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError) as err:
        Kiosk.open(tmp_path)
    assert err.value.key == "error.db_foreign"
    assert digest(path) == before


def test_missing_database_says_how_to_create_one(tmp_path):
    with pytest.raises(StoreError) as err:
        Kiosk.open(tmp_path)
    assert "kiosk-pos init" in err.value.message
    assert not (tmp_path / DB_FILENAME).exists()


def test_pins_are_never_stored_plain(kiosk):
    with kiosk.db.read() as conn:
        hashes = [r.pin_hash for r in conn.execute(select(users))]
    assert all(h.startswith("scrypt$") for h in hashes)
    assert not any("1111" in h.split("$")[-1] or "9999" in h for h in hashes)


def test_a_database_held_by_another_program_refuses_the_sale_with_a_sentence(
        tmp_path, monkeypatch):
    from kiosk_pos.core.records import CartLine, Payment
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.store import database

    init_kiosk(tmp_path, "K", "9999", demo=True).close()
    monkeypatch.setattr(database, "PRAGMAS", tuple(
        p.replace("busy_timeout=5000", "busy_timeout=50") for p in database.PRAGMAS))
    kiosk = Kiosk.open(tmp_path)
    clerk = kiosk.users.authenticate("1111")
    other = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with pytest.raises(StoreError) as err:
            kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        assert err.value.key == "error.db_busy" and "belum tersimpan" in err.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    assert [s.id for s in kiosk.sales.for_day(kiosk.today())] == [sale.id]


def test_only_a_relaxed_write_commits_without_its_own_flush(tmp_path):
    """The change feed's copies of the distributor's rows may wait for the next flush;
    every other writer (a sale's included) keeps synchronous=FULL, before and after."""
    db = open_database(tmp_path / "k.db", create=True)
    try:
        with db.write(relaxed=True) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        with db.write() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        with db.write_raw() as cur:
            assert cur.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert db.pragma("synchronous") == 2
    finally:
        db.close()
