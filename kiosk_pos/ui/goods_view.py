"""Barang: the owner's goods screen. A searchable list (name, SKU or barcode), a form to add
or edit an item, and retiring one. The rules are the core's (``kiosk.goods``, owner only):
the screen parses nothing itself beyond handing the typed text to the core's parsers inside
the operation, and shows the core's sentence when it refuses."""

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
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.goods import (
    GoodsChange,
    GoodsItem,
    NewGoods,
    PriceBelowCost,
    whole_number,
    whole_rupiah,
)
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

Confirm = Callable[[str], bool]
SHOWN = 300  # rows listed at once; the search narrows a larger shop


def ask_yes(question: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, tr("office.goods.title"), question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def rp(amount: int) -> str:
    return tr("office.goods.rp", amount=amount)


def find_goods(kiosk: Kiosk, text: str, limit: int = SHOWN) -> list[GoodsItem]:
    """Goods whose name or SKU holds ``text``, or whose barcode is it (off the UI thread)."""
    needle = text.strip().casefold()
    if needle:
        scanned = kiosk.goods.by_barcode(text.strip())
        if scanned is not None:
            return [scanned]
    found: list[GoodsItem] = []
    for item in kiosk.goods.iter_all():
        if not needle or needle in item.name.casefold() or needle in item.sku.casefold() \
                or any(needle == code.casefold() for code in item.barcodes):
            found.append(item)
            if len(found) >= limit:
                break
    return found


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in text.replace(";", ",").split(",")) if c)


class GoodsView(QWidget):
    listed = Signal()
    saved = Signal(object)  # GoodsItem

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 confirm: Confirm = ask_yes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks, self._confirm = kiosk, user, tasks, confirm
        self.items: list[GoodsItem] = []
        self.editing: GoodsItem | None = None
        left = QVBoxLayout(self)  # the list over the form: the names keep their width
        left.addWidget(label(tr("office.goods.title"), "large"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("office.goods.search"))
        self.search.returnPressed.connect(self.refresh)
        left.addWidget(self.search)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr(f"office.goods.col.{c}") for c in
                                              ("sku", "name", "price", "stock", "state")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._picked)
        left.addWidget(self.table, 1)
        right = left
        form = QGridLayout()
        self.sku, self.name, self.category = QLineEdit(), QLineEdit(), QLineEdit()
        self.barcodes, self.cost, self.price, self.min_stock = (QLineEdit(), QLineEdit(),
                                                                QLineEdit(), QLineEdit())
        self.barcodes.setPlaceholderText(tr("office.goods.barcodes_hint"))
        for i, (key, field) in enumerate((("sku", self.sku), ("name", self.name),
                                          ("category", self.category),
                                          ("barcodes", self.barcodes), ("cost", self.cost),
                                          ("price", self.price),
                                          ("min_stock", self.min_stock))):
            form.addWidget(QLabel(tr(f"office.goods.field.{key}")), i // 2, (i % 2) * 2)
            form.addWidget(field, i // 2, (i % 2) * 2 + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 2)
        right.addLayout(form)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(tr("office.goods.new"))
        self.new_button.clicked.connect(self.clear_form)
        self.save_button = QPushButton(tr("office.goods.save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(lambda: self.save(False))
        self.retire_button = QPushButton(tr("office.goods.retire"))
        self.retire_button.clicked.connect(self.retire)
        for button in (self.new_button, self.save_button, self.retire_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        right.addWidget(self.status)
        self.clear_form()
        self.refresh()

    # -- list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        text, kiosk = self.search.text(), self._kiosk
        QueryOp(self, lambda: find_goods(kiosk, text)).success(self._listed).failure(
            self._failed).run(self._tasks)

    def _listed(self, items: list[GoodsItem]) -> None:
        self.items = items
        self.table.blockSignals(True)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            state = tr("office.goods.active") if item.active else tr("office.goods.retired")
            for col, text in enumerate((item.sku, item.name, rp(item.price), str(item.stock),
                                        state)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.table.blockSignals(False)
        if not items:
            self.status.setText(tr("office.goods.none"))
        self.listed.emit()

    def _picked(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.items):
            self.fill_form(self.items[row])

    # -- form ------------------------------------------------------------------------------
    def clear_form(self) -> None:
        self.editing = None
        for field in (self.sku, self.name, self.category, self.barcodes, self.cost,
                      self.price):
            field.clear()
        self.min_stock.setText("0")
        self.sku.setReadOnly(False)
        self.retire_button.setEnabled(False)
        self.status.setText(tr("office.goods.adding"))

    def fill_form(self, item: GoodsItem) -> None:
        self.editing = item
        self.sku.setText(item.sku)
        self.sku.setReadOnly(True)
        self.name.setText(item.name)
        self.category.setText(item.category or "")
        self.barcodes.setText(", ".join(item.barcodes))
        self.cost.setText(str(item.cost))
        self.price.setText(str(item.price))
        self.min_stock.setText(str(item.min_stock))
        for field in (self.name, self.category, self.barcodes):
            field.setCursorPosition(0)  # the start of a long name, not its end
        self.retire_button.setEnabled(item.active)
        self.status.setText(tr("office.goods.editing", name=item.name))

    def save(self, below_cost_ok: bool) -> None:
        user, goods, editing = self._user, self._kiosk.goods, self.editing
        sku, name, category = self.sku.text(), self.name.text(), self.category.text()
        codes, cost, price, least = (_codes(self.barcodes.text()), self.cost.text(),
                                     self.price.text(), self.min_stock.text())

        def work() -> GoodsItem:
            assert user is not None
            numbers = (whole_rupiah(price), whole_rupiah(cost), whole_number(least or "0"))
            if editing is None:
                return goods.add(user, NewGoods(sku, name, numbers[0], numbers[1],
                                                category or None, codes, numbers[2]),
                                 allow_below_cost=below_cost_ok)
            change = GoodsChange(name=name, price=numbers[0], cost=numbers[1],
                                 category=category, min_stock=numbers[2],
                                 add_barcodes=tuple(c for c in codes
                                                    if c not in editing.barcodes),
                                 remove_barcodes=tuple(c for c in editing.barcodes
                                                       if c not in codes))
            return goods.edit(user, editing.sku, change, allow_below_cost=below_cost_ok)

        WriteOp(self, work).success(self._saved).failure(self._save_failed).run(self._tasks)

    def _save_failed(self, failure: OpFailure) -> None:
        if isinstance(failure.error, PriceBelowCost) and self._confirm(failure.message):
            self.save(True)
            return
        self._failed(failure)

    def retire(self) -> None:
        item, user = self.editing, self._user
        if item is None or user is None:
            return
        if not self._confirm(tr("office.goods.retire_confirm", name=item.name)):
            return
        goods = self._kiosk.goods
        WriteOp(self, lambda: goods.retire(user, item.sku)).success(self._saved).failure(
            self._failed).run(self._tasks)

    def _saved(self, item: GoodsItem) -> None:
        self.fill_form(item)
        self.status.setText(tr("office.goods.saved", name=item.name))
        self.saved.emit(item)
        self.refresh()

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
