"""The History screen's table as a Qt model: one row per sale, newest first.

A change touches what changed and nothing else: a top-up's new status repaints its
sale's row (one ``dataChanged``), a new sale is one inserted row at the top, an older
page is rows appended at the bottom. Cells are computed when the view paints them (only
the visible rows), so the cost of a change does not grow with the day's sales.

The model never reads the database: when the view scrolls near the end it asks for more
(``fetchMore``), the model emits :attr:`more_wanted` once, and the screen loads the page
through a :class:`~kiosk_pos.ui.operations.QueryOp` and hands it to :meth:`append_page`.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from kiosk_pos.core.records import SaleRecord, TopUpRecord, TopUpStatus
from kiosk_pos.i18n import tr
from kiosk_pos.ui.recent import line_label, with_topup
from kiosk_pos.ui.theme import status_colour

if TYPE_CHECKING:
    from kiosk_pos.core.complaints import ComplaintRecord  # its module imports SQLAlchemy

TIME, ID, ITEMS, TOTAL, STATUS = range(5)
COLUMNS = 5
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

Index = QModelIndex | QPersistentModelIndex
COMPLAINT_STATES = ("queued", "open", "answered", "closed")
ANSWERED = ("answered", "closed")


def _mark(state: str) -> str:
    """The complaint's word under the status: short, so the column keeps its width."""
    return tr("complaints.mark.answered" if state in ANSWERED else "complaints.mark.waiting")


def status_text(sale: SaleRecord) -> str:
    """The status cell: the sale's status, and its complaint's mark on the second line."""
    text = tr(f"status.{sale.status}")
    return f"{text}\n{_mark(sale.complaint)}" if sale.complaint else text


def status_widths(statuses: tuple[str, ...]) -> list[str]:
    """Every text a status cell's line may hold (the column is sized once for them all)."""
    return [tr(f"status.{s}") for s in statuses] + [_mark(c) for c in COMPLAINT_STATES]


