"""Pengaturan shift (the owner's): whether sales need an open shift, blind close (the clerk
counts before seeing expected), and the opening float the Shift screen suggests. Saved by
the core (``kiosk.shifts.configure``: the owner's permission, an audit row)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.cash_count import amount_field, field_amount
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import ERROR_COLOUR, OK_COLOUR, label


class ShiftSettingsView(QWidget):
    loaded = Signal()
    saved = Signal()
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.shifts.settings_title"), "large"))
        self.required = QCheckBox(tr("ui.shifts.required"))
        self.blind = QCheckBox(tr("ui.shifts.blind"))
        self.default_float = amount_field()
        self.default_float.setMaximumWidth(240)
        for box, explain in ((self.required, "ui.shifts.required_explain"),
                             (self.blind, "ui.shifts.blind_explain")):
            layout.addWidget(box)
            note = QLabel(tr(explain), wordWrap=True)
            note.setObjectName("caption")
            note.setContentsMargins(28, 0, 0, 8)
            layout.addWidget(note)
        form = QFormLayout()
        form.addRow(tr("ui.shifts.default_float"), self.default_float)
        layout.addLayout(form)
        self.save_button = QPushButton(tr("ui.staff.save"))
        self.save_button.setObjectName("primary")
        self.save_button.setMaximumWidth(320)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        layout.addStretch(1)
        shifts = kiosk.shifts
        QueryOp(self, lambda: (shifts.required(), shifts.blind_close(), shifts.default_float())
                ).success(self._show).failure(self._failed).run(tasks)

    def _show(self, values: tuple[bool, bool, int]) -> None:
        required, blind, default_float = values
        self.required.setChecked(required)
        self.blind.setChecked(blind)
        self.default_float.setText(str(default_float) if default_float else "")
        self.loaded.emit()

    def save(self) -> None:
        shifts, user = self._kiosk.shifts, self._user
        required, blind = self.required.isChecked(), self.blind.isChecked()
        default_float = field_amount(self.default_float) or 0
        WriteOp(self, lambda: shifts.configure(user, required=required, blind=blind,
                                               default_float=default_float)).success(
            self._saved).failure(self._failed).run(self._tasks)

    def _saved(self, _none: None) -> None:
        self.status.setText(tr("ui.shifts.saved"))
        self.status.setStyleSheet(f"color: {OK_COLOUR};")
        self.saved.emit()

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
        self.status.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.failed.emit(failure.message)
