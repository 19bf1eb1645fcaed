"""Stok: receiving a delivery (Terima barang), counting the shelf (Stok opname) and the
"Stok menipis" list. Items are scanned or typed by SKU; before saving the screen shows the
difference in units and rupiah (the core's ``preview_count`` for an opname); saving is one
operation. The rules and the owner-only checks are the core's (``kiosk.stock``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
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
from kiosk_pos.core.goods import GoodsItem, whole_number, whole_rupiah
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.core.stock import LowStockItem, OpnameLine, Received
from kiosk_pos.i18n import tr
from kiosk_pos.ui.goods_view import rp
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

RECEIVE, OPNAME = "receive", "opname"


@dataclass(frozen=True)
class Counted:
    item: GoodsItem
    qty: int  # received units, or the counted quantity in an opname
    cost: int | None = None  # a delivery's unit cost, when typed (else the average cost)

    @property
    def unit_cost(self) -> int:
        return self.item.cost if self.cost is None else self.cost


def lookup(kiosk: Kiosk, code: str, qty: str, cost: str = "") -> Counted:
    """The item a scanned barcode or a typed SKU names, with its typed quantity (and the
    delivery's unit cost, if typed)."""
    code = code.strip()
    item = kiosk.goods.by_barcode(code) if code else None
    if item is None:
        if not code:
            raise KioskError("error.stock_nothing_counted")
        item = kiosk.goods.get(code)
    return Counted(item, whole_number(qty), whole_rupiah(cost) if cost.strip() else None)


CsvChooser = Callable[[], str | None]


def ask_csv_path() -> str | None:
    path, _filter = QFileDialog.getOpenFileName(None, tr("office.stock.receive.csv"), "",
                                                "CSV (*.csv *.txt)")
    return path or None


def delivery_lines(kiosk: Kiosk, path: str) -> list[Counted]:
    """The lines of a delivery CSV with their items (off the UI thread)."""
    from kiosk_pos.core.delivery import read_delivery

    return [Counted(kiosk.goods.get(line.sku), line.qty, line.unit_cost)
            for line in read_delivery(Path(path).read_bytes())]


def _table(columns: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return table


def _signed(units: int) -> str:
    return f"{units:+d}" if units else "0"


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


class StockCountView(QWidget):
    """One screen for both: ``mode`` RECEIVE adds the typed units (with a supplier),
    OPNAME replaces the stock with the counted ones (with a reason)."""

    previewed = Signal()
    saved = Signal(object)  # the movements written

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, mode: str, *,
                 choose_csv: CsvChooser = ask_csv_path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks, self.mode = kiosk, user, tasks, mode
        self._choose_csv = choose_csv
        self.lines: list[Counted] = []
        self.preview: list[OpnameLine] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr(f"office.stock.{mode}.title"), "large"))
        explain = label(tr(f"office.stock.{mode}.explain"))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        entry = QHBoxLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("office.stock.code"))
        self.qty = QLineEdit()
        self.qty.setPlaceholderText(tr(f"office.stock.{mode}.qty"))
        self.qty.setMinimumWidth(190)
        self.cost = QLineEdit()  # receiving only: the delivery's unit cost
        self.cost.setPlaceholderText(tr("office.stock.receive.cost"))
        self.cost.setMinimumWidth(190)
        self.cost.setVisible(mode == RECEIVE)
        self.code.returnPressed.connect(self.qty.setFocus)
        self.qty.returnPressed.connect(self.add_line)
        self.cost.returnPressed.connect(self.add_line)
        self.add_button = QPushButton(tr("office.stock.add"))
        self.add_button.clicked.connect(self.add_line)
        entry.addWidget(self.code, 2)
        entry.addWidget(self.qty, 1)
        entry.addWidget(self.cost, 1)
        entry.addWidget(self.add_button)
        layout.addLayout(entry)
        self.table = _table([tr(f"office.stock.col.{c}") for c in
                             ("sku", "name", "stock", f"{mode}_qty", "difference", "value")])
        layout.addWidget(self.table, 1)
        self.total = label("", "large")
        layout.addWidget(self.total)
        bottom = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr(f"office.stock.{mode}.note"))
        if mode == OPNAME:
            self.note.setText(tr("office.stock.opname.default_reason"))
        self.remove_button = QPushButton(tr("office.stock.remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button = QPushButton(tr("office.stock.save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.note, 1)
        self.csv_button = QPushButton(tr("office.stock.receive.csv"))  # a delivery note
        self.csv_button.clicked.connect(self.load_csv)
        self.csv_button.setVisible(mode == RECEIVE)
        bottom.addWidget(self.csv_button)
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.save_button)
        layout.addLayout(bottom)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._show()

    # -- the lines -------------------------------------------------------------------------
    def add_line(self) -> None:
        kiosk, code, qty = self._kiosk, self.code.text(), self.qty.text()
        cost = self.cost.text() if self.mode == RECEIVE else ""
        QueryOp(self, lambda: lookup(kiosk, code, qty, cost)).success(self._added).failure(
            self._failed).run(self._tasks)

    def _added(self, line: Counted) -> None:
        # a second scan of the same item replaces its line (the core refuses it twice)
        self.lines = [x for x in self.lines if x.item.sku != line.item.sku] + [line]
        self.code.clear()
        self.qty.clear()
        self.cost.clear()
        self.code.setFocus()
        self.status.setText("")
        self._changed()

    def load_csv(self) -> None:
        """A delivery note as CSV (sku;qty;cost): its lines join the list, to check and save."""
        path = self._choose_csv()
        if not path:
            return
        kiosk = self._kiosk
        QueryOp(self, lambda: delivery_lines(kiosk, path)).success(self._loaded_csv).failure(
            self._failed).run(self._tasks)

    def _loaded_csv(self, lines: list[Counted]) -> None:
        skus = {x.item.sku for x in lines}
        self.lines = [x for x in self.lines if x.item.sku not in skus] + lines
        self.status.setText(tr("office.stock.receive.csv_loaded", items=len(lines)))
        self._changed()

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lines):
            del self.lines[row]
            self._changed()

    def _changed(self) -> None:
        if self.mode == OPNAME and self.lines:
            counts = [(x.item.sku, x.qty) for x in self.lines]
            stock = self._kiosk.stock
            QueryOp(self, lambda: stock.preview_count(counts)).success(self._previewed).failure(
                self._failed).run(self._tasks)
        else:
            self.preview = []
            self._show()
            self.previewed.emit()

    def _previewed(self, preview: list[OpnameLine]) -> None:
        self.preview = preview
        self._show()
        self.previewed.emit()

    def _show(self) -> None:
        rows: list[list[str]] = []
        units = value = 0
        if self.mode == OPNAME:
            for p in self.preview:
                rows.append([p.sku, p.name, str(p.stock), str(p.counted),
                             _signed(p.difference), rp(p.value)])
                units, value = units + p.difference, value + p.value
        else:
            for x in self.lines:
                worth = x.qty * x.unit_cost
                rows.append([x.item.sku, x.item.name, str(x.item.stock), str(x.qty),
                             _signed(x.qty), rp(worth)])
                units, value = units + x.qty, value + worth
        _fill(self.table, rows)
        self.total.setText(tr(f"office.stock.{self.mode}.total", items=len(rows),
                              units=_signed(units), value=rp(value)))
        self.save_button.setEnabled(bool(rows))

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        user, stock, note = self._user, self._kiosk.stock, self.note.text()
        lines = list(self.lines)
        if user is None or not lines:
            return
        if self.mode == OPNAME:
            counts = [(x.item.sku, x.qty) for x in lines]
            work = lambda: stock.adjust(user, counts, note)  # noqa: E731
        else:  # one delivery: every line or none, in one transaction
            received = [Received(x.item.sku, x.qty, x.cost) for x in lines]
            work = lambda: stock.receive_many(user, received, note or None)  # noqa: E731
        WriteOp(self, work).success(self._saved).failure(self._failed).run(self._tasks)

    def _saved(self, moves: list) -> None:
        count = len(self.lines)
        self.lines, self.preview = [], []
        self._show()
        self.status.setText(tr(f"office.stock.{self.mode}.saved", items=count))
        self.saved.emit(moves)

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)


class LowStockView(QWidget):
    """Stok menipis: active goods at or below their minimum, emptiest first, with what to
    order (the last 28 days' sales rate times the days until the next delivery)."""

    listed = Signal()

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._tasks = kiosk, tasks
        self.items: list[LowStockItem] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("office.stock.low.title"), "large"))
        self.explain = label("")
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.table = _table([tr(f"office.stock.col.{c}") for c in
                             ("sku", "name", "stock", "min_stock", "order")])
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a list to read, nothing to pick
        layout.addWidget(self.table, 1)
        self.status = label("", "caption")
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        stock = self._kiosk.stock
        QueryOp(self, lambda: (stock.low_stock(), stock.delivery_days())).success(
            self._listed).failure(lambda f: self.status.setText(f.message)).run(self._tasks)

    def _listed(self, result: tuple[list[LowStockItem], int]) -> None:
        self.items, days = result
        self.explain.setText(tr("office.stock.low.explain", days=days))
        _fill(self.table, [[i.sku, i.name, str(i.stock), str(i.min_stock),
                            str(i.suggested_order)] for i in self.items])
        self.status.setText(tr("office.stock.low.count", count=len(self.items)) if self.items
                            else tr("office.stock.low.none"))
        self.listed.emit()
