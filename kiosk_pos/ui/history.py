"""History: the sales of a day with their lines, top-up status and SN; reprint a receipt."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord, TopUpRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.recent import line_label, line_status, status_text, with_topup
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label, status_colour

if TYPE_CHECKING:
    from kiosk_pos.ui.receipt_dialog import ReceiptDialog


def _right(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class HistoryView(QWidget):
    reprint_requested = Signal(int)  # sale id
    loaded = Signal()

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self.receipt_width = 58  # the printer's paper, set by the window once known
        self._zone = ZoneInfo(kiosk.timezone())
        self.sales: list[SaleRecord] = []
        self.title = label("", "large")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.today_button = QPushButton()
        self.today_button.clicked.connect(self.show_today)
        self.summary = label("", "caption")
        self.table = QTableWidget(0, 5)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda *_a: self._show_detail())
        self.detail_title = label("", "large")
        self.detail = QTableWidget(0, 4)
        self.detail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.detail.verticalHeader().setVisible(False)
        self.detail.setTextElideMode(Qt.TextElideMode.ElideNone)
        dheader = self.detail.horizontalHeader()
        dheader.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        dheader.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.detail_info = label("", "caption")
        self.detail_info.setWordWrap(True)
        self.reprint = QPushButton()
        self.reprint.clicked.connect(self._reprint)
        self.reprint.setEnabled(False)
        self.view_receipt = QPushButton()
        self.view_receipt.clicked.connect(self.show_receipt)
        self.view_receipt.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        detail = QWidget()
        dlayout = QVBoxLayout(detail)
        dlayout.addWidget(self.detail_title)
        dlayout.addWidget(self.detail_info)
        dlayout.addWidget(self.detail, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.view_receipt)
        buttons.addWidget(self.reprint)
        dlayout.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setSizes([700, 560])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("ui.history.title"))
        self.today_button.setText(tr("ui.history.today"))
        self.table.setHorizontalHeaderLabels([
            tr("ui.recent.time"), "#", tr("ui.recent.item"), tr("ui.recent.total"),
            tr("ui.recent.status")])
        self.detail.setHorizontalHeaderLabels([
            tr("ui.recent.item"), tr("ui.cart.qty"), tr("ui.cart.amount"),
            tr("ui.recent.status")])
        self.reprint.setText(tr("ui.history.reprint"))
        self.view_receipt.setText(tr("ui.history.view_receipt"))
        self._render()

    def show_today(self) -> None:
        today = self._kiosk.today()
        self.set_day(today)

    def set_day(self, day: date) -> None:
        qdate = QDate(day.year, day.month, day.day)
        if self.day.date() == qdate:
            self.refresh()
        else:
            self.day.setDate(qdate)  # refreshes through dateChanged

    def selected_day(self) -> date:
        return self.day.date().toPython()  # type: ignore[return-value]

    def refresh(self) -> None:
        """Load the day off the GUI thread (a read beside the writer)."""
        day = self.selected_day()
        QueryOp(self, lambda: self._kiosk.sales.for_day(day)).success(
            lambda sales: self._loaded(day, sales)).run(self._tasks)

    def update_topup(self, topup: TopUpRecord) -> None:
        for i, sale in enumerate(self.sales):
            updated = with_topup(sale, topup)
            if updated is not None:
                self.sales[i] = updated
                self._render()
                return

    def _loaded(self, day: date, sales: list[SaleRecord]) -> None:
        if day != self.selected_day():
            return  # the clerk picked another day meanwhile
        self.sales = list(reversed(sales))
        self._render()
        self.loaded.emit()

    def _render(self) -> None:
        row_before = self.table.currentRow()
        self.table.setRowCount(len(self.sales))
        for row, sale in enumerate(self.sales):
            stamp = sale.created_at.astimezone(self._zone).strftime("%H:%M")
            items = "\n".join(line_label(line) for line in sale.lines)
            status = QTableWidgetItem(tr(f"status.{sale.status}"))
            status.setForeground(status_colour(sale.status))
            for col, item in enumerate([QTableWidgetItem(stamp), _right(str(sale.id)),
                                        QTableWidgetItem(items), _right(format_rupiah(sale.total)),
                                        status]):
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        total = sum(s.total for s in self.sales)
        self.summary.setText(tr("ui.history.summary", count=len(self.sales), total=total))
        if self.sales:
            self.table.selectRow(max(0, min(row_before, len(self.sales) - 1)))
        self._show_detail()

    def current_sale(self) -> SaleRecord | None:
        row = self.table.currentRow()
        return self.sales[row] if 0 <= row < len(self.sales) else None

    def _show_detail(self) -> None:
        sale = self.current_sale()
        self.reprint.setEnabled(sale is not None)
        self.view_receipt.setEnabled(sale is not None)
        if sale is None:
            self.detail_title.setText("")
            self.detail_info.setText("")
            self.detail.setRowCount(0)
            return
        self.detail_title.setText(tr("ui.history.sale", id=sale.id))
        paid = tr(f"payment.{sale.payment_method.value}")
        if sale.cash_given is not None:
            paid = tr("ui.history.cash_detail", given=sale.cash_given, change=sale.change)
        self.detail_info.setText(tr("ui.history.info", clerk=sale.clerk_name, paid=paid,
                                    time=sale.created_at.astimezone(self._zone)
                                    .strftime("%d-%m-%Y %H:%M")))
        self.detail.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            status = QTableWidgetItem(status_text(line))
            status.setForeground(status_colour(line_status(line)))
            for col, item in enumerate([QTableWidgetItem(line_label(line, "\n")),
                                        _right(str(line.qty)),
                                        _right(format_rupiah(line.amount)), status]):
                self.detail.setItem(row, col, item)
        self.detail.resizeRowsToContents()

    def show_receipt(self) -> ReceiptDialog | None:
        """The selected sale's receipt on screen, to print again or save as PDF."""
        sale = self.current_sale()
        if sale is None:
            return None
        from kiosk_pos.ui.receipt_dialog import ReceiptDialog

        dialog = ReceiptDialog(self._kiosk, sale, on_reprint=self.reprint_requested.emit,
                               paper_width=self.paper_width(), parent=self)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def paper_width(self) -> int:
        return self.receipt_width

    def _reprint(self) -> None:
        sale = self.current_sale()
        if sale is not None:
            self.reprint_requested.emit(sale.id)
