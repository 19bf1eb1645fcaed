"""The complaint part of History's detail: the "Komplain" button for a sale with a top-up,
the complaint's status and the distributor's newest answer, and "Cetak jawaban".

History hands it the selected sale (:meth:`ComplaintPanel.show_for`); it reads the sale's
complaint with a query operation and listens for answers from the change feed (the core's
``COMPLAINT_ANSWERED``, re-emitted here as a Qt signal so it is handled on the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_pos.core.complaints import (
    COMPLAINT_ANSWERED,
    ComplaintRecord,
    ComplaintState,
    answer_text,
)
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord, User
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.ui.complaint_dialog import ComplaintAnswerDialog, ComplaintDialog
from kiosk_pos.ui.operations import NetworkOp, QueryOp
from kiosk_pos.ui.tasks import TaskManager

ANSWER_SHOWN = 36  # characters of the desk's words on screen; "Cetak jawaban" has them all
STATE_COLOURS = {ComplaintState.QUEUED: "#8a6d00", ComplaintState.OPEN: "#0b5cad",
                 ComplaintState.ANSWERED: "#1b7a2f", ComplaintState.CLOSED: "#444"}


class ComplaintPanel(QWidget):
    answered = Signal(object)   # ComplaintRecord, from any thread
    shown = Signal()            # the selected sale's complaint is on screen
    changed = Signal(object)    # ComplaintRecord filed or answered (any sale), GUI thread

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._tasks = tasks
        self.sale: SaleRecord | None = None
        self.record: ComplaintRecord | None = None
        # who is logged in, and the printer: the main window's (History is one of its pages)
        self.user: Callable[[], User | None] = lambda: getattr(self.window(), "user", None)
        self.paper_width: Callable[[], int] = lambda: 58
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("caption")
        self.button = QPushButton(tr("complaints.button"))
        self.button.clicked.connect(self.open_dialog)
        self.print_button = QPushButton(tr("complaints.print_button"))
        self.print_button.clicked.connect(self.show_answer)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addLayout(row)
        self.answered.connect(self._on_answered)
        bus, emit = kiosk.events, self.answered.emit
        bus.register(COMPLAINT_ANSWERED, emit)
        self.destroyed.connect(lambda _o=None: bus.unregister(COMPLAINT_ANSWERED, emit))
        self.show_for(None)

    def retranslate(self) -> None:
        self.button.setText(tr("complaints.button"))
        self.print_button.setText(tr("complaints.print_button"))
        self._show(self.record)

    def show_for(self, sale: SaleRecord | None) -> None:
        """The selected sale (None: nothing selected)."""
        self.sale = sale
        self.record = None
        has_topup = sale is not None and bool(sale.topups)
        self.setVisible(has_topup)
        self._show(None)
        if sale is None or not has_topup:
            return
        sale_id = sale.id
        QueryOp(self, lambda: self._kiosk.complaints.for_sale(sale_id)
                ).success(lambda rec, sid=sale_id: self._loaded(sid, rec)).run(self._tasks)

    def _loaded(self, sale_id: int, record: ComplaintRecord | None) -> None:
        if self.sale is None or self.sale.id != sale_id:
            return  # another sale was selected meanwhile
        self._show(record)
        self.shown.emit()

    def _show(self, record: ComplaintRecord | None) -> None:
        self.record = record
        open_one = record is not None and record.status is not ComplaintState.CLOSED
        self.button.setEnabled(self.sale is not None and not open_one)
        self.print_button.setEnabled(record is not None)
        if record is None:
            self.status.setText("")
            self.status.hide()
            return
        colour = STATE_COLOURS.get(record.status, "#444")
        state = tr(f"complaints.state.{record.status.value}")
        self.status.setText(tr("complaints.panel", state=state.lower(),
                               answer=answer_text(record, ANSWER_SHOWN))
                            if record.answers else tr("complaints.panel_waiting", state=state))
        self.status.setToolTip(answer_text(record))
        self.status.setStyleSheet(f"color: {colour};")
        self.status.show()

    def _on_answered(self, record: ComplaintRecord) -> None:
        self.changed.emit(record)  # whichever sale: its History row shows the answer
        if self.sale is not None and record.sale_id == self.sale.id:
            self._show(record)
            self.shown.emit()

    def open_dialog(self) -> ComplaintDialog | None:
        if self.sale is None:
            return None
        dialog = ComplaintDialog(self._kiosk, self._tasks, self.sale, self.user(), self)
        dialog.filed.connect(self._show)
        dialog.filed.connect(self.changed.emit)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def document(self) -> ReceiptDocument | None:
        if self.record is None:
            return None
        from kiosk_pos.printing.complaint_answer import complaint_answer_document

        return complaint_answer_document(self.record, self._kiosk.info)

    def show_answer(self) -> ComplaintAnswerDialog | None:
        document = self.document()
        if document is None:
            return None
        dialog = ComplaintAnswerDialog(document, paper_width=self.paper_width(),
                                       on_print=self._print, parent=self)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _print(self, document: ReceiptDocument, _width: int) -> None:
        """Through the app's receipt printer (its queue); a sentence when there is none."""
        session: Any = getattr(self.window(), "session", None)
        printer = getattr(session, "printer", None)
        if printer is None or not printer.settings.configured:
            from kiosk_pos.errors import KioskError

            raise KioskError("ui.app.no_printer")
        NetworkOp(self, lambda: printer.print_document(document)).run(self._tasks)
