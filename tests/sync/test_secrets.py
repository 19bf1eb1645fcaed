"""The distributor's secret is not in kiosk.db nor its backups: a copied database cannot
spend the deposit, and the kiosk still syncs. Real HTTP to the embedded distributor."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk_pos.cli import main
from kiosk_pos.sync.client import DistributorClient


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def run(capsys: pytest.CaptureFixture, folder: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--data-dir", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def connected(make_shop, distributor, capsys):
    """A fresh kiosk connected with ``kiosk-pos connect`` (the owner's PIN), one sale queued."""
    shop = make_shop(connect=False)
    creds = distributor.create_kiosk("Konter Rahasia")
    distributor.credit_deposit(creds.kiosk_id, 5_000_000)
    code, _, err = run(capsys, shop.data_dir, "connect", "--url", distributor.url,
                       "--kiosk-id", str(creds.kiosk_id), "--secret", creds.secret,
                       "--pin", "9999")
    assert code == 0, err
    code, _, err = run(capsys, shop.data_dir, "sell", "--sku", "TSEL10", "--to",
                       "081234567890", "--pin", "1111")
    assert code == 0, err
    return shop, creds


def test_connect_keeps_the_secret_out_of_the_file_and_its_backups(connected, capsys,
                                                                    tmp_path):
    shop, creds = connected
    code, out, err = run(capsys, shop.data_dir, "sync")
    assert code == 0 and "pushed 1" in out, err
    code, _, err = run(capsys, shop.data_dir, "backup", "--pin", "9999", "--to",
                       str(tmp_path / "out"))
    assert code == 0, err
    (backup,) = (tmp_path / "out").glob("kiosk-*.db")
    assert creds.secret not in dump(shop.data_dir / "kiosk.db")
    assert creds.secret not in dump(backup)


def test_a_copied_database_cannot_sign(connected, capsys, tmp_path, distributor):
    shop, creds = connected
    thief = tmp_path / "elsewhere"
    thief.mkdir()
    src, dst = sqlite3.connect(shop.data_dir / "kiosk.db"), sqlite3.connect(thief / "kiosk.db")
    src.backup(dst)
    src.close()
    dst.close()
    code, out, err = run(capsys, thief, "sync")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "kiosk-pos connect" in err and "Traceback" not in err
    server = DistributorClient(distributor.url, creds.kiosk_id, creds.secret)
    assert server.balance().balance == 5_000_000  # the queued sale never left the copy
    server.close()


def test_an_old_kiosk_keeps_syncing_and_its_secret_leaves_the_database(make_shop, distributor,
                                                                       capsys):
    shop = make_shop(connect=False)
    creds = distributor.create_kiosk("Konter Lama")
    distributor.credit_deposit(creds.kiosk_id, 5_000_000)
    shop.kiosk.settings.set_many({"sync.url": distributor.url,  # as kiosks kept it before
                                  "sync.kiosk_id": creds.kiosk_id,
                                  "sync.secret": creds.secret})
    shop.sell()
    assert creds.secret in dump(shop.data_dir / "kiosk.db")
    code, out, err = run(capsys, shop.data_dir, "sync")
    assert code == 0 and "pushed 1" in out, err
    assert creds.secret not in dump(shop.data_dir / "kiosk.db")
    code, out, err = run(capsys, shop.data_dir, "sync")  # and from the store from now on
    assert code == 0, err
