"""One sale in the History screen: its lines with their status, who sold it and how it was
paid, and the complaint about its top-up (filed, waiting or answered)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.complaint_panel import ComplaintPanel
from kiosk_pos.ui.recent import line_label, line_status
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import LIST_PT, label, status_colour


def _right(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class SaleDetail(QWidget):
    """The chosen sale, shown again whenever the choice or the language changes."""

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, paper_width: Callable[[], int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(kiosk.timezone())
        self._sale: SaleRecord | None = None
        self.title = label("", "large")
        self.lines = QTableWidget(0, 4)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.verticalHeader().setVisible(False)
        self.lines.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.lines.setStyleSheet(f"QTableView {{ font-size: {LIST_PT}pt; }}")
        header = self.lines.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.info = label("", "caption")
        self.info.setWordWrap(True)
        self.complaint = ComplaintPanel(kiosk, tasks)  # Komplain (issue 13)
        self.complaint.paper_width = paper_width
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.info)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.complaint)
        self.retranslate()

    def retranslate(self) -> None:
        self.lines.setHorizontalHeaderLabels([
            tr("ui.recent.item"), tr("ui.cart.qty"), tr("ui.cart.amount"),
            tr("ui.recent.status")])
        self.complaint.retranslate()
        self.show_sale(self._sale)

    def show_sale(self, sale: SaleRecord | None) -> None:
        self._sale = sale
        self.complaint.show_for(sale)
        if sale is None:
            self.title.setText("")
            self.info.setText("")
            self.lines.setRowCount(0)
            return
        self.title.setText(tr("ui.history.sale", id=sale.id))
        paid = tr(f"payment.{sale.payment_method.value}")
        if sale.cash_given is not None:
            paid = tr("ui.history.cash_detail", given=sale.cash_given, change=sale.change)
        self.info.setText(tr("ui.history.info", clerk=sale.clerk_name, paid=paid,
                             time=sale.created_at.astimezone(self._zone)
                             .strftime("%d-%m-%Y %H:%M")))
        self.lines.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            # the SN goes under the number, where the row has room: beside the status word it
            # widened that column until the number was cut at 1024 px
            state = line_status(line)
            status = QTableWidgetItem(tr(f"status.{state}"))
            status.setForeground(status_colour(state))
            sn = f"\nSN {line.topup.sn}" if line.topup is not None and line.topup.sn else ""
            for col, item in enumerate([QTableWidgetItem(line_label(line, "\n") + sn),
                                        _right(str(line.qty)),
                                        _right(format_rupiah(line.amount)), status]):
                self.lines.setItem(row, col, item)
        self.lines.resizeRowsToContents()
