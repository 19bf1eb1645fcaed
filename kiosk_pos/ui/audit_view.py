"""Jejak audit: the owner's view of the audit trail, filtered by person, kind of action and
days, read a page at a time (``kiosk.audit.page``) and appended row by row to a Qt model as
the owner asks for older rows: the whole table is never loaded."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.audit import ACTION_FILTERS, AuditEntry, AuditPage
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import OpFailure, QueryOp
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import label

Index = QModelIndex | QPersistentModelIndex


def action_text(action: str) -> str:
    """The action in the UI's words (the stored name when it has none)."""
    key = f"audit.action.{action}"
    text = tr(key)
    return action if text == key else text


def detail_text(detail: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in detail.items() if v is not None)


class AuditModel(QAbstractTableModel):
    COLUMNS = ("time", "user", "action", "approver", "detail")

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self._zone = zone
        self.entries: list[AuditEntry] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(f"ui.audit.col.{self.COLUMNS[section]}")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or not index.isValid():
            return None
        e = self.entries[index.row()]
        return (e.created_at.astimezone(self._zone).strftime("%d-%m-%Y %H:%M"),
                e.user_name or "-", action_text(e.action), e.approver_name or "",
                detail_text(e.detail))[index.column()]

    def clear(self) -> None:
        self.beginResetModel()
        self.entries = []
        self.endResetModel()

    def append(self, entries: list[AuditEntry]) -> None:
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.endInsertRows()


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    return edit


class AuditView(QWidget):
    loaded = Signal()

    def __init__(self, kiosk: Kiosk, user: User | None, tasks: TaskManager,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kiosk, self._user, self._tasks = kiosk, user, tasks
        self._page: AuditPage | None = None
        self._asked = 0  # the latest request: an older answer is dropped
        layout = QVBoxLayout(self)
        layout.addWidget(label(tr("ui.audit.title"), "large"))
        filters = QHBoxLayout()
        self.who = QComboBox()
        self.who.addItem(tr("ui.audit.everyone"), None)
        self.action = QComboBox()
        self.action.addItem(tr("ui.audit.every_action"), None)
        for prefix in ACTION_FILTERS:
            self.action.addItem(action_text(prefix), prefix)
        today = kiosk.today()
        self.first, self.last = _date_edit(today), _date_edit(today)
        filters.addWidget(self.who, 2)
        filters.addWidget(self.action, 3)
        filters.addWidget(QLabel(tr("ui.audit.from")))
        filters.addWidget(self.first)
        filters.addWidget(QLabel(tr("ui.audit.to")))
        filters.addWidget(self.last)
        layout.addLayout(filters)
        self.model = AuditModel(ZoneInfo(kiosk.timezone()))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)  # the detail takes what is left
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.status = label("", "caption")
        self.more = QPushButton(tr("ui.audit.more"))
        self.more.clicked.connect(self.load_more)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more)
        layout.addLayout(bottom)
        for combo in (self.who, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.first, self.last):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self._load_people()
        self.refresh()

    def _load_people(self) -> None:
        staff, user = self._kiosk.staff, self._user
        QueryOp(self, lambda: [m.name for m in staff.list_all(user)]).success(
            self._people).run(self._tasks)

    def _people(self, names: list[str]) -> None:
        self.who.blockSignals(True)
        for name in names:
            self.who.addItem(name, name)
        self.who.blockSignals(False)

    # -- pages ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The first page for the filters as they are now."""
        self.model.clear()
        self._page = None
        self._fetch(None)

    def load_more(self) -> None:
        if self._page is not None and self._page.more:
            self._fetch(self._page.cursor)

    def _fetch(self, after: tuple[datetime, int] | None) -> None:
        self._asked += 1
        asked = self._asked
        audit, user = self._kiosk.audit, self._user
        who, action = self.who.currentData(), self.action.currentData()
        first: date = self.first.date().toPython()  # type: ignore[assignment]
        last: date = self.last.date().toPython()  # type: ignore[assignment]
        self.more.setEnabled(False)
        QueryOp(self, lambda: audit.page(user, first, last, who=who, action=action,
                                         after=after)).success(
            lambda page: self._arrived(asked, page)).failure(self._failed).run(self._tasks)

    def _arrived(self, asked: int, page: AuditPage) -> None:
        if asked != self._asked:
            return  # the filters changed meanwhile
        self._page = page
        self.model.append(page.entries)
        for column in range(AuditModel.COLUMNS.index("detail")):  # whole times and names
            self.table.resizeColumnToContents(column)
        self.more.setEnabled(page.more)
        count = self.model.rowCount()
        self.status.setText(tr("ui.audit.shown_more" if page.more else "ui.audit.shown",
                               count=count) if count else tr("ui.audit.none"))
        self.loaded.emit()

    def _failed(self, failure: OpFailure) -> None:
        self.status.setText(failure.message)
        self.loaded.emit()
