"""The Shift and Retur screens (issue 10) driven as a clerk would: open with the float
counted by notes, a cash out, a close showing the selisih and the Z report; a blind close
showing expected only once the count is saved; a clerk's refund approved by the owner's PIN
typed on the same screen."""

from __future__ import annotations

import pytest

from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.ui.refund_view import RefundView
from kiosk_pos.ui.shift_view import ShiftView
from kiosk_pos.ui.tasks import TaskManager


@pytest.fixture
def tasks(qtbot):
    """The screens' workers, finished before the widgets go (no thread outlives them)."""
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()


def _shift_view(qtbot, kiosk, user, tasks) -> ShiftView:
    view = ShiftView(kiosk, user, tasks)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitUntil(lambda: view.status.text() != "", timeout=5000)
    return view


def _stock(kiosk, sku: str) -> int:
    return next(p.stock for p in kiosk.catalog.all_products() if p.sku == sku)


def test_open_by_notes_cash_out_and_close_with_a_difference(qtbot, kiosk, clerk, tasks):
    view = _shift_view(qtbot, kiosk, clerk, tasks)
    assert view.pages.currentIndex() == 0 and "Belum ada shift" in view.status.text()
    view.float_count.set_counts({100_000: 1, 50_000: 1, 10_000: 5})
    assert "Rp200.000" in view.float_count.sum_label.text()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_button.click()
    assert view.pages.currentIndex() == 1
    assert kiosk.shifts.current().opening_float == 200_000
    kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1)], Payment(PaymentMethod.CASH, 20_000))

    qtbot.keyClicks(view.cash_amount, "30000")
    qtbot.keyClicks(view.cash_reason, "bayar pemasok")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.cash_out.click()
    text = view.figures.text()
    assert "Kas keluar: -Rp30.000" in text and "Kembalian: -Rp5.000" in text
    assert "Seharusnya: Rp185.000" in text  # 200.000 + 20.000 - 5.000 - 30.000

    qtbot.keyClicks(view.drawer_count.total_field, "180000")
    assert "selisih -Rp5.000" in view.difference.text()  # shown as the clerk counts
    with qtbot.waitSignal(view.done, timeout=5000):
        view.close_button.click()
    assert "selisih -Rp5.000" in view.status.text()
    assert view.pages.currentIndex() == 2
    report = view.preview.text()
    assert "Kas keluar" in report and "-Rp5.000" in report and "Dihitung" in report
    assert kiosk.shifts.current() is None


def test_blind_close_shows_expected_only_after_the_count_is_saved(qtbot, kiosk, clerk, tasks):
    owner = kiosk.users.authenticate("9999")
    kiosk.shifts.configure(owner, blind=True)
    kiosk.shifts.open(clerk, 100_000)
    kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1)], Payment())
    view = _shift_view(qtbot, kiosk, clerk, tasks)
    assert view.pages.currentIndex() == 1
    assert "Seharusnya" not in view.figures.text() and "115.000" not in view.figures.text()
    assert "Tutup buta" in view.figures.text()

    view.drawer_count.set_counts({100_000: 1, 10_000: 1, 5_000: 1})
    assert view.difference.text() == ""          # no selisih before the count is saved
    with qtbot.waitSignal(view.done, timeout=5000):
        view.close_button.click()
    assert "Seharusnya Rp115.000" in view.status.text()
    assert "selisih Rp0" in view.status.text()
    assert "SEHARUSNYA" in view.preview.text()


def test_a_clerks_refund_approved_by_the_owners_pin(qtbot, kiosk, clerk, tasks):
    sale = kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 2), CartLine("SP-XL", 1),
                                    CartLine("TSEL10", 1, "081234567890")], Payment())
    stock = _stock(kiosk, "SP-TSEL")
    view = RefundView(kiosk, clerk, tasks, sale_id=sale.id)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.sale is not None, timeout=5000)
    assert view.approver_pin.isVisible()
    assert "komplain" in view.note.text()       # the top-up cannot come back
    assert view.chosen_lines() == [1, 2]         # goods ticked, the top-up not
    view.set_line_checked(2, False)
    qtbot.keyClicks(view.reason, "kartu rusak")

    with qtbot.waitSignal(view.failed, timeout=5000):
        view.refund_button.click()               # no PIN typed
    assert "PIN" in view.status.text() and _stock(kiosk, "SP-TSEL") == stock

    qtbot.keyClicks(view.approver_pin, "9999")
    with qtbot.waitSignal(view.refunded, timeout=5000) as done:
        view.refund_button.click()
    record = done.args[0]
    assert record.approver_name is not None and record.amount == 30_000
    assert f"#{sale.id}" in view.status.text() and "Rp30.000" in view.status.text()
    assert _stock(kiosk, "SP-TSEL") == stock + 2
    assert kiosk.sales.get(sale.id) == sale     # the original sale is never changed


def test_a_clerk_opens_shift_and_retur_from_the_tools_menu_and_prints_the_z_report(
        qtbot, kiosk, clerk, tasks, print_queue):
    from PySide6.QtWidgets import QWidget

    from kiosk_pos.printing.receipt_printer import ReceiptPrinter
    from kiosk_pos.session import AppSession
    from kiosk_pos.ui.tools import ToolDialogs

    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    session.printer = ReceiptPrinter(kiosk, print_queue)
    printed: list = []
    session.printer.print_document = printed.append  # what the printer is handed
    window = QWidget()
    qtbot.addWidget(window)
    tools = ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: clerk,
                        paper_width_changed=lambda _w: None, close_app=lambda: None)
    names = [name for name, _ in tools.actions()]
    assert "Shift (buka, kas, tutup)" in names and "Retur barang" in names

    dialog = tools.open_shift()
    view = dialog.findChild(ShiftView)
    qtbot.waitUntil(lambda: view.status.text() != "", timeout=5000)
    qtbot.keyClicks(view.float_count.total_field, "100000")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.open_button.click()
    qtbot.keyClicks(view.drawer_count.total_field, "100000")
    with qtbot.waitSignal(view.done, timeout=5000):
        view.close_button.click()
    view.preview.print_button.click()
    assert [doc.title for doc in printed] == ["LAPORAN SHIFT"]

    refund = tools.open_refund(None).findChild(RefundView)
    assert refund.approver_pin.isVisibleTo(refund)  # a clerk asks for approval
