"""The widgets of mode latihan (ui/training_mode.py puts them on the window): the coloured
"MODE LATIHAN" strip, and the dialog that takes the owner's PIN to switch in or out. Loaded
only in training or when the switch is opened, not by every start of the real counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, WriteOp
from kiosk_pos.ui.theme import ERROR_COLOUR, TOUCH_PX, centre_text

if TYPE_CHECKING:
    from kiosk_pos.core.records import User

BANNER_BG = "#d35400"  # orange: unlike any status colour, seen from across the counter


class TrainingBanner(QLabel):
    """The strip: always on top of the window while the practice kiosk is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingBanner")
        self.setWordWrap(True)
        centre_text(self)
        self.setStyleSheet(f"background: {BANNER_BG}; color: white; font-weight: bold;"
                           " padding: 6px;")
        self.retranslate()

    def retranslate(self) -> None:
        self.setText(tr("training.banner"))


class TrainingSwitchDialog(QDialog):
    """The owner's PIN, checked off the GUI thread by ``check`` (which raises a sentence)."""

    switched = Signal(object)  # the owner (User)

    def __init__(self, check: Callable[[str], User], *, leaving: bool, tasks: object,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self._tasks = tasks
        self.setWindowTitle(tr("training.title"))
        self.explain = QLabel(tr("training.dialog_leave" if leaving else "training.dialog_enter"))
        self.explain.setWordWrap(True)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(12)
        self.pin.setPlaceholderText(tr("training.owner_pin"))
        self.pin.returnPressed.connect(self.submit)
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.go = QPushButton(tr("training.switch"))
        self.go.setObjectName("primary")
        self.go.setMinimumHeight(TOUCH_PX)
        self.go.clicked.connect(self.submit)
        cancel = QPushButton(tr("training.cancel"))
        cancel.setMinimumHeight(TOUCH_PX)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.go)
        layout = QVBoxLayout(self)
        for widget in (self.explain, QLabel(tr("training.owner_pin")), self.pin, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(560, 320)

    def submit(self) -> None:
        pin = self.pin.text()
        if not pin or not self.go.isEnabled():
            return
        self.go.setEnabled(False)
        self.message.setStyleSheet("")
        self.message.setText(tr("training.checking"))
        WriteOp(self, lambda: self._check(pin)).success(self._passed).failure(
            self._refused).run(self._tasks)  # type: ignore[arg-type]

    def _passed(self, owner: User) -> None:
        self.switched.emit(owner)
        self.accept()

    def _refused(self, failure: OpFailure) -> None:
        self.go.setEnabled(True)
        self.pin.clear()
        self.message.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.message.setText(failure.message)
