"""The Retur button on a History row opens the refund screen for that sale."""

from __future__ import annotations

from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.ui.refund_view import RefundView


def test_retur_on_a_history_row_opens_the_refund_screen_for_that_sale(qtbot, kiosk, clerk):
    from kiosk_pos.session import AppSession
    from kiosk_pos.ui.main_window import MainWindow

    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    first = kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1)], Payment())
    second = kiosk.sales.sell(clerk, [CartLine("SP-XL", 2)], Payment())
    window = MainWindow(kiosk, session=session)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    with qtbot.waitSignal(window.history.loaded, timeout=5000):
        window.show_page(1)
    history = window.history
    row = next(i for i, s in enumerate(history.sales) if s.id == first.id)
    history.table.selectRow(row)
    assert history.refund.isEnabled() and history.refund.text() == "Retur"
    with qtbot.waitSignal(history.refund_requested, timeout=1000) as asked:
        history.refund.click()
    assert asked.args == [first.id]
    view = window.findChild(RefundView)
    qtbot.waitUntil(lambda: view.sale is not None, timeout=5000)
    assert view.sale.id == first.id != second.id
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    window.close()
