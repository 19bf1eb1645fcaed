"""On-screen receipt (struk) preview: the exact rows the thermal printer prints.

Print and Save PDF call injected callables ``(document, paper_width)``; a
problem they raise is shown as a sentence in the widget, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.errors import KioskError
from kiosk_pos.printing.connections import PrinterError
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.text_render import columns_for, render_text
from kiosk_pos.printing.texts import pt
from kiosk_pos.resources import resource_path

log = logging.getLogger(__name__)

DocumentAction = Callable[[ReceiptDocument, int], object]
TOUCH_PX = 52
PREVIEW_PT = 13


@cache
def monospace_family() -> str:
    """The bundled DejaVu Sans Mono (same look on every PC), or the system monospace."""
    font_id = QFontDatabase.addApplicationFont(str(resource_path("fonts", "DejaVuSansMono.ttf")))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else QFontDatabase.systemFont(
        QFontDatabase.SystemFont.FixedFont).family()


def problem_sentence(exc: Exception) -> str:
    if isinstance(exc, PrinterError):
        return exc.sentence
    if isinstance(exc, KioskError):  # e.g. a PDF the full disk refused: it names the file
        return exc.message
    return pt("error.unexpected", detail=str(exc) or type(exc).__name__)


class ReceiptPreview(QWidget):
    def __init__(
        self,
        document: ReceiptDocument | None = None,
        *,
        paper_width: int = 58,
        on_print: DocumentAction | None = None,
        on_save_pdf: DocumentAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._width = paper_width if paper_width in (58, 80) else 58
        self._on_print = on_print
        self._on_save_pdf = on_save_pdf

        self.text_view = QPlainTextEdit(readOnly=True)
        self.text_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QFont(monospace_family(), PREVIEW_PT)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.text_view.setFont(font)
        self.text_view.setStyleSheet("QPlainTextEdit { background: #fffef8; color: #111; }")

        self.width_buttons = QButtonGroup(self)
        widths = QHBoxLayout()
        widths.addWidget(QLabel(pt("ui.paper")))
        for mm in (58, 80):
            button = QPushButton(f"{mm} mm", checkable=True)
            button.setMinimumHeight(TOUCH_PX)
            button.setChecked(mm == self._width)
            self.width_buttons.addButton(button, mm)
            widths.addWidget(button)
        widths.addStretch(1)
        self.width_buttons.idClicked.connect(self.set_paper_width)

        self.print_button = QPushButton(pt("ui.print"))
        self.print_button.setObjectName("primary")
        self.pdf_button = QPushButton(pt("ui.save_pdf"))
        for button in (self.print_button, self.pdf_button):
            button.setMinimumHeight(TOUCH_PX)
        self.print_button.clicked.connect(self._print)
        self.pdf_button.clicked.connect(self._save_pdf)
        self.message = QLabel(wordWrap=True)

        actions = QHBoxLayout()
        actions.addWidget(self.print_button, 2)
        actions.addWidget(self.pdf_button, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(widths)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        self._refresh()

    # -- API ---------------------------------------------------------------
    def document(self) -> ReceiptDocument | None:
        return self._document

    def paper_width(self) -> int:
        return self._width

    def set_document(self, document: ReceiptDocument | None) -> None:
        self._document = document
        self.message.clear()
        self._refresh()

    def set_paper_width(self, width: int) -> None:
        columns_for(width)
        self._width = width
        button = self.width_buttons.button(width)
        if button is not None and not button.isChecked():
            button.setChecked(True)
        self._refresh()

    def text(self) -> str:
        return self.text_view.toPlainText()

    # -- internals -----------------------------------------------------------
    def _refresh(self) -> None:
        has_doc = self._document is not None
        self.text_view.setPlainText(render_text(self._document, self._width) if has_doc
                                    else pt("ui.no_document"))
        metrics = QFontMetrics(self.text_view.font())
        chars = columns_for(self._width) + 3
        scrollbar = self.text_view.verticalScrollBar().sizeHint().width()
        frame = 2 * self.text_view.frameWidth() + scrollbar
        self.text_view.setMinimumWidth(metrics.horizontalAdvance("0" * chars) + frame + 8)
        self.print_button.setEnabled(has_doc and self._on_print is not None)
        self.pdf_button.setEnabled(has_doc and self._on_save_pdf is not None)
        self.pdf_button.setVisible(self._on_save_pdf is not None)

    def _run(self, action: DocumentAction | None, done: str) -> None:
        if action is None or self._document is None:
            return
        try:
            action(self._document, self._width)
        except Exception as exc:  # shown to the clerk as a sentence
            log.warning("receipt action failed: %s", exc)
            self._show(problem_sentence(exc), error=True)
        else:
            self._show(done, error=False)

    def _print(self) -> None:
        self._run(self._on_print, pt("ui.sent_to_printer"))

    def _save_pdf(self) -> None:
        self._run(self._on_save_pdf, pt("ui.pdf_saved"))

    def _show(self, text: str, *, error: bool) -> None:
        colour = "#c0172b" if error else "#1b7a2f"
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.setText(text)
