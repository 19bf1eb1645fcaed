"""Whether a screen fits: every shown text whole in its widget, every shown widget inside the
window. Measured with the widget's own font (QFontMetrics), as Qt will paint it.

``clipped(root)`` lists what a clerk would see cut: a label, button or tab whose text is wider
than its room, a wrapped label shorter than its text, a table cell whose lines do not fit its
column or row (an elided cell shows its full text in a tooltip and is allowed only where the
table says so), and any shown widget that leaves ``window``.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QPushButton,
    QTabBar,
    QTableView,
    QWidget,
)
from pytestqt.exceptions import TimeoutError as QtTimeout

from kiosk_pos.ui.theme import TAB_PT

# Horizontal room a button's style sheet takes from its width (padding + border, both sides).
BUTTON_PAD = {"product": 2 * (10 + 1)}
DEFAULT_BUTTON_PAD = 2 * (12 + 1)
NOTICE_BUTTON_PAD = 2 * (10 + 1)  # QFrame#notice QPushButton
CELL_PAD = 6  # a table cell's own margins


def _widest(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _shown(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.isVisible() and widget.width() > 0


def _label(label: QLabel) -> str | None:
    text = label.text()
    if not text or label.textFormat() == Qt.TextFormat.RichText or "<" in text:
        return None
    room = label.contentsRect()
    if label.wordWrap():
        need = label.heightForWidth(room.width() + label.contentsMargins().left()
                                    + label.contentsMargins().right())
        if need > label.height() + 1:
            return f"label {text!r}: needs {need}px of height, has {label.height()}"
        return None
    width = _widest(label.fontMetrics(), text)
    if width > room.width():
        return f"label {text!r}: {width}px wide in {room.width()}"
    lines = text.count("\n") + 1
    if lines * label.fontMetrics().height() > room.height() + 2:
        return f"label {text!r}: {lines} lines in {room.height()}px"
    return None


def _button(button: QPushButton) -> str | None:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return None
    pad = BUTTON_PAD.get(button.objectName(), DEFAULT_BUTTON_PAD)
    parent = button.parentWidget()
    if parent is not None and parent.objectName() in ("notice", "notice_info"):
        pad = NOTICE_BUTTON_PAD
    room = button.width() - pad
    # measured as QPushButton measures itself (QFontMetrics.size), not by advance
    width = max(button.fontMetrics().size(0, line).width() for line in text.split("\n"))
    if width > room:
        return f"button {text!r}: {width}px wide in {room}"
    lines = text.count("\n") + 1
    if lines * button.fontMetrics().lineSpacing() > button.height():
        return f"button {text!r}: {lines} lines in {button.height()}px"
    return None


def _tabs(tabs: QTabBar) -> list[str]:
    """Tab titles at the size the style sheet gives them (``QTabBar::tab``, not the bar's)."""
    found = []
    font = QFont(tabs.font())
    font.setPointSize(TAB_PT)
    metrics = QFontMetrics(font)
    for i in range(tabs.count()):
        width = metrics.horizontalAdvance(tabs.tabText(i))
        rect = tabs.tabRect(i)
        if width + 16 > rect.width():
            found.append(f"tab {tabs.tabText(i)!r}: {width}px in {rect.width()}")
        if rect.right() > tabs.width():
            found.append(f"tab {tabs.tabText(i)!r} beyond its bar")
    return found


def _table(view: QTableView) -> list[str]:
    """Every visible cell's text lines fit its column and its row (elided cells are cut)."""
    found: list[str] = []
    model = view.model()
    if model is None:
        return found
    metrics = view.fontMetrics()
    viewport = view.viewport().rect()
    for row in range(model.rowCount()):
        if view.isRowHidden(row):
            continue
        for col in range(model.columnCount()):
            index = model.index(row, col, QModelIndex())
            rect = view.visualRect(index)
            if not rect.intersects(viewport):
                continue
            text = model.data(index)
            if not isinstance(text, str) or not text:
                continue
            font = model.data(index, Qt.ItemDataRole.FontRole)
            cell = QFontMetrics(font) if font is not None else metrics
            room = rect.width() - CELL_PAD
            if view.wordWrap():  # wrapped lines must all fit the row's height
                need = cell.boundingRect(QRect(0, 0, room, 10_000),
                                         int(Qt.TextFlag.TextWordWrap), text).height()
                if need > rect.height():
                    found.append(f"cell {text!r}: wraps to {need}px in {rect.height()}px")
                continue
            width = _widest(cell, text)
            if width > room:
                found.append(f"cell {text!r}: {width}px wide in {rect.width()}")
            lines = text.count("\n") + 1
            if lines * cell.lineSpacing() > rect.height():
                found.append(f"cell {text!r}: {lines} lines in {rect.height()}px")
    return found


def _list(view: QListWidget) -> list[str]:
    found = []
    room = view.viewport().width()
    for row in range(view.count()):
        text = view.item(row).text()
        width = _widest(view.fontMetrics(), text)
        if width + CELL_PAD > room:
            found.append(f"list item {text!r}: {width}px wide in {room}")
    return found


def outside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return not window.rect().contains(QRect(top_left, widget.size()))


def clipped(root: QWidget, window: QWidget | None = None) -> list[str]:
    """What is cut or off the window among ``root``'s shown widgets (and root itself)."""
    window = window or root.window()
    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget, root):
            continue
        # a widget inside a scroll area or item view may extend past its viewport
        if outside(widget, window) and not _scrolled(widget, root):
            found.append(f"{type(widget).__name__} {widget.objectName()!r} leaves the window")
        problem: str | None = None
        if isinstance(widget, QLabel):
            problem = _label(widget)
        elif isinstance(widget, QPushButton):
            problem = _button(widget)
        elif isinstance(widget, QTabBar):
            found.extend(_tabs(widget))
        elif isinstance(widget, QListWidget):
            found.extend(_list(widget))
        elif isinstance(widget, QTableView):
            found.extend(_table(widget))
        if problem:
            found.append(problem)
    return found


def _scrolled(widget: QWidget, root: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractItemView) or parent.objectName() == "qt_scrollarea_viewport":
            return True
        parent = parent.parentWidget()
    return False


def assert_whole(qtbot, root: QWidget, window: QWidget | None = None) -> None:
    """Once the layout has settled (it relayouts on the next turns of the event loop),
    nothing of ``root`` is clipped or off the window."""
    try:
        qtbot.waitUntil(lambda: not clipped(root, window), timeout=2000)
    except QtTimeout:
        pass  # said below, with what is clipped
    problems = clipped(root, window)
    assert not problems, "\n".join(problems)
