"""Riwayat shift: past shifts (a clerk sees their own, a supervisor or owner every one), a page
at a time, and the chosen shift's Z report on screen, printed again or saved as PDF. The
reading is the core's (``kiosk.shifts.list`` and ``report``), through operations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.core.shifts import Shift, ShiftReport
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.shift_report import shift_report_document
from kiosk_pos.ui.operations import OpFailure, QueryOp
from kiosk_pos.ui.receipt_preview import ReceiptPreview
from kiosk_pos.ui.shift_view import rp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

PAGE = 30
PathChooser = Callable[[str], str | None]


def ask_pdf_path(suggested: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(None, tr("ui.shifts.save_pdf"), suggested,
                                          "PDF (*.pdf)")
    return path or None


class PastShiftsView(QWidget):
    listed = Signal()
    shown = Signal()      # a shift's Z report is on screen
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 print_document: Callable[[ReceiptDocument], object] | None = None,
                 paper_width: int = 58, choose_path: PathChooser = ask_pdf_path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._choose_path = choose_path
        self._zone = ZoneInfo(kiosk.timezone())
        self.shifts: list[Shift] = []
        self.report: ShiftReport | None = None
        self._more = False
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.shifts.past_title"), "large"))
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        left = QVBoxLayout()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([tr("ui.shifts.col.shift"),
                                              tr("ui.shifts.col.opened"),
                                              tr("ui.shifts.col.by"),
                                              tr("ui.shifts.col.difference")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._picked)
        left.addWidget(self.table, 1)
        self.more = QPushButton(tr("ui.shifts.more"))
        self.more.clicked.connect(self.load_more)
        left.addWidget(self.more)
        row.addLayout(left, 1)
        self.preview = ReceiptPreview(
            paper_width=paper_width,
            on_print=(lambda doc, _w: print_document(doc)) if print_document else None,
            on_save_pdf=self._save_pdf)
        row.addWidget(self.preview)
        layout.addLayout(row, 1)
        self._fetch(None)

    # -- the list ---------------------------------------------------------------------------
    def _fetch(self, before: int | None) -> None:
        shifts, user = self._kiosk.shifts, self._user
        self.more.setEnabled(False)
        QueryOp(self, lambda: shifts.list(user, PAGE + 1, before)).success(
            self._listed).failure(self._failed).run(self._tasks)

    def load_more(self) -> None:
        if self._more and self.shifts:
            self._fetch(self.shifts[-1].id)

    def _listed(self, shifts: list[Shift]) -> None:
        self._more = len(shifts) > PAGE
        first = len(self.shifts)
        self.shifts += shifts[:PAGE]
        self.table.setRowCount(len(self.shifts))
        for row, s in enumerate(self.shifts[first:], start=first):
            difference = s.difference
            cells = [f"#{s.id}", s.opened_at.astimezone(self._zone).strftime("%d-%m-%Y %H:%M"),
                     s.opened_by or tr("ui.shifts.implicit"),
                     tr("ui.shifts.open_now") if s.open else
                     (rp(difference) if difference is not None else "-")]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (0, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.more.setEnabled(self._more)
        if not self.shifts:
            self.status.setText(tr("shift.none"))
        self.listed.emit()

    # -- one shift's Z report ---------------------------------------------------------------
    def _picked(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.shifts):
            return
        shift_id, shifts, user = self.shifts[row].id, self._kiosk.shifts, self._user
        QueryOp(self, lambda: shifts.report(user, shift_id)).success(self._show).failure(
            self._failed).run(self._tasks)

    def show_shift(self, shift_id: int) -> None:
        for row, s in enumerate(self.shifts):
            if s.id == shift_id:
                self.table.selectRow(row)

    def _show(self, report: ShiftReport) -> None:
        self.report = report
        self.status.setText(tr("ui.shifts.showing", id=report.shift.id))
        self.preview.set_document(shift_report_document(report, self._kiosk.info))
        self.shown.emit()

    def _save_pdf(self, document: ReceiptDocument, width: int) -> None:
        from kiosk_pos.printing.pdf_render import render_pdf

        suggested = str(Path.home() / f"{document.reference or 'shift'}.pdf")
        path = self._choose_path(suggested)
        if path:
            render_pdf(document, width, Path(path))

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
        self.failed.emit(failure.message)
