"""A past sale's receipt on screen (from History): print it again, or save it as PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QVBoxLayout, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import SaleRecord
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.receipts import receipt_from_sale
from kiosk_pos.ui.receipt_preview import ReceiptPreview

PathChooser = Callable[[str], str | None]


def ask_pdf_path(suggested: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(None, tr("ui.receipt.save_title"), suggested,
                                                "PDF (*.pdf)")
    return path or None


class ReceiptDialog(QDialog):
    def __init__(self, kiosk: Kiosk, sale: SaleRecord, *,
                 on_reprint: Callable[[int], None] | None = None,
                 choose_path: PathChooser = ask_pdf_path,
                 paper_width: int = 58, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sale = sale
        self._choose_path = choose_path
        self.setWindowTitle(tr("ui.receipt.title", id=sale.id))
        document = receipt_from_sale(sale, kiosk.info, copy=True)
        on_print = (lambda _doc, _w: on_reprint(sale.id)) if on_reprint else None
        self.preview = ReceiptPreview(document, paper_width=paper_width, on_print=on_print,
                                      on_save_pdf=self._save_pdf)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview)
        self.resize(520, 760)

    def _save_pdf(self, document: ReceiptDocument, width: int) -> None:
        from kiosk_pos.printing.pdf_render import render_pdf

        path = self._choose_path(str(Path.home() / f"struk-{self.sale.id}.pdf"))
        if path:
            render_pdf(document, width, path)
