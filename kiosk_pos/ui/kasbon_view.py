"""A customer's kasbon page: the statement (each row of their account with what remained
owing after it), what they owe now against their limit, a payment (cash or transfer) and a
correction row with its reason, and the statement as text for WhatsApp. The rows are the
core's (``kiosk.kasbon``: a ledger, never an edited balance); the screen shows its sentence
when it refuses (a payment larger than the debt, a correction without a reason)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.goods import whole_rupiah
from kiosk_pos.core.kasbon import PAY_METHODS, KasbonEntry, Statement, statement_text
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.goods_view import rp
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.receipt_dialog import PathChooser, ask_pdf_path
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

COLUMNS = ("date", "what", "amount", "balance")


def signed_rupiah(text: str) -> int:
    """``-5.000`` or ``+5000`` (a correction): a sign, then whole rupiah."""
    raw = text.strip()
    sign = -1 if raw.startswith("-") else 1
    amount = whole_rupiah(raw.lstrip("+-").strip())
    if amount == 0:
        raise KioskError("error.kasbon_amount_range")
    return sign * amount


def describe(entry: KasbonEntry) -> str:
    what = tr(f"kasbon.kind.{entry.kind.value}")
    if entry.sale_id is not None:
        what += f" #{entry.sale_id}"
    if entry.method:
        what += f" ({tr('payment.' + entry.method)})"
    if entry.note:
        what += f" - {entry.note}"
    return what


class KasbonView(QWidget):
    loaded = Signal()
    saved = Signal(object)  # KasbonEntry

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, customer_id: int,
                 *, choose_path: PathChooser = ask_pdf_path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._choose_path = choose_path
        self.customer_id = customer_id
        self.statement: Statement | None = None
        layout = QVBoxLayout(self)
        self.title = label("", "large")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.owed = label("", "large")
        self.owed.setWordWrap(True)
        layout.addWidget(self.owed)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"kasbon.col.{c}") for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        pay = QHBoxLayout()
        self.pay_amount = QLineEdit()
        self.pay_amount.setPlaceholderText(tr("kasbon.pay_amount"))
        self.pay_amount.returnPressed.connect(self.pay)
        self.method = QComboBox()
        for method in PAY_METHODS:
            self.method.addItem(tr(f"payment.{method}"), method)
        self.pay_button = QPushButton(tr("kasbon.pay"))
        self.pay_button.setObjectName("primary")
        self.pay_button.clicked.connect(self.pay)
        pay.addWidget(self.pay_amount, 1)
        pay.addWidget(self.method)
        pay.addWidget(self.pay_button)
        layout.addLayout(pay)
        fix = QHBoxLayout()
        self.fix_amount = QLineEdit()
        self.fix_amount.setPlaceholderText(tr("kasbon.fix_amount"))
        self.fix_amount.setToolTip(tr("kasbon.fix_hint"))
        self.fix_reason = QLineEdit()
        self.fix_reason.setPlaceholderText(tr("kasbon.fix_reason"))
        self.fix_reason.returnPressed.connect(self.correct)
        self.fix_button = QPushButton(tr("kasbon.fix"))
        self.fix_button.clicked.connect(self.correct)
        fix.addWidget(self.fix_amount, 1)
        fix.addWidget(self.fix_reason, 2)
        fix.addWidget(self.fix_button)
        layout.addLayout(fix)
        bottom = QHBoxLayout()
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        bottom.addWidget(self.status, 1)
        self.copy_button = QPushButton(tr("kasbon.copy_text"))
        self.copy_button.clicked.connect(self.copy_text)
        bottom.addWidget(self.copy_button)
        self.pdf_button = QPushButton(tr("kasbon.save_pdf"))
        self.pdf_button.clicked.connect(self.save_pdf)
        bottom.addWidget(self.pdf_button)
        layout.addLayout(bottom)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        kasbon, customer_id = self._kiosk.kasbon, self.customer_id
        QueryOp(self, lambda: kasbon.statement(customer_id)).success(self._loaded).failure(
            self._failed).run(self._tasks)

    def _loaded(self, statement: Statement) -> None:
        self.statement = statement
        c = statement.customer
        self.title.setText(tr("kasbon.title", name=c.name, id=c.id,
                              phone=c.phone or "-"))
        if c.credit_limit:
            self.owed.setText(tr("kasbon.owed_limit", amount=c.balance, limit=c.credit_limit,
                                 available=c.available))
        else:
            self.owed.setText(tr("kasbon.owed_no_credit", amount=c.balance))
        zone = ZoneInfo(self._kiosk.timezone())
        rows = []
        if statement.opening_balance:
            rows.append(["", tr("kasbon.opening"), "", rp(statement.opening_balance)])
        for e in statement.entries:
            rows.append([e.created_at.astimezone(zone).strftime("%d-%m-%Y %H:%M"), describe(e),
                         rp(e.amount), rp(e.balance_after)])
        self.table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for col, text in enumerate(cells):
                self.table.setItem(r, col, QTableWidgetItem(text))
        if rows:
            self.table.scrollToBottom()  # the newest row, where the balance stands
        elif not self.status.text():
            self.status.setText(tr("kasbon.empty"))
        self.loaded.emit()

    # -- writing ---------------------------------------------------------------------------
    def pay(self) -> None:
        user, kasbon, customer_id = self._user, self._kiosk.kasbon, self.customer_id
        text, method = self.pay_amount.text(), str(self.method.currentData())
        if user is None:
            self.status.setText(tr("error.login_required"))
            return
        WriteOp(self, lambda: kasbon.pay(user, customer_id, whole_rupiah(text), method)).success(
            self._saved).failure(self._failed).run(self._tasks)

    def correct(self) -> None:
        user, kasbon, customer_id = self._user, self._kiosk.kasbon, self.customer_id
        text, reason = self.fix_amount.text(), self.fix_reason.text()
        if user is None:
            self.status.setText(tr("error.login_required"))
            return
        WriteOp(self, lambda: kasbon.correct(user, customer_id, signed_rupiah(text), reason)
                ).success(self._saved).failure(self._failed).run(self._tasks)

    def _saved(self, entry: KasbonEntry) -> None:
        for field in (self.pay_amount, self.fix_amount, self.fix_reason):
            field.clear()
        key = "kasbon.paid" if entry.amount < 0 else "kasbon.corrected"
        self.status.setText(tr(key, amount=abs(entry.amount), balance=entry.balance_after))
        self.saved.emit(entry)
        self.refresh()

    def copy_text(self) -> None:
        """The statement as a message ready to paste into WhatsApp."""
        if self.statement is None:
            return
        text = statement_text(self.statement, self._kiosk.info.name, self._kiosk.timezone())
        QGuiApplication.clipboard().setText(text)
        self.status.setText(tr("kasbon.copied"))

    def save_pdf(self) -> None:
        """The statement on A4 (rendered off the UI thread), where the owner chooses."""
        statement, info = self.statement, self._kiosk.info
        if statement is None:
            return
        path = self._choose_path(str(Path.home() / f"kasbon-{statement.customer.id}.pdf"))
        if not path:
            return

        def write() -> str:
            from kiosk_pos.printing.reports import kasbon_statement_pdf

            kasbon_statement_pdf(statement, info, Path(path))
            return path

        QueryOp(self, write).success(
            lambda done: self.status.setText(tr("kasbon.pdf_saved", path=done))).failure(
            self._failed).run(self._tasks)

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
