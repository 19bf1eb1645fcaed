"""Cadangan data: the owner's backups screen. The list of backups, a backup now (here or
to a USB stick / synced folder), and restoring one after saying what it holds. The work
is the core's (``kiosk.backups``, owner only); the screen starts operations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.backups import BackupInfo, parse_name
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

Confirm = Callable[[str], bool]       # the question -> yes?
ChooseFolder = Callable[[], str | None]


def ask_yes(question: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, tr("ui.backup.title"), question,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    return box.exec() == QMessageBox.StandardButton.Yes


def ask_folder() -> str | None:
    return QFileDialog.getExistingDirectory(None, tr("ui.backup.choose_folder")) or None


class BackupsView(QWidget):
    restored = Signal(object)  # BackupInfo: the data changed under the app; it must reopen
    listed = Signal()

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager, *,
                 confirm: Confirm = ask_yes, choose_folder: ChooseFolder = ask_folder,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._confirm, self._choose_folder = confirm, choose_folder
        self._zone = ZoneInfo(kiosk.timezone())
        self.backups: list[BackupInfo] = []
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.backup.title"), "large"))
        explain = QLabel(tr("ui.backup.explain", folder=str(kiosk.backups.folder)))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([tr("ui.backup.col.time"),
                                              tr("ui.backup.col.kind"),
                                              tr("ui.backup.col.size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.backup_now = QPushButton(tr("ui.backup.now"))
        self.backup_now.setObjectName("primary")
        self.backup_now.clicked.connect(lambda: self.make_backup(None))
        self.export = QPushButton(tr("ui.backup.export"))
        self.export.clicked.connect(self._export)
        self.restore_button = QPushButton(tr("ui.backup.restore"))
        self.restore_button.clicked.connect(self._restore_selected)
        for button in (self.backup_now, self.export, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = label("", "caption")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()

    # -- list ------------------------------------------------------------------------------
    def refresh(self) -> None:
        QueryOp(self, self._kiosk.backups.list_backups).success(self._listed).failure(
            self._failed).run(self._tasks)

    def _listed(self, backups: list[BackupInfo]) -> None:
        self.backups = backups
        self.table.setRowCount(len(backups))
        for row, info in enumerate(backups):
            parsed = parse_name(info.path.name, self._zone)
            kind = parsed[1] if parsed else "manual"
            cells = [self._when(info), tr(f"ui.backup.kind.{kind}"),
                     f"{max(1, info.size // 1024):,} KB".replace(",", ".")]
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))
        if backups:
            self.table.selectRow(0)
        elif not self.status.text():  # a sentence from an action stays (it came later)
            self.status.setText(tr("ui.backup.none"))
        self.restore_button.setEnabled(bool(backups))
        self.listed.emit()

    def _when(self, info: BackupInfo) -> str:
        return info.taken_at.astimezone(self._zone).strftime("%d-%m-%Y %H:%M")

    # -- backup ----------------------------------------------------------------------------
    def make_backup(self, folder: Path | None) -> None:
        user = self._user
        self.status.setText(tr("ui.backup.working"))
        QueryOp(self, lambda: self._kiosk.backups.make_backup(user, folder)).success(
            self._made).failure(self._failed).run(self._tasks)

    def _export(self) -> None:
        folder = self._choose_folder()
        if folder:
            self.make_backup(Path(folder))

    def _made(self, info: BackupInfo) -> None:
        self.status.setText(tr("ui.backup.done", path=str(info.path)))
        self.refresh()

    # -- restore ---------------------------------------------------------------------------
    def _restore_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.backups):
            self.ask_restore(self.backups[row].path)

    def ask_restore(self, path: Path) -> None:
        """Say what the file holds first; restore only when the owner says yes."""
        QueryOp(self, lambda: self._kiosk.backups.details(path)).success(
            self._confirm_restore).failure(self._failed).run(self._tasks)

    def _confirm_restore(self, info: BackupInfo) -> None:
        question = tr("ui.backup.confirm", when=self._when(info),
                      sales=info.sale_count or 0, last=info.last_sale_id or "-")
        if not self._confirm(question):
            return
        user = self._user
        self.status.setText(tr("ui.backup.working"))
        WriteOp(self, lambda: self._kiosk.backups.restore(user, info.path)).success(
            self._restored).failure(self._failed).run(self._tasks)

    def _restored(self, info: BackupInfo) -> None:
        self.status.setText(tr("ui.backup.restored", when=self._when(info),
                               aside=str(info.aside)))
        self.restored.emit(info)

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
