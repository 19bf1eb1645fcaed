"""The counter's screens (1024x768 and 1366x768): the window fits the screen, notices
stay in their fixed strip however many arrive, nav texts are whole, a notice closes from
the keyboard, and a refund notice's acknowledgement is stored and counted by the report."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.records import CartLine, Payment, TopUpStatus
from kiosk_pos.core.topups import apply_status
from kiosk_pos.ui.notices import NoticeKind
from tests.ui.helpers import TSEL_NUMBER, pay_cash, to_payment

SIZES = [(1024, 768), (1366, 768)]


def _inside(widget: QWidget, window: QWidget) -> bool:
    """The widget is shown and wholly within the window's own area."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    box = QRect(top_left, widget.size())
    return widget.isVisible() and window.rect().contains(box)


def _fit(qtbot, window, size: tuple[int, int]) -> QRect:
    screen = QRect(0, 0, *size)
    window.fit_to(screen)
    qtbot.waitUntil(lambda: window.width() <= size[0] and window.height() <= size[1],
                    timeout=3000)
    return screen


@pytest.mark.parametrize("size", SIZES)
def test_window_fits_the_screen_and_nav_texts_are_whole(qtbot, window, sales, size):
    _fit(qtbot, window, size)
    assert window.width() <= size[0] and window.height() <= size[1]
    assert window.minimumSizeHint().width() <= size[0]
    assert window.minimumSizeHint().height() <= size[1]
    buttons = [*window.nav, window.lock, window.help_button]
    if window.tools_button is not None:
        buttons.append(window.tools_button)
    for button in buttons:
        assert _inside(button, window), button.text()
        room = button.contentsRect().width()
        assert button.fontMetrics().horizontalAdvance(button.text()) <= room, button.text()
    assert _inside(window.status, window)


def test_the_deposit_forecast_gives_way_on_a_narrow_screen(qtbot, window, sales):
    from datetime import UTC, datetime

    window.status.set_balance(4_968_950)
    window.status.set_queue(12)
    window.status.set_runs_out(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    _fit(qtbot, window, (1024, 768))
    assert window.minimumSizeHint().width() <= 1024  # the forecast never widens the window
    assert window.status.forecast.full_text() == "cukup s.d. Kamis 14.00"
    assert _inside(window.status, window) and _inside(window.help_button, window)
    deposit = window.status.deposit
    assert deposit.fontMetrics().horizontalAdvance(deposit.text()) <= deposit.width()


@pytest.mark.parametrize("size", SIZES)
def test_ten_notices_do_not_grow_the_layout(qtbot, window, sales, size):
    _fit(qtbot, window, size)
    to_payment(qtbot, sales, TSEL_NUMBER, 1)
    pay_cash(qtbot, sales, "50000")  # the sale's change, large, is the tallest state
    change = sales.change_amount
    qtbot.waitUntil(lambda: change.isVisible() and change.text() != "", timeout=3000)
    window.notices.show_notice("Belum ada printer.")
    qtbot.wait(0)
    strip = window.notices.height()
    for i in range(9):
        window.notices.show_notice(f"Isi ulang ke 0812{i:08d} GAGAL. Kembalikan uang pelanggan.",
                                   NoticeKind.REFUND, lambda _n: None)
    qtbot.waitUntil(lambda: window.notices.more.isVisible(), timeout=3000)
    assert window.notices.height() == strip
    assert window.notices.more.text() == "+9 pemberitahuan lagi"
    assert window.width() <= size[0] and window.height() <= size[1]
    assert _inside(change, window)
    assert _inside(window.status, window)
    assert _inside(window.notices, window)


def test_each_kind_has_its_own_action_and_the_keyboard_closes_one(qtbot, window, sales):
    info = window.notices.show_notice("Belum ada printer.")
    assert info.close_button.text().startswith("Tutup")
    refund = window.notices.show_notice("GAGAL", NoticeKind.REFUND, lambda _n: None)
    assert refund.close_button.text().startswith("Sudah dikembalikan")
    window.notices.dismiss(refund)
    assert window.notices.texts() == ["Belum ada printer."]
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.notices.texts() == []
    assert not window.notices.isVisible()


def test_an_acknowledged_refund_is_stored_and_the_report_no_longer_owes_it(
        qtbot, window, sales, kiosk, clerk):
    from kiosk_pos.core.events import TOPUP_CHANGED
    from tests.ui.test_status_and_events import fire

    sale = kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER)], Payment())
    ref_id = sale.lines[0].topup.ref_id
    with kiosk.db.write() as conn:
        change = apply_status(conn, ref_id, TopUpStatus.FAILED, message="nomor tidak aktif")
    fire(kiosk, TOPUP_CHANGED, change.topup)
    qtbot.waitUntil(lambda: window.notices.texts() != [], timeout=3000)
    notice = window.notices.current()
    assert notice.kind is NoticeKind.REFUND
    before = kiosk.reports.daily(kiosk.today())
    assert (before.failed_count, before.failed_amount) == (1, 22_000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.notices.texts() == [], timeout=3000)
    ack = kiosk.acknowledgements.refund_acknowledgement(ref_id)
    assert ack is not None and ack.user_id == clerk.id and ack.user_name == clerk.name
    assert ack.acknowledged_at.date() == kiosk.clock().date()
    after = kiosk.reports.daily(kiosk.today())
    assert (after.failed_count, after.failed_amount) == (1, 0)
    assert (after.failed_returned_count, after.failed_returned_amount) == (1, 22_000)
    window.show_page(2)
    failed = window.report.failed
    qtbot.waitUntil(lambda: "sudah dikembalikan" in failed.text(), timeout=5000)
    assert "harus dikembalikan" not in failed.text()
