"""Mode latihan: a practice kiosk in ``training/`` with the simulator distributor. Whatever
is done there (the app's session selling and syncing, ``kiosk-pos --training`` commands),
the real shop's database stays the same row for row and the real distributor on 127.0.0.1
receives nothing; receipts say LATIHAN; connect and restore are refused in training."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributor_server.embedded import EmbeddedServer, start_embedded

from kiosk_pos.cli import main
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.i18n import tr
from kiosk_pos.session import AppSession
from kiosk_pos.sync.config import SyncConfig, load_config, save_config
from kiosk_pos.sync.service import SyncService
from kiosk_pos.training import TRAINING_DIR, is_training_kiosk
from tests.aids.distributor import FAST
from tests.aids.waiting import wait_for

OWNER_PIN = "4826"


def snapshot(db: Path) -> dict[str, list[str]]:
    """Every row of every table, read through SQLite (read-only), in a stable order."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(repr(row) for row in con.execute(f'SELECT * FROM "{t}"'))
                for t in tables}
    finally:
        con.close()


def shop_files(folder: Path) -> list[str]:
    """The real shop's own files (SQLite's -wal and -shm come and go with connections)."""
    return sorted(p.name for p in folder.iterdir()
                  if p.name != TRAINING_DIR and not p.name.endswith(("-wal", "-shm")))


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[tuple[EmbeddedServer, Path]]:
    folder = tmp_path / "real-distributor"
    folder.mkdir()
    server = start_embedded(f"sqlite:///{folder / 'server.db'}", key_file=folder / "master.key",
                            **FAST)
    try:
        yield server, folder / "server.db"
    finally:
        server.stop()


@pytest.fixture
def real_shop(tmp_path: Path, real_server) -> Path:
    """A real shop connected to the real distributor, with one top-up sold and synced."""
    server, _db = real_server
    folder = tmp_path / "shop"
    kiosk = init_kiosk(folder, "Konter Asli", OWNER_PIN, demo=True)
    try:
        creds = server.create_kiosk("Konter Asli")
        server.credit_deposit(creds.kiosk_id, 5_000_000)
        owner = kiosk.users.authenticate(OWNER_PIN)
        save_config(kiosk, SyncConfig(server.url, creds.kiosk_id, creds.secret), owner)
        clerk = kiosk.users.authenticate("1111")
        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        service = SyncService(kiosk, load_config(kiosk).client())  # type: ignore[union-attr]
        assert service.sync_once().pushed == 1
        service.client.close()
    finally:
        kiosk.close()
    return folder


def cli(capsys, shop: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--training", "--data-dir", str(shop), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_nothing_from_training_reaches_the_real_shop_or_distributor(capsys, real_shop,
                                                                    real_server):
    server, server_db = real_server
    # the distributor's own once-a-minute watch notes its supplier's balance soon after it
    # starts (and then only when it changes): taken before the picture, so what follows is
    # all the test's doing
    wait_for(lambda: any("upstream_balance" in row
                         for row in snapshot(server_db).get("counters", [])),
             timeout=30, what="the distributor's first reading of its supplier's balance")
    shop_before = snapshot(real_shop / "kiosk.db")
    server_before = snapshot(server_db)
    files_before = shop_files(real_shop)

    # the app's session in training: sells, and syncs with the simulator
    session = AppSession.open_training(real_shop, printing=False, verify=False, backups=False)
    try:
        assert session.data_dir == real_shop / TRAINING_DIR
        assert is_training_kiosk(session.kiosk)
        session.start()
        wait_for(lambda: session.sync is not None, what="the simulator's sync to start")
        clerk = session.kiosk.users.authenticate("1111")
        sale = session.kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")],
                                        Payment())
        ref = sale.lines[0].topup.ref_id  # type: ignore[union-attr]

        def final() -> bool:
            topup = session.kiosk.sales.by_ref_id(ref).lines[0].topup
            return topup is not None and topup.status is TopUpStatus.SUCCESS

        wait_for(final, timeout=30, what="the practice top-up to succeed at the simulator")
        cfg = load_config(session.kiosk)
        assert cfg is not None and cfg.url != server.url
    finally:
        session.stop()

    # and the command line in training
    code, _out, err = cli(capsys, real_shop, "sell", "--sku", "XL20", "--to", "081712345678",
                          "--pin", "1111")
    assert code == 0, err
    code, out, err = cli(capsys, real_shop, "sync", "--json")
    assert code == 0, err
    code, out, _err = cli(capsys, real_shop, "receipt", "1")
    assert code == 0 and "LATIHAN" in out
    code, _out, err = cli(capsys, real_shop, "connect", "--url", server.url, "--kiosk-id", "1",
                          "--secret", "x", "--pin", "9999")
    assert code == 2 and err.strip() == f"kiosk-pos: {tr('training.refused.connect')}"
    code, _out, err = cli(capsys, real_shop, "restore", "anything.db", "--pin", "9999")
    assert code == 2 and tr("training.refused.restore") in err

    assert snapshot(real_shop / "kiosk.db") == shop_before
    assert snapshot(server_db) == server_before  # the real distributor received nothing
    assert shop_files(real_shop) == files_before  # no backup, no key, no file of training's
    practice = Kiosk.open(real_shop / TRAINING_DIR)
    try:
        assert len(practice.sales.for_day(practice.today())) == 2
    finally:
        practice.close()


def test_training_commands_never_open_the_real_database(capsys, tmp_path):
    """No real shop at all: training still works, and makes none."""
    shop = tmp_path / "nothing-here"
    code, out, err = cli(capsys, shop, "products", "--json")
    assert code == 0, err
    assert (shop / TRAINING_DIR / "kiosk.db").exists()
    assert not (shop / "kiosk.db").exists()


def test_training_may_come_before_or_after_the_command(capsys, tmp_path):
    shop = str(tmp_path / "shop")
    assert main(["history", "--data-dir", shop, "--training", "--json"]) == 0
    assert (tmp_path / "shop" / TRAINING_DIR / "kiosk.db").exists()
    capsys.readouterr()
    code = main(["--data-dir", shop, "history", "--json"])  # without it: the real shop
    assert code == 2
    assert "init" in capsys.readouterr().err


def test_switching_is_the_owners(real_shop):
    from kiosk_pos.core.errors import AuthError, PermissionDenied
    from kiosk_pos.training import check_real_owner

    assert check_real_owner(real_shop, OWNER_PIN).name == "Pemilik"
    with pytest.raises(PermissionDenied):
        check_real_owner(real_shop, "1111")  # the clerk
    with pytest.raises(AuthError):
        check_real_owner(real_shop, "9999")  # the practice owner's PIN is not the real one


def test_a_refused_distributor_command_in_training_changes_nothing(capsys, tmp_path):
    """The simulator runs for the command, and the practice kiosk's kept address is put
    back after it: the owner-only ``prices sync`` without a PIN leaves everything as it was."""
    from tests.aids.cli_run import kiosk_fingerprint

    shop = tmp_path / "shop"
    assert cli(capsys, shop, "products", "--json")[0] == 0  # makes the practice kiosk
    practice = shop / TRAINING_DIR / "kiosk.db"
    before = kiosk_fingerprint(practice, shop)
    code, _out, err = cli(capsys, shop, "prices", "sync", "--json")
    assert code == 2 and tr("error.owner_pin_required") in err
    assert kiosk_fingerprint(practice, shop) == before
    code, out, err = cli(capsys, shop, "balance", "--json")  # and the simulator answers
    assert code == 0, err
    assert '"server": 5000000' in out
