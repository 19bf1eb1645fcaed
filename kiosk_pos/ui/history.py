"""History: the sales of a day with their lines, top-up status and SN; reprint a receipt;
"Cek status": the sales of any day by number, Ref or SN, in the same table."""

from __future__ import annotations

from collections.abc import Callable
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
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord, TopUpRecord, TopUpStatus
from kiosk_pos.core.sale_reads import DayPage
from kiosk_pos.core.sale_search import SEARCH_PAGE, SearchPage
from kiosk_pos.core.sales import HISTORY_PAGE
from kiosk_pos.errors import KioskError
from kiosk_pos.i18n import tr
from kiosk_pos.ui.history_model import (
    ID,
    ITEMS,
    STATUS,
    TIME,
    TOTAL,
    HistoryModel,
    status_widths,
)
from kiosk_pos.ui.history_search import SearchField
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.recent import with_topup
from kiosk_pos.ui.sale_detail import SaleDetail
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import LIST_PT, label

if TYPE_CHECKING:
    from kiosk_pos.ui.receipt_dialog import ReceiptDialog


STATUSES = [*(s.value for s in TopUpStatus), "done"]


class HistoryView(QWidget):
    """A day's sales in a model-backed table: the newest page first, older pages as the
    clerk scrolls; a status change or a new sale touches one row."""

    reprint_requested = Signal(int)  # sale id
    refund_requested = Signal(int)   # sale id: the Retur screen for it
    loaded = Signal()
    page_loaded = Signal()  # an older page arrived (after a scroll)
    searched = Signal()  # search results (or the reason there are none) are shown

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self.receipt_width = 58  # the printer's paper, set by the window once known
        # whether a reprint can reach a printer now (one is set up): set by the window
        self.printer_ready: Callable[[], bool] = lambda: True
        self._zone = ZoneInfo(kiosk.timezone())
        self.page_size = HISTORY_PAGE  # sales per read: the newest first, more on scrolling
        self._loading: date | None = None  # the day being loaded
        self._arrived: list[SaleRecord] = []  # sales announced while it loads
        self._query: str | None = None  # the search shown (or running) instead of the day
        self._search_note = ""  # the search's count, or why it found nothing
        self.title = label("", "large")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.today_button = QPushButton()
        self.today_button.clicked.connect(self.show_today)
        self.summary = label("", "caption")
        self.summary.setWordWrap(True)  # a long note wraps; it never widens the window
        self.search = SearchField()
        self.search.search_requested.connect(self.run_search)
        self.search.search_cleared.connect(self.end_search)
        self.search.reachable_from(self)  # Ctrl+F anywhere on the screen
        self.table = QTableView()
        # The table owns its model: Qt deletes it after the view that asks it for data.
        self.model = HistoryModel(kiosk.timezone(), self.table)
        self.model.more_wanted.connect(self._fetch_older)
        self.model.modelReset.connect(self._after_reset)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)  # two lines per row (name, number), each elided
        # a size smaller than the screen's body text (as the recent list): a product's
        # name and its number keep their line, uncut, at 1024 px
        self.table.setStyleSheet(f"QTableView {{ font-size: {LIST_PT}pt; }}")
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # one height, never measured
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # sized once, see _size_columns
        header.setSectionResizeMode(ITEMS, QHeaderView.ResizeMode.Stretch)
        # A method, not a lambda: Qt drops it when this screen goes, before its children.
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.search.cleared_from(self.table)  # Esc in the results, too
        # the chosen sale: its lines, how it was paid, its complaint (issue 13)
        self.sale_detail = SaleDetail(kiosk, tasks, self.paper_width)
        self.detail_title = self.sale_detail.title
        self.detail_info = self.sale_detail.info
        self.detail = self.sale_detail.lines
        self.complaint = self.sale_detail.complaint
        self.complaint.changed.connect(self.model.set_complaint)  # the row's marker, too
        self.reprint = QPushButton()
        self.reprint.clicked.connect(self._reprint)
        self.reprint.setEnabled(False)
        self.view_receipt = QPushButton()
        self.view_receipt.clicked.connect(self.show_receipt)
        self.view_receipt.setEnabled(False)
        self.refund = QPushButton()
        self.refund.clicked.connect(lambda: self.refund_requested.emit(self.current_sale().id))

        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.search, 2)
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        detail = QWidget()
        dlayout = QVBoxLayout(detail)
        dlayout.addWidget(self.sale_detail, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.view_receipt)
        buttons.addWidget(self.reprint)
        buttons.addWidget(self.refund)
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

    @property
    def sales(self) -> list[SaleRecord]:
        """The sales loaded so far, newest first."""
        return self.model.sales

    def retranslate(self) -> None:
        self.title.setText(tr("ui.history.title"))
        self.search.retranslate()
        self.today_button.setText(tr("ui.history.today"))
        self.reprint.setText(tr("ui.history.reprint"))
        self.view_receipt.setText(tr("ui.history.view_receipt"))
        self.refund.setText(tr("ui.history.refund"))
        self.sale_detail.retranslate()
        self.model.retranslate()
        self._size_columns()
        self._show_summary()
        self._show_detail()

    def _size_columns(self) -> None:
        """Widths from the font and the widest text each column holds, set once per load or
        language (never measured per cell: a status change must not relayout the table)."""
        sales = self.model.sales
        self._fit({
            TIME: ["00:00" if self.model.day is not None else "00-00-0000 00:00"],
            ID: [str(max([999, *(s.id for s in sales[:1])]))],
            TOTAL: [format_rupiah(max([99_999, *(s.total for s in sales)]))],
            STATUS: status_widths(tuple(STATUSES)),
        }, shrink=True)
        metrics = self.table.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(2 * metrics.lineSpacing() + 8)

    def _fit(self, widest: dict[int, list[str]], shrink: bool = False) -> None:
        """Each column as wide as its widest text and its title (wider only, unless
        ``shrink``): a few font measurements, whatever the rows."""
        cells, titles = self.table.fontMetrics(), self.table.horizontalHeader().fontMetrics()
        pad = 12  # the cell's margins, as Qt's own fit-to-contents leaves
        header = self.table.horizontalHeader()
        for col, texts in widest.items():
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(titles.horizontalAdvance(title),
                        *(cells.horizontalAdvance(t) for t in texts)) + pad
            if shrink or width > header.sectionSize(col):
                header.resizeSection(col, width)

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
        """Load the day's newest page and its count and total off the GUI thread (leaving
        a search: the clerk picked a day)."""
        if self._query is not None or self.search.text():
            self._query = None
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        day = self.selected_day()
        self._loading, self._arrived = day, []
        size = self.page_size
        QueryOp(self, lambda: self._kiosk.sales.day_page(day, limit=size)).success(
            self._loaded).run(self._tasks)

    def _loaded(self, page: DayPage) -> None:
        if page.day != self.selected_day() or self._query is not None:
            return  # the clerk picked another day, or searched, meanwhile
        row_before = self.table.currentIndex().row()
        arrived, self._loading, self._arrived = self._arrived, None, []
        self.model.reset(page.day, page.sales, page.count, page.total, page.more,
                         (page.failed_count, page.failed_amount))
        for sale in sorted(arrived, key=lambda s: s.id):  # announced while loading
            self.model.add_sale(sale)
        self._size_columns()
        if self.model.sales:
            self.table.selectRow(max(0, min(row_before, len(self.model.sales) - 1)))
        self._show_summary()
        self.loaded.emit()

    # -- cek status: a search across days --------------------------------------------------
    def run_search(self, text: str) -> None:
        """The newest sales of any day matching ``text`` (number, Ref or SN), off the GUI
        thread, into the same table; the day comes back with Esc."""
        query = text.strip()
        self._query, self._loading, self._arrived = query, None, []
        self._search_note = tr("ui.history.searching", query=query)
        self._show_summary()
        QueryOp(self, lambda: self._kiosk.sales.search(query, limit=SEARCH_PAGE)).success(
            self._search_loaded).failure(lambda f: self._search_failed(query, f.message)
                                         ).run(self._tasks)

    def _search_loaded(self, page: SearchPage) -> None:
        if page.query != self._query:
            return  # another search, or the day, was asked for meanwhile
        self.model.reset(None, page.sales, len(page.sales), 0, page.more)
        self._size_columns()
        if page.sales:
            self.table.selectRow(0)
        self._note_found()
        self.searched.emit()

    def _search_failed(self, query: str, message: str) -> None:
        if query != self._query:
            return
        self.model.reset(None, [], 0, 0, False)
        self._search_note = message
        self._show_summary()
        self.searched.emit()

    def _note_found(self) -> None:
        query, count = self._query or "", len(self.model.sales)
        if not count:
            self._search_note = tr("ui.history.nothing_found", query=query)
        elif self.model.canFetchMore() or self.model.fetching:
            self._search_note = tr("ui.history.found_more", count=count, query=query)
        else:
            self._search_note = tr("ui.history.found", count=count, query=query)
        self._show_summary()

    def end_search(self) -> None:
        """Back to the chosen day (Esc, or the field emptied)."""
        if self._query is not None:
            self.refresh()  # empties the field too
            self.table.setFocus()

    @property
    def searching(self) -> bool:
        return self._query is not None

    def _fetch_older(self, before_id: int) -> None:
        """The view scrolled near the end: the page before ``before_id``, off the GUI thread."""
        if self._query is not None:
            query, size = self._query, SEARCH_PAGE
            QueryOp(self, lambda: self._kiosk.sales.search(query, before_id, size)).success(
                self._older_found).failure(lambda _f: self.model.fetch_failed()
                                           ).run(self._tasks)
            return
        day = self.model.day
        if day is None:
            return
        size = self.page_size
        QueryOp(self, lambda: self._kiosk.sales.day_page(day, before_id, size,
                                                          with_totals=False)
                ).success(self._older_loaded).failure(
                    lambda _f: self.model.fetch_failed()).run(self._tasks)

    def _older_found(self, page: SearchPage) -> None:
        if page.query != self._query or self.model.day is not None:
            self.model.fetch_failed()
            return
        self.model.append_page(None, page.sales, page.more)
        self._note_found()
        self.page_loaded.emit()

    def _older_loaded(self, page: DayPage) -> None:
        self.model.append_page(page.day, page.sales, page.more)
        self.page_loaded.emit()

    def add_sale(self, sale: SaleRecord) -> None:
        """A sale just saved: one row at the top if it belongs to the day shown."""
        if self._loading is not None:
            self._arrived.append(sale)
        elif self.model.add_sale(sale):
            self._fit({ID: [str(sale.id)], TOTAL: [format_rupiah(sale.total)]})
            self._show_summary()

    def update_topup(self, topup: TopUpRecord) -> None:
        """A top-up's new status: its sale's row repaints, and its detail if selected."""
        self._arrived = [with_topup(sale, topup) or sale for sale in self._arrived]
        row = self.model.update_topup(topup)
        if row is not None:
            self._show_summary()
        if row is not None and row == self.table.currentIndex().row():
            self._show_detail()

    def _after_reset(self) -> None:
        self._show_detail()

    def _current_changed(self, _current: object, _previous: object) -> None:
        self._show_detail()

    def _show_summary(self) -> None:
        if self._query is not None:
            self.summary.setText(self._search_note)
            return
        text = tr("ui.history.summary", count=self.model.count, total=self.model.total)
        if self.model.failed_count:  # said, so the report's smaller figure is no surprise
            text += ". " + tr("ui.history.failed_included", count=self.model.failed_count,
                             amount=self.model.failed_amount)
        self.summary.setText(text)

    def current_sale(self) -> SaleRecord | None:
        return self.model.sale_at(self.table.currentIndex().row())

    def _show_detail(self) -> None:
        sale = self.current_sale()
        self.reprint.setEnabled(sale is not None)
        self.view_receipt.setEnabled(sale is not None)
        # any sale: for pulsa the Retur screen says why it cannot be undone (komplain)
        self.refund.setEnabled(sale is not None)
        self.sale_detail.show_sale(sale)

    def show_receipt(self) -> ReceiptDialog | None:
        """The selected sale's receipt on screen, to print again or save as PDF."""
        sale = self.current_sale()
        if sale is None:
            return None
        from kiosk_pos.ui.receipt_dialog import ReceiptDialog

        dialog = ReceiptDialog(self._kiosk, sale, on_reprint=self._reprint_from_dialog,
                               paper_width=self.paper_width(), parent=self)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _reprint_from_dialog(self, sale_id: int) -> None:
        """The dialog says "sent to the printer" only when it was: with no printer set up
        it shows why instead (raised, so the dialog shows it as a problem)."""
        if not self.printer_ready():
            raise KioskError("ui.app.no_printer")
        self.reprint_requested.emit(sale_id)

    def paper_width(self) -> int:
        return self.receipt_width

    def _reprint(self) -> None:
        sale = self.current_sale()
        if sale is not None:
            self.reprint_requested.emit(sale.id)
