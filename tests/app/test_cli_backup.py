"""CLI contract of backup / restore: the owner's PIN only, exit 2 and nothing written on a
refusal, and a restore says what it brought back and where the old data was kept."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.instance import GuiLock


@pytest.fixture
def folder(tmp_path) -> Path:
    init_kiosk(tmp_path / "data", "Konter Uji", "9999", demo=True).close()
    return tmp_path / "data"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def sell(capsys, folder):
    code, out, err = run(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890", "--pin",
                         "1111", "--json", "--again", "--data-dir", str(folder))  # each a sale
    assert code == 0, err
    return json.loads(out)


def sale_count(folder):
    conn = sqlite3.connect(folder / "kiosk.db")
    try:
        return conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        conn.close()


def backup(capsys, folder, *extra):
    code, out, err = run(capsys, "backup", "--pin", "9999", "--json", "--data-dir", str(folder),
                         *extra)
    assert code == 0, err
    return json.loads(out)


def test_backup_needs_the_owner(capsys, folder):
    for extra in (["--pin", "1111"], [], ["--pin", "0000"]):
        code, out, err = run(capsys, "backup", "--data-dir", str(folder), *extra)
        assert code == 2 and out == ""
        assert err.startswith("kiosk-pos: ") and err.count("\n") == 1
    assert not (folder / "backups").exists()
    code, _out, err = run(capsys, "backup", "--pin", "1111", "--data-dir", str(folder))
    assert "pemilik" in err.lower()


def test_backup_then_list(capsys, folder, tmp_path):
    sale = sell(capsys, folder)
    made = backup(capsys, folder)
    assert Path(made["path"]).parent == folder / "backups"
    assert made["sale_count"] == 1 and made["last_sale"]["id"] == sale["id"]
    assert made["last_sale"]["total"] == 12000 and made["kiosk_name"] == "Konter Uji"
    exported = backup(capsys, folder, "--to", str(tmp_path / "usb"))
    assert Path(exported["path"]).parent == tmp_path / "usb"
    code, out, _ = run(capsys, "backup", "--list", "--json", "--data-dir", str(folder))
    assert code == 0 and [b["path"] for b in json.loads(out)] == [made["path"]]
    code, out, _ = run(capsys, "backup", "--list", "--data-dir", str(folder))
    assert code == 0 and Path(made["path"]).name in out
    code, out, _ = run(capsys, "backup", "--pin", "9999", "--data-dir", str(folder))
    assert code == 0 and "Cadangan tersimpan" in out and "Rp12.000" in out


def test_restore_brings_back_the_backup_and_keeps_the_old_data(capsys, folder, monkeypatch):
    first = sell(capsys, folder)
    made = backup(capsys, folder)
    sell(capsys, folder)
    sell(capsys, folder)
    code, out, err = run(capsys, "restore", made["path"], "--pin", "1111", "--yes",
                         "--data-dir", str(folder))
    assert code == 2 and out == "" and sale_count(folder) == 3
    monkeypatch.setattr("sys.stdin", io.StringIO("tidak\n"))
    code, out, err = run(capsys, "restore", made["path"], "--pin", "9999",
                         "--data-dir", str(folder))
    assert code == 2 and "dibatalkan" in err and sale_count(folder) == 3
    monkeypatch.setattr("sys.stdin", io.StringIO("ya\n"))
    code, out, err = run(capsys, "restore", made["path"], "--pin", "9999",
                         "--data-dir", str(folder))
    assert code == 0, err
    assert "1 transaksi" in err  # the preview before the question
    assert f"#{first['id']}" in out and "Rp12.000" in out and "before-restore" in out
    assert sale_count(folder) == 1
    aside = next((folder / "backups").glob("*-before-restore.db"))
    assert str(aside) in out
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 3
    conn.close()


def test_restore_json(capsys, folder):
    sell(capsys, folder)
    made = backup(capsys, folder)
    code, out, err = run(capsys, "restore", made["path"], "--pin", "9999", "--yes", "--json",
                         "--data-dir", str(folder))
    assert code == 0, err
    done = json.loads(out)
    assert done["sale_count"] == 1 and done["kept_aside"].endswith("-before-restore.db")


def test_restore_refuses_junk_and_writes_nothing(capsys, folder, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"definitely not sqlite" * 40)
    code, out, err = run(capsys, "restore", str(junk), "--pin", "9999", "--yes",
                         "--data-dir", str(folder))
    assert code == 2 and out == "" and "bukan cadangan kasir" in err
    assert not (folder / "backups").exists()


def test_restore_refused_while_the_gui_holds_the_folder(capsys, folder):
    sell(capsys, folder)
    made = backup(capsys, folder)
    sell(capsys, folder)
    with GuiLock(folder) as lock:
        assert lock.acquire()
        code, out, err = run(capsys, "restore", made["path"], "--pin", "9999", "--yes",
                             "--data-dir", str(folder))
    assert code == 2 and out == "" and "sedang terbuka" in err
    assert sale_count(folder) == 2
    assert [p.name for p in (folder / "backups").iterdir()] == [Path(made["path"]).name]
