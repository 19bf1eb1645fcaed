"""Komplain: a small dialog to complain about a sale's top-up, and the answer's printout.

The reason is one of four buttons ("Pulsa belum masuk", "Salah nomor", "Token tidak bisa
dipakai", "Lainnya"); "Lainnya" needs a note. Filing is a write operation through
:meth:`kiosk_pos.core.complaints.ComplaintService.file` (which checks the user and the
rules); the complaint then waits in the outbox until the distributor has it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.complaints import MAX_NOTE, ComplaintReason, ComplaintRecord
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord, User
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.ui.operations import OpFailure, WriteOp
from kiosk_pos.ui.receipt_dialog import PathChooser, ask_pdf_path
from kiosk_pos.ui.receipt_preview import ReceiptPreview
from kiosk_pos.ui.recent import line_label
from kiosk_pos.ui.tasks import TaskManager

TOUCH_PX = 48


class ComplaintDialog(QDialog):
    filed = Signal(object)  # ComplaintRecord

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, sale: SaleRecord, user: User | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self.sale = sale
        self._user = user
        self.record: ComplaintRecord | None = None
        self.setWindowTitle(tr("complaints.dialog.title", id=sale.id))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        title = QLabel(tr("complaints.dialog.title", id=sale.id))
        title.setObjectName("large")
        layout.addWidget(title)
        line = next((ln for ln in sale.lines if ln.topup is not None), None)
        self.about = QLabel(line_label(line, " · ") if line is not None else "")
        self.about.setWordWrap(True)
        layout.addWidget(self.about)
        layout.addWidget(QLabel(tr("complaints.dialog.reason")))
        grid = QGridLayout()
        self.reasons = QButtonGroup(self)
        self.reason_buttons: dict[ComplaintReason, QPushButton] = {}
        for i, reason in enumerate(ComplaintReason):
            button = QPushButton(tr(f"complaints.reason.{reason.value}"), checkable=True)
            button.setMinimumHeight(TOUCH_PX)
            self.reasons.addButton(button, i)
            self.reason_buttons[reason] = button
            grid.addWidget(button, i // 2, i % 2)
        self.reason_buttons[ComplaintReason.NOT_RECEIVED].setChecked(True)
        layout.addLayout(grid)
        layout.addWidget(QLabel(tr("complaints.dialog.note")))
        self.note = QLineEdit()
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText(tr("complaints.dialog.note_hint"))
        self.note.setMinimumHeight(TOUCH_PX)
        layout.addWidget(self.note)
        self.error = QLabel("")
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.cancel = QPushButton(tr("complaints.dialog.cancel"))
        self.cancel.clicked.connect(self.reject)
        self.send = QPushButton(tr("complaints.dialog.send"))
        self.send.setObjectName("primary")
        self.send.clicked.connect(self.submit)
        for button in (self.cancel, self.send):
            button.setMinimumHeight(TOUCH_PX)
        buttons.addWidget(self.cancel, 1)
        buttons.addWidget(self.send, 2)
        layout.addLayout(buttons)

    def reason(self) -> ComplaintReason:
        for reason, button in self.reason_buttons.items():
            if button.isChecked():
                return reason
        return ComplaintReason.NOT_RECEIVED

    def submit(self) -> None:
        self.send.setEnabled(False)
        self.error.hide()
        reason, note = self.reason(), self.note.text()
        WriteOp(self, lambda: self._kiosk.complaints.file(self._user, self.sale.id, reason,
                                                          note)
                ).success(self._done).failure(self._refused).run(self._tasks)

    def _done(self, record: ComplaintRecord) -> None:
        self.record = record
        self.filed.emit(record)
        self.accept()

    def _refused(self, failure: OpFailure) -> None:
        self.send.setEnabled(True)
        self.error.setText(failure.message)
        self.error.show()


class ComplaintAnswerDialog(QDialog):
    """The answer as the customer's printout: print it, or save it as PDF."""

    def __init__(self, document: ReceiptDocument, *, paper_width: int = 58,
                 on_print: Callable[[ReceiptDocument, int], None] | None = None,
                 choose_path: PathChooser = ask_pdf_path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choose_path = choose_path
        self.setWindowTitle(document.title)
        self.preview = ReceiptPreview(document, paper_width=paper_width, on_print=on_print,
                                      on_save_pdf=self._save_pdf)
        QVBoxLayout(self).addWidget(self.preview)
        self.resize(520, 700)

    def _save_pdf(self, document: ReceiptDocument, width: int) -> None:
        from kiosk_pos.printing.pdf_render import render_pdf

        path = self._choose_path(str(Path.home() / f"{document.reference}.pdf"))
        if path:
            render_pdf(document, width, path)
