"""Shift: open it with a counted float, kas masuk / kas keluar with a reason, and close it
with the drawer counted (expected, counted, selisih and what makes expected), then the Z
report. The work is the core's (``kiosk.shifts``); the screen starts operations. In blind
close the clerk sees expected only after the count is saved."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from pulsa_protocol.money import format_rupiah
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.core.shifts import Shift, ShiftReport
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.shift_report import shift_report_document
from kiosk_pos.ui.cash_count import CashCount, amount_field, field_amount
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.receipt_preview import ReceiptPreview
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

PrintDocument = Callable[[ReceiptDocument], object]


def rp(amount: int) -> str:
    return format_rupiah(amount) if amount >= 0 else "-" + format_rupiah(-amount)


class ShiftView(QWidget):
    loaded = Signal()
    done = Signal(str)  # the sentence after an open, a cash movement or a close

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 print_document: PrintDocument | None = None, paper_width: int = 58,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._print = print_document
        self.report: ShiftReport | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.shift.title"), "large"))
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._open_page())
        self.pages.addWidget(self._running_page())
        self.preview = ReceiptPreview(paper_width=paper_width, on_print=(
            (lambda doc, _w: print_document(doc)) if print_document else None))
        self.pages.addWidget(self.preview)
        layout.addWidget(self.pages, 1)
        self.refresh()

    # -- pages ------------------------------------------------------------------------------
    def _open_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(tr("ui.shift.float_explain"), wordWrap=True))
        self.float_count = CashCount()
        self.float_count.setMaximumWidth(640)
        layout.addWidget(self.float_count)
        self.open_button = QPushButton(tr("ui.shift.open"))
        self.open_button.setObjectName("primary")
        self.open_button.setMaximumWidth(640)
        self.open_button.clicked.connect(self.open_shift)
        layout.addWidget(self.open_button)
        layout.addStretch(1)
        return page

    def _running_page(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        left = QVBoxLayout()
        cash = QGroupBox(tr("ui.shift.cash_title"))
        grid = QGridLayout(cash)
        self.cash_amount = amount_field()
        self.cash_reason = QLineEdit()
        self.cash_reason.setPlaceholderText(tr("ui.shift.reason_hint"))
        grid.addWidget(QLabel(tr("ui.shift.amount")), 0, 0)
        grid.addWidget(self.cash_amount, 0, 1, 1, 2)
        grid.addWidget(QLabel(tr("ui.shift.reason")), 1, 0)
        grid.addWidget(self.cash_reason, 1, 1, 1, 2)
        self.cash_in = QPushButton(tr("ui.shift.cash_in"))
        self.cash_out = QPushButton(tr("ui.shift.cash_out"))
        self.cash_in.clicked.connect(lambda: self.move_cash("in"))
        self.cash_out.clicked.connect(lambda: self.move_cash("out"))
        grid.addWidget(self.cash_in, 2, 1)
        grid.addWidget(self.cash_out, 2, 2)
        left.addWidget(cash)
        figures = QGroupBox(tr("ui.shift.expected_title"))
        figures_layout = QVBoxLayout(figures)
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        figures_layout.addWidget(self.figures)
        left.addWidget(figures, 1)
        row.addLayout(left, 1)
        close = QGroupBox(tr("ui.shift.close_title"))
        close_layout = QVBoxLayout(close)
        close_layout.addWidget(QLabel(tr("ui.shift.count_explain"), wordWrap=True))
        self.drawer_count = CashCount()
        self.drawer_count.changed.connect(self._show_difference)
        close_layout.addWidget(self.drawer_count)
        self.difference = label("", "caption")
        self.difference.setWordWrap(True)
        close_layout.addWidget(self.difference)
        self.close_button = QPushButton(tr("ui.shift.close"))
        self.close_button.setObjectName("primary")
        self.close_button.clicked.connect(self.close_shift)
        close_layout.addWidget(self.close_button)
        close_layout.addStretch(1)
        row.addWidget(close, 1)
        return page

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        kiosk, user = self._kiosk, self._user

        def read() -> tuple[ShiftReport | None, int]:
            current = kiosk.shifts.current()
            if current is None or current.implicit:
                return None, kiosk.shifts.default_float()
            return kiosk.shifts.report(user, current.id), 0

        QueryOp(self, read).success(lambda got: self._show(*got)).failure(self._failed
                                                                          ).run(self._tasks)

    def _show(self, report: ShiftReport | None, default_float: int = 0) -> None:
        self.report = report
        if report is None:
            if default_float and self.float_count.total() is None:  # the owner's usual float
                self.float_count.total_field.setText(str(default_float))
            self.status.setText(tr("ui.shift.none_open"))
            self.pages.setCurrentIndex(0)
        else:
            self.status.setText(self._heading(report.shift))
            self.figures.setText(self._figures_text(report))
            self._show_difference()
            self.pages.setCurrentIndex(1)
        self.loaded.emit()

    def _heading(self, shift: Shift) -> str:
        zone = ZoneInfo(self._kiosk.timezone())
        opened = shift.opened_at.astimezone(zone).strftime("%d-%m-%Y %H:%M")
        return tr("ui.shift.running", id=shift.id, name=shift.opened_by or "-", when=opened,
                  amount=shift.opening_float)

    def _show_difference(self) -> None:
        """The selisih as the clerk counts (not in blind close: there it shows once saved)."""
        report, counted = self.report, self.drawer_count.total()
        if report is None or report.blind or counted is None or not report.shift.open:
            self.difference.clear()
            return
        self.difference.setText(tr("ui.shift.live_difference",
                                   expected=rp(report.figures.expected),
                                   difference=rp(counted - report.figures.expected)))

    @staticmethod
    def _figures_text(report: ShiftReport) -> str:
        if report.blind:
            return tr("shift.blind")
        f = report.figures
        lines = [f"{tr('shift.part.' + key)}: {rp(amount)}"
                 for key, amount in f.parts().items() if amount or key == "opening_float"]
        lines.append(f"<b>{tr('ui.shift.expected')}: {rp(f.expected)}</b>")
        return "<br>".join(lines)

    # -- changing ---------------------------------------------------------------------------
    def open_shift(self) -> None:
        total, counts = self.float_count.value()
        kiosk, user = self._kiosk, self._user
        WriteOp(self, lambda: kiosk.shifts.open(user, total, counts)).success(
            self._opened).failure(self._failed).run(self._tasks)

    def _opened(self, shift: Shift) -> None:
        self.float_count.clear()
        self.done.emit(tr("shift.opened", id=shift.id, amount=shift.opening_float))
        self.refresh()

    def move_cash(self, kind: str) -> None:
        amount = field_amount(self.cash_amount) or 0
        reason = self.cash_reason.text()
        kiosk, user = self._kiosk, self._user
        WriteOp(self, lambda: kiosk.shifts.cash(user, kind, amount, reason)).success(
            lambda _id: self._moved(kind, amount)).failure(self._failed).run(self._tasks)

    def _moved(self, kind: str, amount: int) -> None:
        self.cash_amount.clear()
        self.cash_reason.clear()
        self.done.emit(tr("shift.cash_done", kind=tr(f"shift.kind_{kind}"), amount=amount))
        self.refresh()

    def close_shift(self) -> None:
        total, counts = self.drawer_count.value()
        kiosk, user = self._kiosk, self._user
        WriteOp(self, lambda: kiosk.shifts.close(user, total, counts)).success(
            self._closed).failure(self._failed).run(self._tasks)

    def _closed(self, report: ShiftReport) -> None:
        """The count is saved: now expected, counted and the selisih show (blind or not),
        with the Z report to print."""
        self.report = report
        s = report.shift
        self.drawer_count.clear()
        self.status.setText(tr("shift.closed", id=s.id, expected=s.expected or 0,
                               counted=s.counted or 0, difference=s.difference or 0))
        self.preview.set_document(shift_report_document(report, self._kiosk.info))
        self.pages.setCurrentIndex(2)
        self.done.emit(self.status.text())

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
        self.loaded.emit()
