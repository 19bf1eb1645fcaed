"""Non-blocking notices above the screen (a failed top-up: hand the customer's money back)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import label

MAX_NOTICES = 5


class Notice(QFrame):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.text = label(text, "large")
        self.text.setWordWrap(True)
        self.close_button = QPushButton(tr("ui.notice.done"))
        self.close_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.close_button)

    def dismiss(self) -> None:
        self.hide()
        self.deleteLater()


class NoticeArea(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.notices: list[Notice] = []

    def show_notice(self, text: str) -> Notice:
        notice = Notice(text, self)
        notice.close_button.clicked.connect(lambda _c=False, n=notice: self.dismiss(n))
        self._layout.insertWidget(0, notice)
        self.notices.insert(0, notice)
        for old in self.notices[MAX_NOTICES:]:
            self.dismiss(old)
        return notice

    def texts(self) -> list[str]:
        return [n.text.text() for n in self.notices]

    def dismiss(self, notice: Notice) -> None:
        if notice in self.notices:
            self.notices.remove(notice)
        notice.dismiss()
