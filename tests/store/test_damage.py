"""A damaged kiosk.db is never written: whoever meets the damage first (a sale, history, a
report, the background full check) stops all writing, the clerk reads one sentence naming
the newest good backup, and the app hears of it once."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.events import DATABASE_DAMAGED, NOTICE
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.session import AppSession
from kiosk_pos.store.damage import DamagedDatabase

SALES = 150  # enough for the sales table to have several leaf pages


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def zero_first_leaf(path: Path, table: str) -> None:
    """Zero the first leaf page of ``table`` in a closed database: not the page a new row
    goes to, so today's code sold into the damaged file without noticing."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leaves = [n for n, kind in conn.execute(
        "SELECT pageno, pagetype FROM dbstat WHERE name = ? ORDER BY pageno", (table,))
        if kind == "leaf"]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(leaves) > 1
    data = bytearray(path.read_bytes())
    data[(leaves[0] - 1) * size:leaves[0] * size] = bytes(size)
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(tmp_path: Path) -> tuple[Path, Path]:
    """(data folder, its good backup): a shop with a day of sales and a daily backup, then
    a leaf page of its sales table zeroed while it was closed."""
    folder = tmp_path / "data"
    kiosk = init_kiosk(folder, "Konter Uji", "9999", demo=True)
    clerk = kiosk.users.authenticate("1111")
    for _ in range(SALES):
        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    backup = kiosk.backups.automatic_backup("daily")
    kiosk.close()
    assert backup is not None
    zero_first_leaf(folder / DB_FILENAME, "sales")
    return folder, backup.path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_sentence(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("kiosk-pos: "), err
    assert "Traceback" not in err
    return err


def test_sell_into_a_damaged_file_is_refused_and_writes_nothing(capsys, damaged):
    folder, backup = damaged
    db = folder / DB_FILENAME
    before = digest(db)
    code, out, err = run(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890",
                         "--again", "--pin", "1111", "--data-dir", str(folder))  # sold before
    assert code == 2 and out == ""
    sentence = one_sentence(err)
    assert "rusak" in sentence and "pemilik" in sentence and str(backup) in sentence
    assert digest(db) == before
    wal = db.with_name(DB_FILENAME + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # no sale waits to be folded in


@pytest.mark.parametrize("command", [["history"], ["report", "daily"]])
def test_history_and_report_of_a_damaged_file_are_one_sentence(capsys, damaged, command):
    folder, backup = damaged
    code, out, err = run(capsys, *command, "--data-dir", str(folder))
    assert code == 2 and out == ""
    assert str(backup) in one_sentence(err)


def test_damage_met_by_a_read_stops_every_later_write_and_is_announced_once(damaged):
    folder, backup = damaged
    kiosk = Kiosk.open(folder)
    heard: list[str] = []
    kiosk.events.register(DATABASE_DAMAGED, heard.append)
    try:
        with pytest.raises(DamagedDatabase):  # SQLAlchemy's wrapped form of SQLITE_CORRUPT
            kiosk.reports.daily(kiosk.today())
        with pytest.raises(DamagedDatabase):  # the plain sqlite3 form
            kiosk.sales.for_day(kiosk.today())
        clerk = kiosk.users.authenticate("1111")
        for _ in range(2):  # goods: a write that would not even touch the damaged page
            with pytest.raises(DamagedDatabase) as err:
                kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
            assert str(backup) in err.value.message
        with pytest.raises(DamagedDatabase):
            kiosk.backups.automatic_backup("exit")  # no copy of a damaged file thins good ones
    finally:
        kiosk.close()
    assert len(heard) == 1 and str(backup) in heard[0]
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]


def test_the_full_check_of_a_running_session_stops_writing_and_tells_the_clerk(damaged):
    folder, backup = damaged
    before = digest(folder / DB_FILENAME)
    session = AppSession.open(folder, printing=False, sync=False, verify=True, backups=True)
    heard: list[str] = []
    notices: list[str] = []
    announced = threading.Event()
    session.kiosk.events.register(DATABASE_DAMAGED,
                                  lambda sentence: (heard.append(sentence), announced.set()))
    session.kiosk.events.register(NOTICE, notices.append)
    session.start()
    try:
        assert announced.wait(30)
        clerk = session.kiosk.users.authenticate("1111")
        with pytest.raises(DamagedDatabase):
            session.kiosk.sales.sell(clerk, [CartLine("ACC-TG", 1)], Payment())
    finally:
        session.stop()  # its exit backup is refused too: no copy of the damaged file
    assert len(heard) == 1 and str(backup) in heard[0]
    assert notices == []  # one fact, one announcement: the window shows DATABASE_DAMAGED
    assert digest(folder / DB_FILENAME) == before
    assert sorted(p.name for p in backup.parent.iterdir()) == [backup.name]


def test_without_a_good_backup_the_sentence_says_to_keep_the_file(capsys, damaged):
    folder, backup = damaged
    backup.unlink()
    code, _out, err = run(capsys, "sell", "--sku", "ACC-TG", "--pin", "1111",
                          "--data-dir", str(folder))
    assert code == 2
    assert "tidak ada cadangan yang baik" in one_sentence(err)


def test_the_restore_the_sentence_names_brings_the_counter_back(capsys, damaged):
    """What the owner is told to do works on the damaged file: restore the named backup,
    and the next sale is saved (the damaged file is kept aside, not deleted)."""
    folder, backup = damaged
    code, _out, err = run(capsys, "restore", str(backup), "--pin", "9999", "--yes",
                          "--data-dir", str(folder))
    assert code == 0, err
    code, out, err = run(capsys, "sell", "--sku", "ACC-TG", "--pin", "1111", "--json",
                         "--data-dir", str(folder))
    assert code == 0, err
    assert any("before-restore" in p.name for p in backup.parent.iterdir())
