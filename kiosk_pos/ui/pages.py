"""Pages built on first use: a stack starts with empty placeholders, and a page takes its
placeholder's place when it is first needed (start-up builds only the first screen)."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget


def place_page(stack: QStackedWidget, index: int, page: QWidget) -> None:
    """Put a newly built ``page`` where the placeholder at ``index`` stood, keep the current
    page current, and give the page today's language (its ``retranslate``, if it has one)."""
    placeholder = stack.widget(index)
    current = stack.currentIndex()
    stack.insertWidget(index, page)
    stack.removeWidget(placeholder)
    placeholder.deleteLater()
    stack.setCurrentIndex(current)
    retranslate = getattr(page, "retranslate", None)
    if retranslate is not None:
        retranslate()
