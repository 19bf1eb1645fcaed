"""PDF receipts on a 58 or 80 mm roll, page height fitted to the content.

Rows come from the same layout as the thermal printer (Unicode kept, since the
PDF carries the bundled DejaVu Sans Mono), so a PDF receipt reads like the paper one.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.fonts import MONO, MONO_BOLD, register_fonts
from kiosk_pos.printing.layout import CutRow, FeedRow, Laid, QrRow, Row, layout
from kiosk_pos.printing.text_render import columns_for

MARGIN_X = 5 * mm
MARGIN_Y = 4 * mm
QR_SIZE = 24 * mm
LINE = 1.22  # line height in font sizes
LOGO_HEIGHT = 14 * mm


def _font_size(width: int) -> float:
    register_fonts()
    printable = width * mm - 2 * MARGIN_X
    return printable / (columns_for(width) * stringWidth("0", MONO, 1))


def _row_height(row: Laid, size: float) -> float:
    if isinstance(row, Row):
        return size * LINE * (2 if row.double_height else 1)
    if isinstance(row, QrRow):
        return QR_SIZE + size
    if isinstance(row, FeedRow):
        return size * LINE * row.lines
    return size * LINE * 1.5  # cut mark


def render_pdf(
    document: ReceiptDocument,
    width: int = 58,
    path: str | Path | None = None,
    *,
    logo: str | Path | None = None,
) -> bytes:
    """The receipt as a one-page PDF on a ``width`` mm roll; also written to ``path`` if given."""
    size = _font_size(width)
    rows = layout(document, columns_for(width), ascii_only=False)
    while rows and isinstance(rows[-1], CutRow):
        rows.pop()  # the page ends there anyway
    image = None
    if logo:
        try:
            image = ImageReader(str(logo))
        except OSError:
            image = None
    logo_h = LOGO_HEIGHT + size if image is not None else 0
    height = 2 * MARGIN_Y + logo_h + sum(_row_height(r, size) for r in rows)
    page_w = width * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_w, height), invariant=True)
    canvas.setTitle(document.title)
    canvas.setAuthor("kiosk-pos")
    y = height - MARGIN_Y
    if image is not None:
        iw, ih = image.getSize()
        draw_w = min(page_w - 2 * MARGIN_X, LOGO_HEIGHT * iw / ih)
        draw_h = draw_w * ih / iw
        canvas.drawImage(image, (page_w - draw_w) / 2, y - draw_h, draw_w, draw_h, mask="auto")
        y -= logo_h
    for row in rows:
        step = _row_height(row, size)
        if isinstance(row, Row):
            text = canvas.beginText()
            font = MONO_BOLD if row.bold else MONO
            scale_y = 2 if row.double_height else 1
            scale_x = 2 if row.double_width else 1
            text.setFont(font, size * scale_y)
            text.setHorizScale(100 * scale_x / scale_y)
            text.setTextOrigin(MARGIN_X, y - step + size * 0.3 * scale_y)
            text.textLine(row.text)
            canvas.drawText(text)
        elif isinstance(row, QrRow):
            widget = QrCodeWidget(row.data, barLevel="M")
            x0, y0, x1, y1 = widget.getBounds()
            drawing = Drawing(QR_SIZE, QR_SIZE,
                              transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
            drawing.add(widget)
            renderPDF.draw(drawing, canvas, (page_w - QR_SIZE) / 2, y - QR_SIZE - size / 2)
        elif isinstance(row, CutRow):
            canvas.setDash(2, 2)
            canvas.setLineWidth(0.4)
            mid = y - step / 2
            canvas.line(MARGIN_X, mid, page_w - MARGIN_X, mid)
            canvas.setDash()
        y -= step
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    if path is not None:
        from kiosk_pos.files import write_export

        write_export(path, data)  # 0600, whole or absent
    return data
