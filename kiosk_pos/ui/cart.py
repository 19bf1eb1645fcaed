"""The cart: several lines, electronic and physical; +/- quantity for goods, Delete removes."""

from __future__ import annotations

from dataclasses import dataclass

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.records import CartLine, Product
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label


@dataclass
class CartEntry:
    product: Product
    qty: int = 1
    destination: str = ""

    @property
    def amount(self) -> int:
        return self.product.price * self.qty

    def line(self) -> CartLine:
        return CartLine(self.product.sku, self.qty, self.destination)


class CartTable(QTableWidget):
    """Keys on the table: + and - change a goods line's quantity, Delete removes a line."""

    key_action = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        action = {Qt.Key.Key_Plus: "plus", Qt.Key.Key_Minus: "minus",
                  Qt.Key.Key_Delete: "delete"}.get(Qt.Key(event.key()))
        if action:
            self.key_action.emit(action)
        else:
            super().keyPressEvent(event)


class CartWidget(QWidget):
    changed = Signal()
    pay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[CartEntry] = []
        self.title = label("", "large")
        self.table = CartTable(0, 3)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(44)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumHeight(140)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.key_action.connect(self._key_action)
        self.minus = QPushButton("-")
        self.plus = QPushButton("+")
        self.remove = QPushButton()
        for button, action in ((self.minus, "minus"), (self.plus, "plus"),
                               (self.remove, "delete")):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, a=action: self._key_action(a))
        self.minus.setFixedWidth(60)
        self.plus.setFixedWidth(60)
        self.total = label("", "large")  # huge again in the payment panel
        self.total.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.pay = QPushButton()
        self.pay.setObjectName("primary")
        self.pay.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pay.clicked.connect(self.pay_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.minus)
        buttons.addWidget(self.plus)
        buttons.addWidget(self.remove, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # the total beside the pay button: one row less, so more lines of the cart show
        pay_row = QHBoxLayout()
        pay_row.addWidget(self.total, 1)
        pay_row.addWidget(self.pay, 1)
        layout.addLayout(pay_row)
        self.retranslate()

    # -- content --------------------------------------------------------------------------
    def add(self, product: Product, destination: str = "") -> None:
        """Add a line; the same goods again raise the quantity instead of a new line."""
        if not product.kind.electronic:
            for row, entry in enumerate(self.entries):
                if entry.product.sku == product.sku:
                    entry.qty += 1
                    self._refresh(row)
                    return
        self.entries.append(CartEntry(product, 1, destination))
        self._refresh(len(self.entries) - 1)

    def lines(self) -> list[CartLine]:
        return [entry.line() for entry in self.entries]

    def total_amount(self) -> int:
        return sum(entry.amount for entry in self.entries)

    def clear(self) -> None:
        self.entries = []
        self._refresh()

    def __len__(self) -> int:
        return len(self.entries)

    def retranslate(self) -> None:
        self.title.setText(tr("ui.cart.title"))
        self.table.setHorizontalHeaderLabels([tr("ui.cart.product"), tr("ui.cart.qty"),
                                              tr("ui.cart.amount")])
        self.remove.setText(tr("ui.cart.remove"))
        self.pay.setText(tr("ui.cart.pay"))
        self._refresh(self.table.currentRow())

    # -- editing --------------------------------------------------------------------------
    def _key_action(self, action: str) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        if action == "delete":
            del self.entries[row]
            self._refresh(min(row, len(self.entries) - 1))
        elif not entry.product.kind.electronic:
            if action == "plus":
                entry.qty += 1
            elif entry.qty > 1:
                entry.qty -= 1
            self._refresh(row)

    def _refresh(self, select: int = -1) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            name = entry.product.name
            if entry.destination:
                name = f"{name}\n{entry.destination}"
            if entry.qty > 1:
                name = f"{name}\n@ {format_rupiah(entry.product.price)}"
            cells = [name, str(entry.qty), format_rupiah(entry.amount)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()  # a few lines: measured each change, cheap
        if 0 <= select < len(self.entries):
            self.table.selectRow(select)
        self.total.setText(tr("ui.cart.total", amount=self.total_amount()))
        self.pay.setEnabled(bool(self.entries))
        self.changed.emit()
