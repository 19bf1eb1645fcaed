"""Login: pick your name, then your PIN (numeric keypad buttons for touch, the keyboard
for speed). The names of the active users are listed (names only, never roles); a wrong PIN
after a name counts towards that user's lockout. A PIN typed with no name picked is checked
as before, against the anonymous PIN-only counter (kiosk_pos/core/lockout.py)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import TOUCH_PX, centre_text, label, no_focus


class LoginScreen(QWidget):
    logged_in = Signal(object)  # User
    names_loaded = Signal()

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._names_asked = 0  # the latest read of the names; an older answer is dropped
        self._kiosk = kiosk
        self._tasks = tasks
        self.chosen: str | None = None  # the name picked, if any
        self.names = QListWidget()
        self.names.setObjectName("login_names")
        self.names.setFixedWidth(260)
        no_focus(self.names)
        self.names.itemClicked.connect(self._name_clicked)
        self.names.setStyleSheet(
            "QListWidget#login_names { font-size: 18pt; }"
            "QListWidget#login_names::item { padding: 4px 12px; border-bottom: 1px solid #dde2e7; }"
            "QListWidget#login_names::item:selected { background: #0b5cad; color: white; }")
        self.names_caption = label("", "caption")
        self.title = label("", "huge")
        centre_text(self.title)
        self.prompt = label("", "large")
        centre_text(self.prompt)
        self.pin = QLineEdit()
        self.pin.setObjectName("big")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        centre_text(self.pin)
        self.pin.setMaxLength(12)
        self.pin.setFixedWidth(3 * 110 + 2 * 10)
        self.pin.returnPressed.connect(self.submit)
        self.pin.textEdited.connect(lambda _t: self.error.clear())
        self.error = label("", "error")
        self.error.setWordWrap(True)
        centre_text(self.error)
        self.error.setFixedWidth(520)

        pad = QGridLayout()
        pad.setSpacing(10)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"]):
            button = QPushButton()
            button.setFixedSize(110, TOUCH_PX + 16)
            no_focus(button)
            button.clicked.connect(lambda _c=False, k=key: self._press(k))
            if key == "ok":
                button.setObjectName("primary")
            self.keys[key] = button
            pad.addWidget(button, i // 3, i % 3)

        column = QVBoxLayout()
        column.addStretch(2)
        column.addWidget(self.title)
        column.addSpacing(12)
        column.addWidget(self.prompt)
        column.addSpacing(8)
        column.addLayout(_centred(self.pin))
        column.addLayout(_centred(self.error))
        column.addSpacing(8)
        column.addLayout(pad)
        column.addStretch(3)
        people = QVBoxLayout()
        people.addStretch(2)
        people.addWidget(self.names_caption)
        people.addWidget(self.names, 6)
        people.addStretch(3)
        row = QHBoxLayout(self)
        row.addStretch(1)
        row.addLayout(people)
        row.addSpacing(24)
        row.addLayout(column)
        row.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self._kiosk.info.name)
        self._show_prompt()
        self.names_caption.setText(tr("ui.login.pick_name"))
        self.pin.setPlaceholderText(tr("ui.login.placeholder"))
        for key, button in self.keys.items():
            button.setText({"del": tr("ui.login.erase"), "ok": tr("ui.login.enter")}.get(key, key))
        self.error.clear()

    def reset(self, names: list[str] | None = None) -> None:
        """An empty pad, no name picked; the names as given, else read afresh."""
        self.pin.clear()
        self.error.clear()
        self.choose(None)
        self.pin.setFocus()
        if names is None:
            self.load_names()
        else:
            self.set_names(names)

    # -- the names ---------------------------------------------------------------------------
    def load_names(self) -> None:
        """The active users' names, read beside the writer (never on the UI thread)."""
        users = self._kiosk.users
        self._names_asked += 1
        asked = self._names_asked

        def loaded(names: list[str]) -> None:
            if asked == self._names_asked:  # an older read (before a user was added) is stale
                self.set_names(names)

        QueryOp(self, lambda: [u.name for u in users.list()]).success(loaded).run(self._tasks)

    def set_names(self, names: list[str]) -> None:
        self.names.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setSizeHint(QSize(240, TOUCH_PX))
            self.names.addItem(item)
        self.names.setVisible(bool(names))
        self.names_caption.setVisible(bool(names))
        self.choose(self.chosen if self.chosen in names else None)
        self.names_loaded.emit()

    def choose(self, name: str | None) -> None:
        """Pick ``name`` (None: no name, the PIN alone)."""
        self.chosen = name
        for i in range(self.names.count()):
            item = self.names.item(i)
            item.setSelected(item.text() == name)
        if name is None:
            self.names.clearSelection()
        self.error.clear()
        self._show_prompt()
        self.pin.setFocus()

    def _name_clicked(self, item: QListWidgetItem) -> None:
        """A tap picks the name; a tap on the picked name lets it go."""
        self.choose(None if item.text() == self.chosen else item.text())

    def _show_prompt(self) -> None:
        self.prompt.setText(tr("ui.login.prompt_for", name=self.chosen) if self.chosen
                            else tr("ui.login.prompt"))

    def _press(self, key: str) -> None:
        if key == "ok":
            self.submit()
            return
        if key == "del":
            self.pin.backspace()
        else:
            self.pin.insert(key)
        self.pin.setFocus()

    def submit(self) -> None:
        """Check the PIN off the UI thread (the slow hash must not freeze the screen). A
        write: a PIN hashed at an old cost is re-hashed on a good login."""
        pin, name = self.pin.text(), self.chosen
        self.pin.setEnabled(False)
        users = self._kiosk.users
        WriteOp(self, lambda: users.authenticate(pin, name)).success(
            self._accepted).failure(self._refused).run(self._tasks)

    def _accepted(self, user: User) -> None:
        self.pin.setEnabled(True)
        self.pin.clear()
        self.error.clear()
        self.choose(None)
        self.logged_in.emit(user)

    def _refused(self, failure: OpFailure) -> None:
        self.pin.setEnabled(True)
        self.error.setText(failure.message)
        self.pin.clear()
        self.pin.setFocus()


def _centred(widget: QWidget) -> QHBoxLayout:
    """``widget`` (of a fixed width) in the middle of a row: what a layout's AlignHCenter
    does, without PySide's Qt namespace before the first paint (see ui/theme.py)."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row
