"""Non-blocking notices above the screen, in one fixed-height strip.

The strip shows the newest notice and how many wait behind it ("+3 pemberitahuan lagi");
it never grows, so the change and the status bar stay on screen however many arrive.
Each kind has its own action: a failed top-up's notice asks the clerk to confirm the money
went back ("Sudah dikembalikan"), which the window stores; any other is closed ("Tutup").
:data:`DISMISS_KEY` runs the shown notice's action from the keyboard.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QWidget,
)

from kiosk_pos.i18n import tr
from kiosk_pos.ui.theme import BASE_PT, NOTICE_BUTTON_PX, label, no_focus

MAX_NOTICES = 50          # the oldest beyond these are dropped
DISMISS_KEY = "Ctrl+K"    # clear of the sales keys (F1-F12, Ctrl+F, Insert, Ctrl+Return, Alt+..)
TEXT_LINES = 2            # the strip holds two lines of notice text
FRAME_PX = 12             # the frame's border and margins, above and below the text


class NoticeKind(Enum):
    INFO = "info"        # a sentence to read: "Tutup"
    REFUND = "refund"    # hand a failed top-up's money back: "Sudah dikembalikan", stored


ACTION_KEYS = {NoticeKind.INFO: "notices.action.close", NoticeKind.REFUND: "notices.action.refund"}


class Notice(QFrame):
    def __init__(self, text: str, kind: NoticeKind = NoticeKind.INFO,
                 action: Callable[[Notice], None] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.action = action  # None: the action only closes the notice
        self.setObjectName("notice" if kind is NoticeKind.REFUND else "notice_info")
        self.text = label(text, "notice_text")
        self.text.setWordWrap(True)
        self.text.setToolTip(text)
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.close_button = QPushButton()
        no_focus(self.close_button)
        self.close_button.setToolTip(DISMISS_KEY)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 2, 8, 2)
        row.addWidget(self.text, 1)
        row.addWidget(self.close_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.close_button.setText(f"{tr(ACTION_KEYS[self.kind])} ({DISMISS_KEY})")


class NoticeArea(QWidget):
    """The strip: hidden while empty, one fixed height while any notice waits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self._stack = QStackedLayout()
        row.addLayout(self._stack, 1)
        self.more = QLabel()
        self.more.setObjectName("caption")
        row.addWidget(self.more)
        self.notices: list[Notice] = []  # newest first; only the first is shown
        self.setFixedHeight(self.strip_height())
        self.hide()

    def strip_height(self) -> int:
        """Two lines of the notice's bold text, or its button, with the frame: small
        enough that the sales screen's change still fits a 768 px high screen."""
        font = self.font()
        font.setPointSize(BASE_PT)
        font.setBold(True)
        text = QFontMetrics(font).lineSpacing() * TEXT_LINES
        return max(text, NOTICE_BUTTON_PX) + FRAME_PX

    def show_notice(self, text: str, kind: NoticeKind = NoticeKind.INFO,
                    action: Callable[[Notice], None] | None = None) -> Notice:
        notice = Notice(text, kind, action, self)
        notice.close_button.clicked.connect(lambda _c=False, n=notice: self.act(n))
        self._stack.addWidget(notice)
        self.notices.insert(0, notice)
        for old in self.notices[MAX_NOTICES:]:
            self.dismiss(old)
        self._refresh()
        return notice

    def texts(self) -> list[str]:
        return [n.text.text() for n in self.notices]

    def current(self) -> Notice | None:
        return self.notices[0] if self.notices else None

    def act(self, notice: Notice | None = None) -> None:
        """The notice's own action (the shown one's, from the keyboard)."""
        notice = notice or self.current()
        if notice is None or notice not in self.notices:
            return
        if notice.action is None:
            self.dismiss(notice)
        else:
            notice.action(notice)  # it dismisses the notice once its work is done

    def dismiss(self, notice: Notice) -> None:
        if notice not in self.notices:
            return
        self.notices.remove(notice)
        self._stack.removeWidget(notice)
        notice.hide()
        notice.deleteLater()
        self._refresh()

    def retranslate(self) -> None:
        for notice in self.notices:
            notice.retranslate()
        self._refresh()

    def _refresh(self) -> None:
        current = self.current()
        if current is not None:
            self._stack.setCurrentWidget(current)
        waiting = len(self.notices) - 1
        self.more.setText(tr("notices.more", count=waiting) if waiting > 0 else "")
        self.more.setVisible(waiting > 0)
        self.setVisible(current is not None)
