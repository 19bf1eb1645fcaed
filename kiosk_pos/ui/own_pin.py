"""Ganti PIN saya: anyone changes their own PIN, the old one typed first (a wrong old PIN
counts towards their lockout). The core checks and hashes (``kiosk.staff.change_own_pin``),
off the UI thread; the new PIN is typed twice so a slip of the finger does not lock a
person out of their own till."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QPushButton, QVBoxLayout, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, WriteOp
from kiosk_pos.ui.staff_view import pin_field
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import ERROR_COLOUR, OK_COLOUR, label


class OwnPinView(QWidget):
    changed = Signal()
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.own_pin.title", name=user.name if user else "-"),
                               "large"))
        form = QFormLayout()
        self.old_pin, self.new_pin, self.again = pin_field(), pin_field(), pin_field()
        form.addRow(tr("ui.own_pin.old"), self.old_pin)
        form.addRow(tr("ui.own_pin.new"), self.new_pin)
        form.addRow(tr("ui.own_pin.again"), self.again)
        layout.addLayout(form)
        self.save_button = QPushButton(tr("ui.own_pin.save"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def save(self) -> None:
        old, new = self.old_pin.text(), self.new_pin.text()
        if new != self.again.text():
            self._failed_text(tr("ui.own_pin.mismatch"))
            return
        user, staff = self._user, self._kiosk.staff
        if user is None:
            self._failed_text(tr("ui.own_pin.login_first"))
            return
        self.save_button.setEnabled(False)
        WriteOp(self, lambda: staff.change_own_pin(user, old, new)).success(
            self._done).failure(self._failed).run(self._tasks)

    def _clear(self) -> None:
        for field in (self.old_pin, self.new_pin, self.again):
            field.clear()
        self.save_button.setEnabled(True)

    def _done(self, _none: None) -> None:
        self._clear()
        self.status.setText(tr("ui.own_pin.done"))
        self.status.setStyleSheet(f"color: {OK_COLOUR};")
        self.changed.emit()

    def _failed(self, failure: OpFailure) -> None:
        self._failed_text(failure.message)

    def _failed_text(self, text: str) -> None:
        self._clear()
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.failed.emit(text)
