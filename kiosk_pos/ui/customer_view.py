"""Pelanggan: the owner's customer screen. A list searched by name or phone (or only those
who owe, oldest debt first, with the days it has been open), the kasbon all customers owe
together, a form to add or edit a customer (name, phone, credit limit, note), and a button
that opens the customer's kasbon page (:mod:`kiosk_pos.ui.kasbon_view`). The rules are the
core's (``kiosk.customers``, owner only); the screen shows the core's sentence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
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

from kiosk_pos.core.customers import Customer
from kiosk_pos.core.goods import whole_rupiah
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.goods_view import rp
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

OpenAccount = Callable[[Customer], None]
SHOWN = 200
COLUMNS = ("id", "name", "phone", "limit", "owed", "days")


def customer_table() -> QTableWidget:
    table = QTableWidget(0, len(COLUMNS))
    table.setHorizontalHeaderLabels([tr(f"customers.col.{c}") for c in COLUMNS])
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


class CustomerView(QWidget):
    listed = Signal()
    saved = Signal(object)  # Customer

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 open_account: OpenAccount | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._open_account = open_account
        self.customers: list[Customer] = []
        self.days: dict[int, int] = {}
        self.editing: Customer | None = None
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        head.addWidget(label(tr("customers.title"), "large"))
        head.addStretch(1)
        self.owed = label("", "large")
        head.addWidget(self.owed)
        layout.addLayout(head)
        find = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("customers.search"))
        self.search.returnPressed.connect(self.refresh)
        self.debtors_button = QPushButton(tr("customers.debtors"))
        self.debtors_button.clicked.connect(self.show_debtors)
        find.addWidget(self.search, 1)
        find.addWidget(self.debtors_button)
        layout.addLayout(find)
        self.table = customer_table()
        self.table.itemSelectionChanged.connect(self._picked)
        self.table.doubleClicked.connect(lambda _i: self.open_account())
        layout.addWidget(self.table, 1)
        form = QGridLayout()
        self.name, self.phone, self.limit, self.note = (QLineEdit(), QLineEdit(), QLineEdit(),
                                                        QLineEdit())
        self.limit.setPlaceholderText(tr("customers.limit_hint"))
        for i, (key, field) in enumerate((("name", self.name), ("phone", self.phone),
                                          ("limit", self.limit), ("note", self.note))):
            form.addWidget(QLabel(tr(f"customers.field.{key}")), i // 2, (i % 2) * 2)
            form.addWidget(field, i // 2, (i % 2) * 2 + 1)
        form.setColumnStretch(1, 2)
        form.setColumnStretch(3, 1)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(tr("customers.new"))
        self.new_button.clicked.connect(self.clear_form)
        self.save_button = QPushButton(tr("customers.save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        self.account_button = QPushButton(tr("customers.account"))
        self.account_button.clicked.connect(self.open_account)
        for button in (self.new_button, self.save_button, self.account_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.clear_form()
        self.refresh()

    # -- list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        text, customers = self.search.text(), self._kiosk.customers

        def read() -> tuple[list[Customer], dict[int, int], tuple[int, int]]:
            return customers.search(text, SHOWN), {}, customers.total_owed()

        QueryOp(self, read).success(self._listed).failure(self._failed).run(self._tasks)

    def show_debtors(self) -> None:
        """Who owes what, the oldest debt first, with the days it has been open."""
        kasbon, customers = self._kiosk.kasbon, self._kiosk.customers

        def read() -> tuple[list[Customer], dict[int, int], tuple[int, int]]:
            debtors = kasbon.debtors(SHOWN)
            return ([d.customer for d in debtors],
                    {d.customer.id: d.days_outstanding for d in debtors},
                    customers.total_owed())

        QueryOp(self, read).success(self._listed).failure(self._failed).run(self._tasks)

    def _listed(self, found: tuple[list[Customer], dict[int, int], tuple[int, int]]) -> None:
        self.customers, self.days, (owed, owing) = found
        self.owed.setText(tr("customers.total_owed", amount=owed, count=owing))
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.customers))
        for row, c in enumerate(self.customers):
            days = self.days.get(c.id)
            limit = rp(c.credit_limit) if c.credit_limit else tr("customers.no_credit")
            for col, text in enumerate((str(c.id), c.name, c.phone or "-", limit,
                                        rp(c.balance),
                                        "" if days is None else tr("customers.days", days=days))):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.setColumnHidden(COLUMNS.index("days"), not self.days)  # who owes: days open
        self.table.blockSignals(False)
        if not self.customers:
            self.status.setText(tr("customers.none"))
        self.listed.emit()

    def _picked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.customers):
            self.fill_form(self.customers[row])

    # -- form ------------------------------------------------------------------------------
    def clear_form(self) -> None:
        self.editing = None
        for field in (self.name, self.phone, self.note):
            field.clear()
        self.limit.setText("0")
        self.account_button.setEnabled(False)
        self.status.setText(tr("customers.adding"))

    def fill_form(self, customer: Customer) -> None:
        self.editing = customer
        self.name.setText(customer.name)
        self.phone.setText(customer.phone or "")
        self.limit.setText(str(customer.credit_limit))
        self.note.setText(customer.note or "")
        self.name.setCursorPosition(0)
        self.account_button.setEnabled(True)
        self.status.setText(tr("customers.editing", name=customer.name))

    def save(self) -> None:
        user, customers, editing = self._user, self._kiosk.customers, self.editing
        name, phone, limit, note = (self.name.text(), self.phone.text(), self.limit.text(),
                                    self.note.text())

        def work() -> Customer:
            assert user is not None
            credit = whole_rupiah(limit.strip() or "0")
            if editing is None:
                return customers.add(user, name, phone, note, credit)
            return customers.edit(user, editing.id, name=name, phone=phone, note=note,
                                  credit_limit=credit)

        if user is None:
            self.status.setText(tr("error.login_required"))
            return
        WriteOp(self, work).success(self._saved).failure(self._failed).run(self._tasks)

    def _saved(self, customer: Customer) -> None:
        self.fill_form(customer)
        self.status.setText(tr("customers.saved", name=customer.name))
        self.saved.emit(customer)
        self.refresh()

    def open_account(self) -> None:
        if self.editing is not None and self._open_account is not None:
            self._open_account(self.editing)

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
