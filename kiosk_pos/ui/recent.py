"""Today's recent sales with a live status per top-up (Antre / Diproses / Sukses + SN / Gagal).

A Qt model, like the History screen's (``ui/history_model.py``): one row per sale line,
newest sale first. A change touches what changed and nothing else: a top-up's new status
repaints its line's row (one ``dataChanged``), a new sale is its rows inserted at the top
(and the oldest sale's rows removed past the limit). Rows keep one height (three lines), so
a change never measures the other rows.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.records import SaleLineRecord, SaleRecord, TopUpRecord
from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import LIST_PT, label, status_colour

RECENT_LIMIT = 30
ITEM, STATUS = range(2)
ROW_LINES = 3  # "what" is item, number, then time · amount: three short lines, none wrapped
SN_SAMPLE = "SN 0000000000"  # the status column fits a usual serial under "Sukses"

Index = QModelIndex | QPersistentModelIndex


def line_status(line: SaleLineRecord) -> str:
    return line.topup.status.value if line.topup is not None else "done"


def status_text(line: SaleLineRecord) -> str:
    """``Sukses · SN 1234`` for a finished top-up, the status word otherwise."""
    status = line_status(line)
    text = tr(f"status.{status}")
    if line.topup is not None and line.topup.sn:
        text = f"{text}\nSN {line.topup.sn}"
    return text


def line_label(line: SaleLineRecord, separator: str = " ") -> str:
    qty = f"{line.qty}x " if line.qty > 1 else ""
    dest = f"{separator}→\u00a0{line.destination}" if line.destination else ""  # one piece
    return f"{qty}{line.name}{dest}"


def with_topup(sale: SaleRecord, topup: TopUpRecord) -> SaleRecord | None:
    """The sale with ``topup`` replacing its line's old state, or None if not this sale's."""
    lines = list(sale.lines)
    for i, line in enumerate(lines):
        if line.topup is not None and line.topup.ref_id == topup.ref_id:
            lines[i] = replace(line, topup=topup)
            return replace(sale, lines=tuple(lines))
    return None


class RecentModel(QAbstractTableModel):
    """The sales shown (newest first, at most ``RECENT_LIMIT``), one row per line."""

    def __init__(self, timezone: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(timezone)
        self.sales: list[SaleRecord] = []
        self._rows: list[tuple[SaleRecord, SaleLineRecord]] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # -- changes ---------------------------------------------------------------------------
    def set_sales(self, sales: list[SaleRecord]) -> None:
        """Today's sales as loaded; a sale announced while they were loading stays."""
        loaded = {s.id: s for s in sales}
        loaded.update({s.id: s for s in self.sales if s.id not in loaded})
        self.beginResetModel()
        self.sales = sorted(loaded.values(), key=lambda s: s.id, reverse=True)[:RECENT_LIMIT]
        self._rows = [(sale, line) for sale in self.sales for line in sale.lines]
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.sales, self._rows = [], []
        self.endResetModel()

    def add_sale(self, sale: SaleRecord) -> bool:
        """A sale saved now: its rows at the top (the oldest sale's go past the limit)."""
        if any(s.id == sale.id for s in self.sales) or not sale.lines:
            return False
        self.beginInsertRows(QModelIndex(), 0, len(sale.lines) - 1)
        self.sales.insert(0, sale)
        self._rows[:0] = [(sale, line) for line in sale.lines]
        self.endInsertRows()
        while len(self.sales) > RECENT_LIMIT:
            oldest = self.sales[-1]
            first = len(self._rows) - len(oldest.lines)
            self.beginRemoveRows(QModelIndex(), first, len(self._rows) - 1)
            del self.sales[-1]
            del self._rows[first:]
            self.endRemoveRows()
        return True

    def update_topup(self, topup: TopUpRecord) -> SaleRecord | None:
        """A top-up's new status: its row repainted; returns its (updated) sale, or None
        when the sale is not listed."""
        for i, sale in enumerate(self.sales):
            updated = with_topup(sale, topup)
            if updated is None:
                continue
            self.sales[i] = updated
            for row, (shown, line) in enumerate(self._rows):
                if shown.id != sale.id:
                    continue
                fresh = next(ln for ln in updated.lines if ln.id == line.id)
                self._rows[row] = (updated, fresh)
                if line.topup is not None and line.topup.ref_id == topup.ref_id:
                    self.dataChanged.emit(self.index(row, ITEM), self.index(row, STATUS))
            return updated
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, ITEM, STATUS)
        if self._rows:
            self.dataChanged.emit(self.index(0, STATUS), self.index(len(self._rows) - 1, STATUS))

    # -- Qt's model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("ui.recent.item"), tr("ui.recent.status"))[section] \
            if section in (ITEM, STATUS) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        sale, line = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._what(sale, line) if col == ITEM else status_text(line)
        if col == STATUS and role == Qt.ItemDataRole.ForegroundRole:
            return status_colour(line_status(line))
        if col == STATUS and role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None

    def _what(self, sale: SaleRecord, line: SaleLineRecord) -> str:
        stamp = sale.created_at.astimezone(self._zone).strftime("%H:%M")
        qty = f"{line.qty}x " if line.qty > 1 else ""
        where = f"\n{line.destination}" if line.destination else ""
        return f"{qty}{line.name}{where}\n{stamp} · {format_rupiah(line.amount)}"


class RecentSales(QWidget):
    """The list under the cart: a view over :class:`RecentModel`."""

    def __init__(self, timezone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label("", "large")
        self.table = QTableView()
        # The table owns its model: Qt deletes it after the view that asks it for data.
        self.model = RecentModel(timezone, self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # a list beside the cart, read at a glance: a size smaller, so a product's name,
        # its number and its time each keep one line in the narrow column at 1024 px
        self.table.setStyleSheet(f"QTableView {{ font-size: {LIST_PT}pt; }}")
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height, never measured
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(ITEM, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Fixed)  # sized in _fit
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.retranslate()

    @property
    def sales(self) -> list[SaleRecord]:
        return self.model.sales

    def retranslate(self) -> None:
        self.title.setText(tr("ui.recent.title"))
        self.model.retranslate()
        self._fit()

    def set_sales(self, sales: list[SaleRecord]) -> None:
        self.model.set_sales(sales)

    def clear(self) -> None:
        self.model.clear()

    def add_sale(self, sale: SaleRecord) -> None:
        self.model.add_sale(sale)

    def update_topup(self, topup: TopUpRecord) -> SaleRecord | None:
        """Show a top-up's new status; returns its (updated) sale when it is on screen."""
        return self.model.update_topup(topup)

    def text_of_row(self, row: int, column: int = ITEM) -> str:
        text = self.model.data(self.model.index(row, column))
        return text if isinstance(text, str) else ""

    def status_of_row(self, row: int) -> str:
        return self.text_of_row(row, STATUS)

    def _fit(self) -> None:
        """Row height for three lines and the status column for its widest word, measured
        once (and again when the language changes), never per row."""
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(
            metrics.lineSpacing() * ROW_LINES + 8)
        bold = QFont(self.table.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        words = [tr(f"status.{s}") for s in ("queued", "pending", "success", "failed", "done")]
        widest = max([wide.horizontalAdvance(w) for w in words]
                     + [wide.horizontalAdvance(SN_SAMPLE)])
        self.table.horizontalHeader().resizeSection(STATUS, widest + 24)
