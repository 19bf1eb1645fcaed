"""Pengguna: the owner's user management. Every user (disabled ones too, with any running
lock), and the owner's changes: add, rename, change role, reset a PIN, disable, unlock, and
after how many idle minutes the screen locks. The work is the core's (``kiosk.staff``: it
checks the owner's permission, refuses trivial owner PINs and writes the audit rows); the
screen starts operations, so PIN hashing never runs on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import Role, User
from kiosk_pos.core.staff import MAX_IDLE_LOCK, StaffMember
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import ERROR_COLOUR, OK_COLOUR, label


def role_text(role: Role) -> str:
    return tr(f"ui.staff.role.{role.value}")


def pin_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(8)
    return field


class StaffView(QWidget):
    listed = Signal()
    done = Signal(str)     # the sentence after a change
    failed = Signal(str)

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._zone = ZoneInfo(kiosk.timezone())
        self.members: list[StaffMember] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.staff.title"), "large"))
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("ui.staff.col.name"), tr("ui.staff.col.role"),
                                              tr("ui.staff.col.state")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.itemSelectionChanged.connect(self._picked)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(self._idle_row())
        row.addLayout(left, 3)
        row.addLayout(self._form(), 2)
        layout.addLayout(row, 1)
        self.refresh()

    def _form(self) -> QVBoxLayout:
        column = QVBoxLayout()
        who = QGroupBox(tr("ui.staff.person"))
        grid = QGridLayout(who)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.role = QComboBox()
        for role in (Role.CLERK, Role.SUPERVISOR, Role.OWNER):
            self.role.addItem(role_text(role), role)
        self.pin = pin_field()
        self.pin.setPlaceholderText(tr("ui.staff.pin_hint"))
        grid.addWidget(QLabel(tr("ui.staff.name")), 0, 0)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(QLabel(tr("ui.staff.role")), 1, 0)
        grid.addWidget(self.role, 1, 1)
        grid.addWidget(QLabel(tr("ui.staff.pin")), 2, 0)
        grid.addWidget(self.pin, 2, 1)
        self.add_button = QPushButton(tr("ui.staff.add"))
        self.add_button.setObjectName("primary")
        self.add_button.clicked.connect(self.add)
        grid.addWidget(self.add_button, 3, 0, 1, 2)
        column.addWidget(who)
        chosen = QGroupBox(tr("ui.staff.chosen"))
        buttons = QGridLayout(chosen)
        self.rename_button = QPushButton(tr("ui.staff.rename"))
        self.role_button = QPushButton(tr("ui.staff.set_role"))
        self.reset_button = QPushButton(tr("ui.staff.reset_pin"))
        self.unlock_button = QPushButton(tr("ui.staff.unlock"))
        self.disable_button = QPushButton(tr("ui.staff.disable"))
        for i, (button, action) in enumerate([
                (self.rename_button, self.rename), (self.role_button, self.set_role),
                (self.reset_button, self.reset_pin), (self.unlock_button, self.unlock),
                (self.disable_button, self.disable)]):
            button.clicked.connect(action)
            buttons.addWidget(button, i // 2, i % 2)
        column.addWidget(chosen)
        column.addWidget(self.status)
        column.addStretch(1)
        self._picked()
        return column

    def _idle_row(self) -> QHBoxLayout:
        """After how many idle minutes the screen locks (0: never)."""
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("ui.staff.idle_title"), wordWrap=True), 1)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, MAX_IDLE_LOCK)
        self.idle_minutes.setSuffix(tr("ui.staff.minutes_suffix"))
        self.idle_minutes.setMinimumWidth(130)
        self.idle_save = QPushButton(tr("ui.staff.save"))
        self.idle_save.clicked.connect(self.save_idle_lock)
        row.addWidget(self.idle_minutes)
        row.addWidget(self.idle_save)
        return row

    # -- reading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        staff, user = self._kiosk.staff, self._user
        QueryOp(self, lambda: (staff.list_all(user), staff.idle_lock_minutes())).success(
            self._show).failure(self._failed).run(self._tasks)

    def _show(self, loaded: tuple[list[StaffMember], int]) -> None:
        members, minutes = loaded
        chosen = self.chosen()
        self.members = members
        self.table.setRowCount(len(members))
        for row, m in enumerate(members):
            for col, text in enumerate([m.name, role_text(m.role), self._state(m)]):
                item = QTableWidgetItem(text)
                if not m.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, col, item)
        if chosen is not None:
            self.pick(chosen.id)
        self.idle_minutes.setValue(minutes)
        self._picked()
        self.listed.emit()

    def _state(self, m: StaffMember) -> str:
        if not m.active:
            return tr("ui.staff.state.disabled")
        if m.locked_until is not None:
            return tr("ui.staff.state.locked",
                      until=m.locked_until.astimezone(self._zone).strftime("%H:%M"))
        return tr("ui.staff.state.active")

    def chosen(self) -> StaffMember | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.members[row] if selected and 0 <= row < len(self.members) else None

    def pick(self, user_id: int) -> None:
        for row, m in enumerate(self.members):
            if m.id == user_id:
                self.table.selectRow(row)

    def _picked(self) -> None:
        m = self.chosen()
        for button in (self.rename_button, self.role_button, self.reset_button,
                       self.unlock_button, self.disable_button):
            button.setEnabled(m is not None and m.active)
        if m is not None:
            self.unlock_button.setEnabled(m.locked_until is not None)
            self.name.setText(m.name)
            self.role.setCurrentIndex(self.role.findData(m.role))

    # -- changing ---------------------------------------------------------------------------
    def _run(self, work: Callable[[], object], sentence: Callable[[], str]) -> None:
        def ok(_result: object) -> None:
            self.pin.clear()
            self._say(sentence(), OK_COLOUR)
            self.done.emit(self.status.text())
            self.refresh()

        WriteOp(self, work).success(ok).failure(self._failed).run(self._tasks)

    def add(self) -> None:
        staff, user = self._kiosk.staff, self._user
        name, role, pin = self.name.text(), Role(self.role.currentData()), self.pin.text()
        self._run(lambda: staff.add(user, name, role, pin),
                  lambda: tr("user.added", name=name.strip(), role=role_text(role)))

    def rename(self) -> None:
        m, staff, user, new = self.chosen(), self._kiosk.staff, self._user, self.name.text()
        if m is not None:
            self._run(lambda: staff.rename(user, m.name, new),
                      lambda: tr("ui.staff.renamed", old=m.name, new=new.strip()))

    def set_role(self) -> None:
        m, staff, user = self.chosen(), self._kiosk.staff, self._user
        role = Role(self.role.currentData())
        if m is not None:
            self._run(lambda: staff.set_role(user, m.name, role),
                      lambda: tr("ui.staff.role_set", name=m.name, role=role_text(role)))

    def reset_pin(self) -> None:
        m, staff, user, pin = self.chosen(), self._kiosk.staff, self._user, self.pin.text()
        if m is not None:
            self._run(lambda: staff.reset_pin(user, m.name, pin),
                      lambda: tr("user.pin_set", name=m.name))

    def unlock(self) -> None:
        m, staff, user = self.chosen(), self._kiosk.staff, self._user
        if m is not None:
            self._run(lambda: staff.unlock(user, m.name), lambda: tr("user.unlocked", name=m.name))

    def disable(self) -> None:
        m, staff, user = self.chosen(), self._kiosk.staff, self._user
        if m is not None:
            self._run(lambda: staff.disable(user, m.name),
                      lambda: tr("user.disabled", name=m.name))

    def save_idle_lock(self) -> None:
        staff, user, minutes = self._kiosk.staff, self._user, self.idle_minutes.value()
        self._run(lambda: staff.set_idle_lock(user, minutes),
                  lambda: tr("ui.staff.idle_saved", minutes=minutes) if minutes
                  else tr("ui.staff.idle_off"))

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

    def _failed(self, failure: OpFailure) -> None:
        self._say(failure.message, ERROR_COLOUR)
        self.failed.emit(failure.message)
