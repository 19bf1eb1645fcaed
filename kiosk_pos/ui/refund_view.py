"""Retur: refund goods of a sale (all lines or some) with a reason. A supervisor or the
owner refunds at once; a clerk's refund needs a supervisor or the owner to type their PIN
on this screen (checked off the UI thread). Electronic top-ups cannot be refunded: the
core's sentence points to the complaint flow. The work is ``kiosk.refunds``'."""

from __future__ import annotations

from collections.abc import Callable

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.permissions import Permission, allowed
from kiosk_pos.core.records import SaleRecord, User
from kiosk_pos.core.refunds import RefundRecord
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.shift_report import refund_receipt
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

PrintDocument = Callable[[ReceiptDocument], object]


class RefundView(QWidget):
    sale_loaded = Signal()
    refunded = Signal(object)  # RefundRecord
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 sale_id: int | None = None, print_document: PrintDocument | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._print = print_document
        self.sale: SaleRecord | None = None
        self.needs_approver = not allowed(user, Permission.REFUND)
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.refund.title"), "large"))
        find = QHBoxLayout()
        find.addWidget(QLabel(tr("ui.refund.sale_id")))
        self.sale_field = QLineEdit()
        self.sale_field.setValidator(QIntValidator(1, 2_000_000_000, self.sale_field))
        self.sale_field.returnPressed.connect(self.find_sale)
        find.addWidget(self.sale_field, 1)
        self.find_button = QPushButton(tr("ui.refund.find"))
        self.find_button.clicked.connect(self.find_sale)
        find.addWidget(self.find_button)
        layout.addLayout(find)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("ui.refund.col.item"), tr("ui.refund.col.qty"),
                                              tr("ui.refund.col.price"),
                                              tr("ui.refund.col.amount")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.note = label("", "caption")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        form = QGridLayout()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("ui.refund.reason_hint"))
        form.addWidget(QLabel(tr("ui.refund.reason")), 0, 0)
        form.addWidget(self.reason, 0, 1)
        self.approver_pin = QLineEdit()
        self.approver_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.approver_pin.setMaxLength(8)
        self.approver_pin.setPlaceholderText(tr("ui.refund.approver_hint"))
        approver_label = QLabel(tr("ui.refund.approver"))
        form.addWidget(approver_label, 1, 0)
        form.addWidget(self.approver_pin, 1, 1)
        layout.addLayout(form)
        for widget in (approver_label, self.approver_pin):  # once inside this screen
            widget.setVisible(self.needs_approver)
        buttons = QHBoxLayout()
        self.refund_button = QPushButton(tr("ui.refund.do"))
        self.refund_button.setObjectName("primary")
        self.refund_button.setEnabled(False)
        self.refund_button.clicked.connect(self.refund)
        self.print_button = QPushButton(tr("ui.refund.print"))
        self.print_button.setVisible(False)
        self.print_button.clicked.connect(self._print_receipt)
        self._receipt: ReceiptDocument | None = None
        buttons.addWidget(self.refund_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        if sale_id is not None:
            self.sale_field.setText(str(sale_id))
            self.find_sale()

    # -- the sale ---------------------------------------------------------------------------
    def find_sale(self) -> None:
        text = self.sale_field.text().strip()
        if not text.isdigit():
            self._failed(OpFailure(tr("ui.refund.type_sale"), ValueError(text)))
            return
        sales = self._kiosk.sales
        QueryOp(self, lambda: sales.get(int(text))).success(self._show_sale).failure(
            self._failed).run(self._tasks)

    def _show_sale(self, sale: SaleRecord) -> None:
        self.sale = sale
        self.status.clear()
        self.table.setRowCount(len(sale.lines))
        electronic = False
        for row, line in enumerate(sale.lines):
            item = QTableWidgetItem(line.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            goods = not line.kind.electronic
            electronic |= not goods
            item.setCheckState(Qt.CheckState.Checked if goods else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, item)
            for col, text in enumerate((str(line.qty), format_rupiah(line.unit_price),
                                        format_rupiah(line.amount)), start=1):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.note.setText(tr("error.topup_no_void") if electronic else "")
        self.refund_button.setEnabled(True)
        self.print_button.setVisible(False)
        self.sale_loaded.emit()

    def chosen_lines(self) -> list[int]:
        """The receipt's line numbers (1 = the first) that are ticked."""
        return [row + 1 for row in range(self.table.rowCount())
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def set_line_checked(self, number: int, checked: bool) -> None:
        self.table.item(number - 1, 0).setCheckState(
            Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # -- the refund -------------------------------------------------------------------------
    def refund(self) -> None:
        if self.sale is None:
            return
        lines = self.chosen_lines()
        if not lines:
            self._failed(OpFailure(tr("ui.refund.choose_lines"), ValueError()))
            return
        kiosk, user, sale_id = self._kiosk, self._user, self.sale.id
        reason, pin = self.reason.text(), self.approver_pin.text()
        needs_approver = self.needs_approver

        def write() -> RefundRecord:
            approver = None
            if needs_approver:
                if not pin:
                    from kiosk_pos.core.errors import KioskError

                    raise KioskError("error.refund_needs_approver")
                approver = kiosk.users.authenticate(pin)
            return kiosk.refunds.refund(user, sale_id, lines, reason, approver)

        self.approver_pin.clear()
        self.refund_button.setEnabled(False)
        WriteOp(self, write).success(self._refunded).failure(self._failed).run(self._tasks)

    def _refunded(self, record: RefundRecord) -> None:
        self.status.setText(tr("refund.done", id=record.id, sale_id=record.sale_id,
                               amount=record.amount,
                               method=tr(f"receipt.payment.{record.method.value}")))
        self.reason.clear()
        if self._print is not None:
            self._receipt = refund_receipt(record, self._kiosk.info)
            self.print_button.setVisible(True)
        self.refunded.emit(record)

    def _print_receipt(self) -> None:
        if self._print is not None and self._receipt is not None:
            self._print(self._receipt)

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
        self.refund_button.setEnabled(self.sale is not None)
        self.failed.emit(failure.message)