class HistoryModel(QAbstractTableModel):
    more_wanted = Signal(int)  # the id of the oldest sale shown: load the page before it

    def __init__(self, timezone: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._zone = ZoneInfo(timezone)
        self.day: date | None = None  # None: search results across days (cek status)
        self.sales: list[SaleRecord] = []  # newest first: ids strictly descending
        self._neg_ids: list[int] = []      # -id per row, ascending, to bisect a row by id
        self._sale_of_ref: dict[str, int] = {}  # top-up ref_id -> sale id
        self.count = 0   # the day's sales and total, from the database's aggregate
        self.total = 0
        self.failed_count = 0  # of which failed top-up lines (the report leaves them out)
        self.failed_amount = 0
        self._more = False
        self._fetching = False

    # -- filling ---------------------------------------------------------------------------
    def reset(self, day: date | None, sales: list[SaleRecord], count: int, total: int,
              more: bool, failed: tuple[int, int] = (0, 0)) -> None:
        """A freshly loaded day (its newest page), or with ``day`` None the newest page of
        search results from any day (each row then shows its date)."""
        self.beginResetModel()
        self.day = day
        self.sales = []
        self._neg_ids = []
        self._sale_of_ref = {}
        self._append(sales)
        self.count, self.total = count, total
        self.failed_count, self.failed_amount = failed
        self._more = more
        self._fetching = False
        self.endResetModel()

    def append_page(self, day: date | None, sales: list[SaleRecord], more: bool) -> None:
        """An older page, fetched as the clerk scrolled down."""
        if day != self.day:
            return  # the clerk picked another day meanwhile
        self._fetching = False
        self._more = more
        oldest = self.sales[-1].id if self.sales else None
        fresh = [s for s in sales if oldest is None or s.id < oldest]
        if fresh:
            first = len(self.sales)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._append(fresh)
            self.endInsertRows()

    def fetch_failed(self) -> None:
        """Let the next scroll ask again."""
        self._fetching = False

    def add_sale(self, sale: SaleRecord) -> bool:
        """A sale saved now: one row at the top when it belongs to the day shown."""
        if self.day is None or sale.business_date != self.day \
                or self.row_of(sale.id) is not None:
            return False
        if self.sales and sale.id < self.sales[0].id:
            return False  # older than the newest shown yet unknown: it was deleted or stale
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.sales.insert(0, sale)
        self._neg_ids.insert(0, -sale.id)
        self._index_refs(sale)
        self.endInsertRows()
        self.count += 1
        self.total += sale.total
        return True

    def update_topup(self, topup: TopUpRecord) -> int | None:
        """A top-up's new status; returns the row repainted, None if its sale is not shown."""
        sale_id = self._sale_of_ref.get(topup.ref_id)
        row = None if sale_id is None else self.row_of(sale_id)
        if row is None:
            return None
        updated = with_topup(self.sales[row], topup)
        if updated is None:
            return None
        self._count_failed(self.sales[row], updated)
        self.sales[row] = updated
        self.dataChanged.emit(self.index(row, 0), self.index(row, COLUMNS - 1))
        return row

    def _count_failed(self, before: SaleRecord, after: SaleRecord) -> None:
        """A line that turned failed (or back) moves the day's failed figures."""
        if self.day is None:
            return
        for old, new in zip(before.lines, after.lines, strict=True):
            was = old.topup is not None and old.topup.status is TopUpStatus.FAILED
            now = new.topup is not None and new.topup.status is TopUpStatus.FAILED
            if was != now:
                sign = 1 if now else -1
                self.failed_count += sign
                self.failed_amount += sign * new.amount

    def set_complaint(self, record: ComplaintRecord) -> int | None:
        """A complaint filed or answered: its sale's status cell repaints (the row, if shown)."""
        row, state = self.row_of(record.sale_id), record.status.value
        if row is None or self.sales[row].complaint == state:
            return None
        self.sales[row] = replace(self.sales[row], complaint=state)
        self.dataChanged.emit(self.index(row, STATUS), self.index(row, STATUS))
        return row

    def row_of(self, sale_id: int) -> int | None:
        row = bisect_left(self._neg_ids, -sale_id)
        return row if row < len(self._neg_ids) and self._neg_ids[row] == -sale_id else None

    def sale_at(self, row: int) -> SaleRecord | None:
        return self.sales[row] if 0 <= row < len(self.sales) else None

    def _append(self, sales: list[SaleRecord]) -> None:
        for sale in sales:
            self.sales.append(sale)
            self._neg_ids.append(-sale.id)
            self._index_refs(sale)

    def _index_refs(self, sale: SaleRecord) -> None:
        for line in sale.lines:
            if line.topup is not None:
                self._sale_of_ref[line.topup.ref_id] = sale.id

    # -- paging (asked by the view as it scrolls) --------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._fetching and bool(self.sales)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(self.sales[-1].id)

    @property
    def fetching(self) -> bool:
        return self._fetching

    # -- Qt's model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.sales)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("ui.recent.time"), "#", tr("ui.recent.item"), tr("ui.recent.total"),
                tr("ui.recent.status"))[section] if 0 <= section < COLUMNS else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        sale = self.sale_at(index.row()) if index.isValid() else None
        if sale is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(sale, col)
        if role == Qt.ItemDataRole.ToolTipRole and col == ITEMS:
            return "\n".join(line_label(line) for line in sale.lines)
        if role == Qt.ItemDataRole.ToolTipRole and col == STATUS and sale.complaint:
            return tr(f"complaints.row.{sale.complaint}")  # the whole state, e.g. dijawab
        if role == Qt.ItemDataRole.ForegroundRole and col == STATUS:
            return status_colour(sale.status)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (ID, TOTAL) else _LEFT
        return None

    def _text(self, sale: SaleRecord, col: int) -> str:
        if col == TIME:  # results across days carry their date
            shape = "%H:%M" if self.day is not None else "%d-%m-%Y %H:%M"
            return sale.created_at.astimezone(self._zone).strftime(shape)
        if col == ID:
            return str(sale.id)
        if col == ITEMS:  # rows keep one height (two lines, wrapped); the detail lists all
            if len(sale.lines) == 1:  # the number on the second line, as the detail shows it
                return line_label(sale.lines[0], "\n")
            return ", ".join(line_label(line) for line in sale.lines)
        if col == TOTAL:
            return format_rupiah(sale.total)
        return status_text(sale)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMNS - 1)
        if self.sales:
            self.dataChanged.emit(self.index(0, STATUS), self.index(len(self.sales) - 1, STATUS))
