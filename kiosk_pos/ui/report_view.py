"""The daily report: count, gross, cost, profit, split by operator, kind, clerk and payment.
It shows what the core gives the logged-in user (``reports.daily_for``): without cost and
profit for anyone but the owner, and only today's for a clerk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import Breakdown, DailyReport, User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import ERROR_COLOUR, label

SPLITS = ("by_operator", "by_kind", "by_clerk", "by_payment")


class BreakdownTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, 4)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def set_rows(self, rows: tuple[Breakdown, ...]) -> None:
        self.setRowCount(len(rows))
        for row, b in enumerate(rows):
            cells = [b.label, str(b.count), format_rupiah(b.gross), format_rupiah(b.profit)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)


class ReportView(QWidget):
    loaded = Signal()

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None, *,
                 user: Callable[[], User | None] = lambda: None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self._user = user
        self.report: DailyReport | None = None
        self.title = label("", "large")
        self.day = QDateEdit()
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd-MM-yyyy")
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.today_button = QPushButton()
        self.today_button.clicked.connect(self.show_today)
        self.figures: dict[str, tuple[QLabel, QLabel]] = {}
        figures = QGridLayout()
        for col, key in enumerate(("count", "gross", "cost", "profit")):
            caption, value = label("", "caption"), label("", "huge")
            figures.addWidget(caption, 0, col)
            figures.addWidget(value, 1, col)
            self.figures[key] = (caption, value)
        self.failed = label("")
        self.failed.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.failed.setWordWrap(True)
        self.tables: dict[str, BreakdownTable] = {}
        self.captions: dict[str, QLabel] = {}
        splits = QGridLayout()
        for i, split in enumerate(SPLITS):
            caption, table = label("", "large"), BreakdownTable()
            splits.addWidget(caption, (i // 2) * 2, i % 2)
            splits.addWidget(table, (i // 2) * 2 + 1, i % 2)
            self.tables[split] = table
            self.captions[split] = caption
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.day)
        top.addWidget(self.today_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(figures)
        layout.addWidget(self.failed)
        self.backoffice = label("", "caption")  # kasbon and low stock, when there are any
        self.backoffice.setWordWrap(True)
        layout.addWidget(self.backoffice)
        layout.addLayout(splits, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("ui.report.title"))
        self.today_button.setText(tr("ui.history.today"))
        for key, (caption, _value) in self.figures.items():
            caption.setText(tr(f"ui.report.{key}"))
        for split, caption in self.captions.items():
            caption.setText(tr(f"ui.report.{split}"))
            self.tables[split].setHorizontalHeaderLabels([
                "", tr("ui.report.count_short"), tr("ui.report.gross"),
                tr("ui.report.profit")])
        if self.report is not None:
            self._render(self.report)

    def show_today(self) -> None:
        self.set_day(self._kiosk.today())

    def set_day(self, day: date) -> None:
        qdate = QDate(day.year, day.month, day.day)
        if self.day.date() == qdate:
            self.refresh()
        else:
            self.day.setDate(qdate)

    def selected_day(self) -> date:
        return self.day.date().toPython()  # type: ignore[return-value]

    def refresh(self) -> None:
        day = self.selected_day()
        reports, user = self._kiosk.reports, self._user()
        QueryOp(self, lambda: reports.daily_for(user, day)).success(self._loaded).failure(
            self._refused).run(self._tasks)

    def _refused(self, failure: OpFailure) -> None:
        """Another day's report for a clerk: the sentence says who may see it."""
        self.report = None
        for _caption, value in self.figures.values():
            value.setText("-")
        for table in self.tables.values():
            table.setRowCount(0)
        self.failed.setText(failure.message)
        self.failed.setVisible(True)
        self.loaded.emit()

    def _loaded(self, report: DailyReport) -> None:
        if report.date != self.selected_day():
            return
        self._render(report)
        self.loaded.emit()

    def _render(self, report: DailyReport) -> None:
        self.report = report
        values = {"count": str(report.count), "gross": format_rupiah(report.gross),
                  "cost": format_rupiah(report.cost), "profit": format_rupiah(report.profit)}
        for key, (caption, value) in self.figures.items():
            value.setText(values[key])
            shown = report.with_cost or key not in ("cost", "profit")
            caption.setVisible(shown)
            value.setVisible(shown)
        for split, table in self.tables.items():
            table.set_rows(getattr(report, split))
            table.setColumnHidden(3, not report.with_cost)
        parts = []
        owed = report.failed_count - report.failed_returned_count
        if owed:  # acknowledged refunds are no longer owed (core/acknowledgements.py)
            parts.append(tr("ui.report.failed", count=owed, amount=report.failed_amount))
        if report.failed_returned_count:
            parts.append(tr("notices.report_returned", count=report.failed_returned_count,
                            amount=report.failed_returned_amount))
        if report.pending_count:
            parts.append(tr("ui.report.pending", count=report.pending_count))
        self.failed.setText("  ".join(parts))
        self.failed.setVisible(bool(parts))
        from kiosk_pos.ui.report_backoffice import backoffice_text

        self.backoffice.setText(backoffice_text(report))
        self.backoffice.setVisible(bool(self.backoffice.text()))
