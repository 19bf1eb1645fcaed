"""Mode latihan in the window: the coloured "MODE LATIHAN" strip above every screen, and
switching in and out with the owner's PIN (:mod:`kiosk_pos.training` holds the rules).

:func:`install` puts both on a :class:`MainWindow` from outside: the strip above its
screens (PIN pad included), and an entry at the end of its tools menu. A good owner's PIN
records which way to go in ``switch.to`` and closes the window; ``run_gui`` then opens
the other kiosk (the practice one in ``training/``, or the real one) in a new window. The
strip and the dialog are in ``ui/training_widgets.py``, loaded only when one is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from kiosk_pos.core.records import User
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.training_widgets import TrainingBanner, TrainingSwitchDialog


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
        from kiosk_pos.ui.training_widgets import TrainingSwitchDialog

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
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        from kiosk_pos.ui.training_widgets import TrainingBanner

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
