"""Commands that change where the money goes need the owner's PIN, checked by the core use
cases themselves: a clerk's PIN or a wrong one is one sentence (exit 2), nothing is sent to
the distributor and nothing is written. Real HTTP to the embedded distributor."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.price_list import saved_version
from kiosk_pos.printing.receipt_printer import load_settings, save_settings
from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.sync.config import SyncConfig, load_config, save_config
from kiosk_pos.sync.prices import pull_prices
from kiosk_pos.sync.tickets import cached_tickets, request_ticket

CLERK, WRONG = "1111", "4321"


# What a refused command may leave: the PIN check's own bookkeeping (a login or a wrong
# PIN in the audit trail, the lockout counter), never what the command would have changed.
PIN_BOOKKEEPING = ('INSERT INTO "audit_log"', 'INSERT INTO "login_guard"')


def snapshot(folder: Path) -> str:
    conn = sqlite3.connect(folder / "kiosk.db")
    try:
        return "\n".join(line for line in conn.iterdump()
                         if not line.startswith(PIN_BOOKKEEPING))
    finally:
        conn.close()


def run(capsys: pytest.CaptureFixture, folder: Path, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--data-dir", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, folder: Path, args: list[str], pin: str) -> str:
    before = snapshot(folder)
    code, out, err = run(capsys, folder, *args, "--pin", pin)
    assert code == 2 and out == "", (args, err)
    assert err.count("\n") == 1 and err.startswith("kiosk-pos: ") and "Traceback" not in err
    assert snapshot(folder) == before, f"{args} wrote to the database"
    return err


def server_tickets(shop) -> list:
    return shop.client.deposit_tickets().tickets


@pytest.mark.parametrize("pin, words", [(CLERK, "Hanya pemilik"), (WRONG, "PIN salah")])
def test_connect_needs_the_owner(make_shop, distributor, capsys, pin, words):
    shop = make_shop(connect=False)
    creds = distributor.create_kiosk("Konter Lain")
    args = ["connect", "--url", distributor.url, "--kiosk-id", str(creds.kiosk_id),
            "--secret", creds.secret]
    assert words in refused(capsys, shop.data_dir, args, pin)
    assert load_config(shop.kiosk) is None and not any(shop.data_dir.glob("credentials*"))
    code, _, err = run(capsys, shop.data_dir, *args)  # no PIN at all
    assert code == 2 and "--pin" in err


@pytest.mark.parametrize("pin, words", [(CLERK, "Hanya pemilik"), (WRONG, "PIN salah")])
def test_deposit_ticket_request_needs_the_owner(make_shop, capsys, pin, words):
    shop = make_shop()
    err = refused(capsys, shop.data_dir, ["deposit-ticket", "--amount", "100000"], pin)
    assert words in err
    assert server_tickets(shop) == [] and cached_tickets(shop.kiosk) == []
    code, _, err = run(capsys, shop.data_dir, "deposit-ticket", "--list")  # reading is free
    assert code == 0, err
    code, _, err = run(capsys, shop.data_dir, "deposit-ticket", "--amount", "100000")
    assert code == 2 and "PIN pemilik" in err and server_tickets(shop) == []


@pytest.mark.parametrize("pin, words", [(CLERK, "Hanya pemilik"), (WRONG, "PIN salah")])
def test_prices_sync_needs_the_owner(make_shop, capsys, pin, words):
    shop = make_shop()
    assert words in refused(capsys, shop.data_dir, ["prices", "sync"], pin)
    assert saved_version(shop.kiosk) == 0
    code, _, err = run(capsys, shop.data_dir, "prices", "rules")  # reading is free
    assert code == 0, err
    code, _, err = run(capsys, shop.data_dir, "prices", "sync", "--pin", "9999")
    assert code == 0 and saved_version(shop.kiosk) >= 1, err


@pytest.mark.parametrize("pin, words", [(CLERK, "Hanya pemilik"), (WRONG, "PIN salah")])
def test_printer_changes_need_the_owner(kiosk, capsys, pin, words):
    folder = kiosk.data_dir
    args = ["printer", "--connection", "network", "--host", "10.0.0.9"]
    assert words in refused(capsys, folder, args, pin)
    assert load_settings(kiosk).connection is ConnectionType.NONE
    code, out, err = run(capsys, folder, "printer")  # showing them is free
    assert code == 0 and "connection" in out, err
    code, _, err = run(capsys, folder, *args)
    assert code == 2 and "PIN pemilik" in err
    code, _, err = run(capsys, folder, *args, "--pin", "9999")
    assert code == 0 and load_settings(kiosk).host == "10.0.0.9", err


def test_the_core_refuses_a_clerk_whatever_the_face(make_shop, distributor):
    """The GUI and any future face call these same use cases."""
    shop = make_shop()
    clerk = shop.kiosk.users.authenticate(CLERK)
    creds = distributor.create_kiosk("Konter Palsu")
    for attempt in (
        lambda: save_config(shop.kiosk, SyncConfig(distributor.url, creds.kiosk_id,
                                                   creds.secret), clerk),
        lambda: request_ticket(shop.kiosk, shop.client, 100_000, clerk),
        lambda: pull_prices(shop.kiosk, shop.client, clerk),
        lambda: save_settings(shop.kiosk, PrinterSettings(host="10.0.0.9"), clerk),
        lambda: request_ticket(shop.kiosk, shop.client, 100_000, None),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert load_config(shop.kiosk).kiosk_id == shop.kiosk_id
    assert server_tickets(shop) == [] and saved_version(shop.kiosk) == 0
    assert load_settings(shop.kiosk).host != "10.0.0.9"
