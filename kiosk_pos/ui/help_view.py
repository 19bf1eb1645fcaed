"""Bantuan: short task pages (sell, a failed top-up, the printer, statuses...) in the UI's
language, opened from every screen with Alt+H on the page that screen needs.

The pages are Markdown files in ``resources/help/<lang>/``; ``resources/help/index.json``
gives their order and which page each screen opens on. Arrow keys choose a page, Esc closes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.i18n import language, tr
from kiosk_pos.resources import resource_path

SHORTCUT = "Alt+H"


@dataclass(frozen=True, slots=True)
class HelpPage:
    key: str
    title: str
    markdown: str


@cache
def _index() -> dict:
    return json.loads(resource_path("help", "index.json").read_text(encoding="utf-8"))


@cache
def help_pages(lang: str) -> tuple[HelpPage, ...]:
    """Every page in ``lang`` (Indonesian where a translation is missing)."""
    pages = []
    for key in _index()["pages"]:
        path = resource_path("help", lang, f"{key}.md")
        if not path.exists():
            path = resource_path("help", "id", f"{key}.md")
        text = path.read_text(encoding="utf-8")
        first, _, _rest = text.partition("\n")
        pages.append(HelpPage(key, first.lstrip("# ").strip(), text))
    return tuple(pages)


def page_for_screen(screen: str) -> str:
    """The page a screen opens help on (the first page for a screen with none of its own)."""
    return _index()["screens"].get(screen, _index()["pages"][0])


def help_key(window: QWidget, screen: str) -> None:
    """Alt+H on a dialog of its own (a tool's window, modal over the main one, where the main
    window's Alt+H cannot reach) opens Bantuan on ``screen``'s page."""

    def show() -> None:
        dialog = HelpDialog(page_for_screen(screen), window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    QShortcut(QKeySequence(SHORTCUT), window, show)


class HelpDialog(QDialog):
    def __init__(self, start: str = "sell", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("ui.help.title"))
        self.pages = help_pages(language())
        self.topics = QListWidget()
        self.topics.addItems([page.title for page in self.pages])
        # every title whole: the list is as wide as its longest one
        self.topics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topics.setFixedWidth(self.topics.sizeHintForColumn(0)
                                  + 2 * self.topics.frameWidth() + 12)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the arrows stay on the topics
        body = QHBoxLayout()
        body.addWidget(self.topics)
        body.addWidget(self.text, 1)
        buttons = QDialogButtonBox()
        close = buttons.addButton(tr("ui.help.close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(buttons)
        self.topics.currentRowChanged.connect(self._show)
        keys = [page.key for page in self.pages]
        self.topics.setCurrentRow(keys.index(start) if start in keys else 0)
        self.topics.setFocus()
        self.resize(min(self.topics.width() + 620, 980), 560)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.text.setMarkdown(self.pages[row].markdown)

    def current_key(self) -> str:
        return self.pages[self.topics.currentRow()].key
