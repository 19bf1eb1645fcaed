"""Deposit tickets and the reconcile / prices / deposit-ticket commands."""

from __future__ import annotations

import json
import socket

import pytest
from distributor_server.tickets import confirm_ticket

from kiosk_pos.cli import main
from kiosk_pos.core.errors import KioskError
from kiosk_pos.sync.config import SyncConfig, save_config
from kiosk_pos.sync.reconcile import reconcile_day
from kiosk_pos.sync.tickets import cached_tickets, check_amount, list_tickets, request_ticket


def test_ticket_shows_unique_amount_and_confirm_credits(make_shop, distributor) -> None:
    shop = make_shop()
    ticket = request_ticket(shop.kiosk, shop.client, "500rb", shop.owner)
    assert ticket.amount_requested == 500_000
    assert 500_001 <= ticket.amount_to_transfer <= 500_999
    assert ticket.amount_to_transfer == 500_000 + ticket.unique_code
    assert ticket.bank_account and ticket.status == "open"
    assert [t.id for t in cached_tickets(shop.kiosk)] == [ticket.id]
    confirm_ticket(distributor.ctx, ticket.id)  # the distributor saw the bank transfer
    listed = list_tickets(shop.kiosk, shop.client)
    assert [(t.id, t.status) for t in listed] == [(ticket.id, "confirmed")]
    assert shop.client.balance().balance == 5_000_000 + ticket.amount_to_transfer
    result = reconcile_day(shop.kiosk, shop.client)
    assert result.server_balance - result.local_balance == ticket.amount_to_transfer
    assert [(d.side, d.reason, d.amount) for d in result.differences] == [
        ("server", "deposit_ticket", -ticket.amount_to_transfer)]
    assert result.unexplained == 0


def test_ticket_shows_in_local_ledger_after_a_sync(make_shop, distributor) -> None:
    service = pytest.importorskip("kiosk_pos.sync.service")
    shop = make_shop()
    ticket = request_ticket(shop.kiosk, shop.client, 200_000, shop.owner)
    confirm_ticket(distributor.ctx, ticket.id)
    sync = service.SyncService(shop.kiosk, shop.client) if hasattr(
        service, "SyncService") else None
    if sync is None or not hasattr(sync, "sync_once"):
        pytest.skip("the sync service has no sync_once yet")
    sync.sync_once()
    assert shop.kiosk.deposit.balance() == 5_000_000 + ticket.amount_to_transfer
    result = reconcile_day(shop.kiosk, shop.client)
    assert result.local_balance == result.server_balance and result.unexplained == 0


@pytest.mark.parametrize("amount, words", [
    ("lima ratus", "bukan jumlah uang"), (5_000, "Rp10.000"), (200_000_000, "Rp100.000.000"),
    ("0", "tidak bisa"),
])
def test_bad_ticket_amount_is_a_sentence(amount: object, words: str) -> None:
    with pytest.raises(KioskError) as err:
        check_amount(amount)  # type: ignore[arg-type]
    assert words in str(err.value) and str(err.value).endswith(".")


def run(capsys: pytest.CaptureFixture, shop, *args: str) -> tuple[int, str, str]:
    try:
        code = main([*args, "--data-dir", str(shop.data_dir)])
    except SystemExit as stop:  # refused while parsing (argparse exits)
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_reconcile_json(make_shop, capsys) -> None:
    shop = make_shop()
    shop.kiosk.settings.set("kiosk.timezone", "Asia/Jakarta")
    ref = shop.sell().topups[0].ref_id
    code, out, err = run(capsys, shop, "reconcile", "--json")
    assert code == 0, err
    body = json.loads(out)
    for key in ("matched", "resolved", "missing_on_server", "unknown_locally",
                "price_mismatch", "local_balance", "server_balance", "differences", "ok"):
        assert key in body
    assert [f["ref_id"] for f in body["missing_on_server"]] == [ref]
    assert body["missing_on_server"][0]["action"] == "queued"
    assert body["local_balance"] == body["server_balance"] - 10_350
    code, out, _ = run(capsys, shop, "reconcile", "--date", "2026-01-02")
    assert code == 0 and "Rekonsiliasi 2026-01-02" in out


def test_cli_prices_and_tickets(make_shop, capsys) -> None:
    shop = make_shop()
    code, out, _ = run(capsys, shop, "prices", "sync", "--pin", "9999", "--json")
    assert code == 0 and json.loads(out)["version"] >= 1
    code, out, _ = run(capsys, shop, "prices", "rules")
    assert code == 0 and "pulsa" in out and "Rp500" in out
    code, out, _ = run(capsys, shop, "deposit-ticket", "--amount", "100000", "--pin", "9999",
                          "--json")
    ticket = json.loads(out)
    assert code == 0 and ticket["amount_to_transfer"] > 100_000
    code, out, _ = run(capsys, shop, "deposit-ticket", "--amount", "250000", "--pin", "9999")
    assert code == 0 and "TEPAT" in out
    code, out, _ = run(capsys, shop, "deposit-ticket", "--list", "--json")
    assert [t["id"] for t in json.loads(out)][-1] == ticket["id"]


def _dead_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def test_cli_unreachable_exits_3(make_shop, capsys) -> None:
    shop = make_shop()
    save_config(shop.kiosk, SyncConfig(_dead_url(), shop.kiosk_id, "x" * 64), shop.owner)
    for args in (["reconcile"], ["prices", "sync", "--pin", "9999"],
                 ["deposit-ticket", "--amount", "50000", "--pin", "9999"]):
        code, out, err = run(capsys, shop, *args)
        assert code == 3, (args, err)
        assert err.count("\n") == 1 and "tidak bisa dihubungi" in err


def test_cli_bad_input_exits_2(make_shop, capsys) -> None:
    shop = make_shop(connect=False)
    code, _, err = run(capsys, shop, "reconcile")
    assert code == 2 and "belum tersambung" in err and err.count("\n") == 1
    code, _, err = run(capsys, shop, "reconcile", "--date", "31-12-2026")
    assert code == 2 and "31-12-2026" in err
    code, _, err = run(capsys, shop, "deposit-ticket", "--amount", "5000")
    assert code == 2 and "Rp10.000" in err
    code, _, err = run(capsys, shop, "deposit-ticket", "--list")
    assert code == 2 and "belum tersambung" in err
