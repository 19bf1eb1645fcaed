"""pytest-qt: the Rekonsiliasi screen and the Tiket Deposit dialog against a real server.

Set KIOSK_SCREENSHOTS=1 to write docs/screenshots/reconcile.png and deposit-ticket.png.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from pulsa_protocol import wire
from pulsa_protocol.money import format_rupiah
from sqlalchemy import update

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.store.schema import outbox
from kiosk_pos.ui.deposit_ticket import DepositTicketDialog
from kiosk_pos.ui.reconcile_view import ReconcileView
from tests.aids.distributor import wait_final

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _shot(widget: object, name: str) -> None:
    if os.environ.get("KIOSK_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))  # type: ignore[attr-defined]


def test_reconcile_screen_shows_counts_lists_and_balances(qtbot, themed, make_shop) -> None:
    shop = make_shop()
    ok = shop.sell(to="081234567890").topups[0]
    failing = shop.sell(to="081234567892").topups[0]
    shop.send_outbox()
    wait_final(shop.client, ok.ref_id)
    wait_final(shop.client, failing.ref_id)
    lost = shop.sell(to="081298765431").topups[0]
    with shop.kiosk.db.write() as conn:  # believed sent, never arrived
        conn.execute(update(outbox).where(outbox.c.ref_id == lost.ref_id)
                     .values(sent_at=to_db(utc_now())))
    stranger = str(uuid.uuid4())
    shop.client.submit_topups([wire.TopUpRequest(ref_id=stranger, sku="TSEL5",
                                                 destination="081311112222")])
    view = ReconcileView(shop.kiosk, lambda: shop.client)
    qtbot.addWidget(view)
    view.resize(1180, 820)
    view.show()
    with qtbot.waitSignal(view.finished, timeout=15_000) as blocker:
        qtbot.mouseClick(view.run_button, __import__("PySide6.QtCore").QtCore.Qt.LeftButton)
        assert not view.run_button.isEnabled()  # running off the UI thread
    result = blocker.args[0]
    assert view.run_button.isEnabled()
    assert view.count_labels["resolved"].text() == "2"  # queued -> success / failed
    assert view.count_labels["missing_on_server"].text() == "1"
    assert view.count_labels["unknown_locally"].text() == "1"
    assert view.balance_labels["local_balance"].text() == format_rupiah(result.local_balance)
    assert view.balance_labels["server_balance"].text() == format_rupiah(result.server_balance)
    assert view.balance_labels["unexplained"].text() == "Rp0"
    categories = [row[0] for row in view.rows_text()]
    assert categories[0] == "Tak dikenal"
    assert "Dikirim ulang" in categories
    assert view.explanation.rowCount() == len(result.differences) >= 1
    assert "perlu diperiksa" in view.status.text()
    _shot(view, "reconcile.png")


def test_reconcile_screen_not_connected_and_unreachable(qtbot, themed, make_shop) -> None:
    shop = make_shop(connect=False)
    view = ReconcileView(shop.kiosk, lambda: None)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.failed, timeout=2_000) as blocker:
        view.run()
    assert "belum tersambung" in blocker.args[0] and view.status.text() == blocker.args[0]
    from kiosk_pos.sync.client import DistributorClient

    dead = DistributorClient("http://127.0.0.1:9", 1, "x" * 64, timeout=(0.5, 0.5))
    view2 = ReconcileView(shop.kiosk, lambda: dead)
    qtbot.addWidget(view2)
    with qtbot.waitSignal(view2.failed, timeout=15_000) as blocker:
        view2.run()
    assert "tidak bisa dihubungi" in blocker.args[0]
    assert view2.run_button.isEnabled()


def test_ticket_dialog_shows_the_unique_amount(qtbot, themed, make_shop, distributor) -> None:
    shop = make_shop()
    dialog = DepositTicketDialog(shop.kiosk, lambda: shop.client, user=shop.owner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.panel.isVisible()
    dialog.quick_buttons[2].click()  # Rp500.000
    assert dialog.amount.text() == "500000"
    with qtbot.waitSignal(dialog.ticket_ready, timeout=10_000) as blocker:
        dialog.request_button.click()
    ticket = blocker.args[0]
    assert ticket.amount_requested == 500_000 and ticket.amount_to_transfer > 500_000
    assert dialog.unique_amount.text() == format_rupiah(ticket.amount_to_transfer)
    assert ticket.bank_account in dialog.bank.text()
    assert str(ticket.unique_code) in dialog.hint.text()
    assert dialog.panel.isVisible() and not dialog.error.isVisible()
    assert f"#{ticket.id}" in dialog.recent.item(0).text()
    from distributor_server.tickets import confirm_ticket

    confirm_ticket(distributor.ctx, ticket.id)
    with qtbot.waitSignal(dialog.tickets_loaded, timeout=10_000):
        dialog.refresh_button.click()
    assert "Sudah masuk" in dialog.recent.item(0).text()
    dialog.resize(700, 780)
    _shot(dialog, "deposit-ticket.png")


def test_ticket_dialog_bad_amount_is_a_sentence(qtbot, themed, make_shop) -> None:
    shop = make_shop()
    dialog = DepositTicketDialog(shop.kiosk, lambda: shop.client, user=shop.owner)
    qtbot.addWidget(dialog)
    dialog.show()
    for text, words in (("seratus", "bukan jumlah uang"), ("5000", "Rp10.000")):
        dialog.amount.setText(text)
        with qtbot.waitSignal(dialog.failed, timeout=2_000) as blocker:
            dialog.request_button.click()
        assert words in blocker.args[0]
        assert dialog.error.isVisible() and dialog.error.text() == blocker.args[0]
        assert not dialog.panel.isVisible()
