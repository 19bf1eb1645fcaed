"""Kasbon at the counter: on the payment panel the clerk opens Kasbon (Alt+K; the button
names the customer whose number is in the cart), types a customer's name or phone, picks
one of the suggested customers, and puts the whole sale or only part of it on their
account; the rest is paid in cash. The picker's row takes the place of the quick notes and
its suggestions float over the panel, so the payment page is no taller with it. Customers
are read by operations, never on the UI thread; the limit and the right to sell on kasbon
are the core's checks when the sale is saved (``core/kasbon.py``)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from kiosk_pos.core.customers import Customer
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.goods import whole_rupiah
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.tasks import TaskManager

SUGGESTED = 4  # rows of suggestions under the field (the panel has room for these)
BOUGHT = 3  # last purchases named for a customer whose number is in the cart


def short(name: str, most: int = 14) -> str:
    """A name that fits a button (the whole name is in the picker's field)."""
    return name if len(name) <= most else name[:most - 1].rstrip() + "…"


Found = tuple[list[Customer], dict[int, str]]  # customers, and what some bought lately


def _suggest(kiosk: Kiosk, text: str, numbers: list[str]) -> Found:
    """Customers for the typed text; with nothing typed, those whose number is in the cart,
    each with their last purchases (regulars buy the same again)."""
    if text.strip():
        return kiosk.customers.search(text, SUGGESTED), {}
    found: list[Customer] = []
    for number in numbers:
        customer = kiosk.customers.by_phone(number)
        if customer is not None and customer not in found:
            found.append(customer)
    bought: dict[int, str] = {}
    for customer in found[:SUGGESTED]:
        names: list[str] = []
        for sale in kiosk.customers.last_purchases(customer.id, BOUGHT):
            names += [line.name for line in sale.lines if line.name not in names]
        if names:
            bought[customer.id] = short(", ".join(names[:BOUGHT]), 44)
    return found[:SUGGESTED], bought


class _Field(QLineEdit):
    """A field whose Enter stays its own: a QLineEdit passes Enter on to its parent, and
    the payment panel saves the sale on Enter, when the clerk only picked a customer."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()


class CustomerPicker(QWidget):
    changed = Signal()
    suggested = Signal()
    done = Signal()  # Enter in the kasbon amount: on to the cash
    opened = Signal(bool)  # the picker's row shown (the panel hides its quick notes)

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._tasks = kiosk, tasks
        self._total = 0
        self._numbers: list[str] = []
        self.customer: Customer | None = None
        self.found: list[Customer] = []
        self.offered: Customer | None = None  # the cart's number is theirs
        self.bought: dict[int, str] = {}  # their last purchases, shown in their row
        self.toggle = QPushButton()
        self.toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle.setCheckable(True)
        self.toggle.clicked.connect(self.set_open)
        self.caption = QLabel(tr("picker.caption"))
        self.name = _Field()
        self.name.setPlaceholderText(tr("picker.placeholder"))
        self.name.textEdited.connect(self._typed)
        self.name.returnPressed.connect(self.pick_first)
        self.caption.setBuddy(self.name)  # Alt+K
        self.amount = _Field()
        self.amount.setPlaceholderText(tr("picker.amount"))
        self.amount.setMaximumWidth(220)
        self.amount.textEdited.connect(lambda _t: self._show_state())
        self.amount.returnPressed.connect(self.done)
        self.clear_button = QPushButton(tr("picker.clear"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        self.list = QListWidget(self)  # floats over the panel (see _place_list)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemClicked.connect(lambda item: self.pick(self.list.row(item)))
        self.list.hide()
        self.state = ""  # what goes where (the panel shows it over the cash field)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.caption)
        row.addWidget(self.name, 2)
        row.addWidget(self.amount, 1)
        row.addWidget(self.clear_button)
        self.start(0, [])

    # -- the panel's calls -------------------------------------------------------------------
    def start(self, total: int, numbers: list[str]) -> None:
        """A new payment of ``total``: nobody picked, the row closed; the cart's numbers
        may name a customer (the Kasbon button then says who)."""
        self._total, self._numbers = total, list(numbers)
        self.customer = self.offered = None
        self.bought.clear()
        self.name.clear()
        self.amount.clear()
        self._show_list([])
        self.set_open(False)
        self._label_toggle()
        if numbers:
            self._look("")

    def set_open(self, open_: bool) -> None:
        """Show the picker's row (the name field focused), or close it: no kasbon."""
        self.toggle.setChecked(open_)
        self.setVisible(open_)
        if open_:
            self.name.setFocus()
            if self.customer is None and self.offered is not None:
                self._show_list([self.offered])
        else:
            self.customer = None
            self.name.clear()
            self.amount.clear()
            self._show_list([])
            self._show_state()
        self.opened.emit(open_)

    def retranslate(self) -> None:
        self.caption.setText(tr("picker.caption"))
        self.name.setPlaceholderText(tr("picker.placeholder"))
        self.amount.setPlaceholderText(tr("picker.amount"))
        self.clear_button.setText(tr("picker.clear"))
        self._label_toggle()
        self._show_state()

    def _label_toggle(self) -> None:
        self.toggle.setText(tr("picker.toggle_for", name=short(self.offered.name))
                            if self.offered is not None else tr("picker.toggle"))

    def part(self) -> tuple[int, int] | None:
        """The picked customer and the part on their account (all of it unless a smaller
        amount is typed); None when nobody is picked. Raises KioskError for a bad amount."""
        if self.customer is None:
            return None
        text = self.amount.text().strip()
        amount = self._total if not text else whole_rupiah(text)
        if not 0 < amount <= self._total:
            raise KioskError("error.kasbon_part_range", total=self._total)
        return self.customer.id, amount

    # -- suggestions -------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        if self.customer is not None:  # typing again: a new search, nobody picked
            self.customer = None
            self._show_state()
        self._look(text)

    def _look(self, text: str) -> None:
        kiosk, numbers = self._kiosk, list(self._numbers)

        def found(result: Found) -> None:
            customers, bought = result
            self.bought.update(bought)
            if not text:  # the cart's number: offered on the button, listed when opened
                self.offered = customers[0] if customers else None
                self._label_toggle()
                if self.isVisible() and self.customer is None and not self.name.text():
                    self._show_list(customers)
            elif self.name.text() == text and self.customer is None:  # the newest typing
                self._show_list(customers)
            self.suggested.emit()

        QueryOp(self, lambda: _suggest(kiosk, text, numbers)).success(found).run(self._tasks)

    def _show_list(self, customers: list[Customer]) -> None:
        self.found = customers
        self.list.clear()
        for c in customers:
            text = (tr("picker.row", name=c.name, phone=c.phone or "-", owed=c.balance,
                       available=c.available) if c.credit_allowed else
                    tr("picker.row_no_credit", name=c.name, phone=c.phone or "-"))
            if c.id in self.bought:
                text += "\n" + tr("picker.bought", items=self.bought[c.id])
            self.list.addItem(text)
        self._place_list(len(customers))

    def _place_list(self, rows: int) -> None:
        """The suggestions under the name field, over whatever is below the picker (not in
        a layout: a list that grew the page would push the window past a 768-high screen)."""
        host = self.parentWidget()
        if not rows or host is None or not self.isVisible():
            self.list.hide()
            return
        if self.list.parentWidget() is not host:
            self.list.setParent(host)
        top_left = self.mapTo(host, QPoint(0, self.height()))
        height = sum(max(self.list.sizeHintForRow(i), 24) for i in range(min(rows, SUGGESTED)))
        self.list.setGeometry(top_left.x(), top_left.y(), self.width(),
                              height + 2 * self.list.frameWidth() + 2)
        self.list.raise_()
        self.list.show()

    def pick_first(self) -> None:
        if self.found:
            self.pick(0)

    def pick(self, row: int) -> None:
        if not 0 <= row < len(self.found):
            return
        self.customer = self.found[row]
        self.name.setText(self.customer.name)
        self._show_list([])
        self._show_state()
        self.amount.setFocus()

    def clear(self) -> None:
        self.set_open(False)

    def _show_state(self) -> None:
        c = self.customer
        if c is None:
            self.state = ""
        else:
            try:
                picked = self.part()
                amount = picked[1] if picked else 0
                cash = self._total - amount
                text = (tr("picker.all", name=short(c.name), amount=amount) if not cash else
                        tr("picker.some", name=c.name, amount=amount, cash=cash))
                if not c.credit_allowed:
                    text = tr("picker.no_credit", name=short(c.name))
            except KioskError:  # the full sentence shows if the clerk saves it anyway
                text = tr("picker.bad_amount", total=self._total)
            self.state = text
        self.changed.emit()
