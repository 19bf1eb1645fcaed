"""The deposit-ticket dialog on a 1024x768 and a 1366x768 screen: the amount to transfer is
whole (it was cut in half), the dialog fits the screen with a ticket shown, and Enter in the
amount field requests the amount typed (it also "clicked" the Rp100.000 button)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pulsa_protocol import wire
from PySide6.QtCore import Qt

from kiosk_pos.ui.deposit_ticket import DepositTicketDialog
from tests.ui.fit import assert_whole
from tests.ui.test_screen_fit import SIZES


def _ticket() -> wire.DepositTicket:
    now = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    return wire.DepositTicket(id=12, amount_requested=500_000, unique_code=960,
                              amount_to_transfer=500_960, bank_name="BCA",
                              bank_account="1234567890", bank_holder="PT Distributor Pulsa Demo",
                              status="open", expires_at=now + timedelta(hours=6),
                              created_at=now)


@pytest.mark.parametrize("size", SIZES)
def test_the_ticket_is_whole_and_the_dialog_fits_the_screen(qtbot, themed, kiosk, size):
    owner = kiosk.users.authenticate("9999")
    dialog = DepositTicketDialog(kiosk, user=owner)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.show_ticket(_ticket())
    dialog.adjustSize()
    qtbot.waitUntil(lambda: dialog.panel.isVisible(), timeout=2000)
    assert dialog.unique_amount.text() == "Rp500.960"
    height = dialog.sizeHint().height()
    assert height <= size[1] - 60, "the dialog and its title bar fit the screen"
    assert dialog.sizeHint().width() <= size[0]
    dialog.resize(dialog.sizeHint())
    assert_whole(qtbot, dialog, dialog)


def test_enter_requests_the_amount_typed_and_no_quick_button(qtbot, themed, kiosk):
    owner = kiosk.users.authenticate("9999")
    dialog = DepositTicketDialog(kiosk, user=owner)  # not connected: the request says so
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.amount.setFocus()
    qtbot.keyClicks(dialog.amount, "250000")
    with qtbot.waitSignal(dialog.failed, timeout=2000) as blocker:
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "belum tersambung" in blocker.args[0]
    assert dialog.amount.text() == "250000"  # not replaced by Rp100.000's 100000
    assert dialog.isVisible()  # Enter did not close the dialog either
    assert not any(b.isDefault() or b.autoDefault() for b in dialog.quick_buttons)
