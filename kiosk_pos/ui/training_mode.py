"""Mode latihan in the window: the coloured "MODE LATIHAN" strip above every screen, and
switching in and out with the owner's PIN (:mod:`kiosk_pos.training` holds the rules).

:func:`install` puts both on a :class:`MainWindow` from outside: the strip above its
screens (PIN pad included), and an entry at the end of its tools menu. A good owner's PIN
records which way to go in ``switch.to`` and closes the window; ``run_gui`` then opens
the other kiosk (the practice one in ``training/``, or the real one) in a new window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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
    from PySide6.QtGui import QAction

    from kiosk_pos.core.records import User
    from kiosk_pos.ui.main_window import MainWindow

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


class TrainingSwitch:
    """The window's way in or out of training; ``to`` is None (stay), True or False."""

    def __init__(self, window: MainWindow, real_dir: Path, *, training: bool) -> None:
        self.window = window
        self.real_dir = Path(real_dir)
        self.training = training
        self.to: bool | None = None
        self.banner: TrainingBanner | None = None
        self.dialog: TrainingSwitchDialog | None = None

    def check(self, pin: str) -> User:
        from kiosk_pos.training import check_real_owner, check_switch

        if self.training:
            return check_real_owner(self.real_dir, pin)
        return check_switch(self.window.kiosk, pin)

    def open(self) -> TrainingSwitchDialog:
        dialog = TrainingSwitchDialog(self.check, leaving=self.training,
                                      tasks=self.window.tasks, parent=self.window)
        dialog.switched.connect(lambda _owner: self._go())
        dialog.open()
        self.dialog = dialog
        return dialog

    def _go(self) -> None:
        self.to = not self.training
        self.window.close()

    def menu_text(self) -> str:
        return tr("training.menu_leave" if self.training else "training.menu_enter")


def install(window: MainWindow, real_dir: Path, *, training: bool) -> TrainingSwitch:
    """The strip (in training) above the window's screens and the switch in its tools
    menu (after the tools it lists, each time the menu opens)."""
    switch = TrainingSwitch(window, real_dir, training=training)
    window.training_switch = switch  # type: ignore[attr-defined]  # for run_gui and tests
    if training:
        screens = window.takeCentralWidget()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        switch.banner = TrainingBanner()
        column.addWidget(switch.banner)
        column.addWidget(screens, 1)
        window.setCentralWidget(holder)
        banner = switch.banner

        def retitle() -> None:
            banner.retranslate()
            title = window.windowTitle()
            if not title.startswith("["):
                window.setWindowTitle(f"[{tr('training.title').upper()}] {title}")

        retitle()
        window.language.currentIndexChanged.connect(lambda _i: retitle())
    if window.tools_button is not None:
        menu = window.tools_button.menu()
        made: list[QAction] = []  # at the first opening: not on the start-up path

        def add() -> None:
            if not made:
                from PySide6.QtGui import QAction

                made.append(QAction(window))  # the window's: the menu's clear() leaves it be
                made[0].triggered.connect(lambda _checked=False: switch.open())
            made[0].setText(switch.menu_text())
            menu.addAction(made[0])

        menu.aboutToShow.connect(add)  # after the window fills the menu with its tools
    return switch
