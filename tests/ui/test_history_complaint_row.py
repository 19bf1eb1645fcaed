"""A complaint's state shows on its sale's History row (not only in the chosen sale's
detail): filed, then answered over the change feed while another sale is selected, and
read back from the database with the day's page."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.complaints import ServerAnswer
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.ui.history_model import STATUS


def status_cell(history, sale_id: int) -> str:  # noqa: ANN001
    row = history.model.row_of(sale_id)
    assert row is not None
    return history.model.data(history.model.index(row, STATUS))


def tip(history, sale_id: int) -> str:  # noqa: ANN001
    index = history.model.index(history.model.row_of(sale_id), STATUS)
    return history.model.data(index, Qt.ItemDataRole.ToolTipRole)


def test_the_row_says_filed_then_answered(qtbot, window, sales, kiosk, clerk):
    first = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
    other = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567891")], Payment())
    window.show_page(1)
    history = window.history
    qtbot.waitUntil(lambda: len(history.sales) == 2, timeout=5000)
    assert "\n" not in status_cell(history, first.id)
    history.table.selectRow(history.model.row_of(first.id))
    qtbot.waitUntil(lambda: history.complaint.button.isEnabled(), timeout=5000)
    dialog = history.complaint.open_dialog()
    qtbot.mouseClick(dialog.reason_buttons["not_received"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.filed, timeout=5000):
        qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
    assert status_cell(history, first.id).endswith("\nKomplain")
    assert tip(history, first.id) == "Komplain di antrean"
    assert "\n" not in status_cell(history, other.id)

    history.table.selectRow(history.model.row_of(other.id))  # the answer comes meanwhile
    record = kiosk.complaints.for_sale(first.id)
    answer = ServerAnswer(7101, record.complaint_id, "text", "Sudah masuk, SN terlampir", "",
                          0, "answered", datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    change_feed.apply_page(kiosk, [FeedChange(1, complaint=answer)], 1, last=False)
    qtbot.waitUntil(lambda: status_cell(history, first.id).endswith("\nDijawab"),
                    timeout=5000)
    assert tip(history, first.id) == "Komplain dijawab"
    assert "\n" not in status_cell(history, other.id)

    with qtbot.waitSignal(history.model.modelReset, timeout=5000):
        history.refresh()  # read back with the day's page
    qtbot.waitUntil(lambda: len(history.sales) == 2, timeout=5000)
    assert status_cell(history, first.id).endswith("\nDijawab")
    assert history.sales[history.model.row_of(first.id)].complaint == "answered"
