"""Receipt rendering: ``render_escpos`` / ``render_pdf`` vs bare python-escpos / reportlab.

The receipt is a realistic cash sale of three lines: Telkomsel pulsa, a PLN token (with
name, tariff and kWh) and a physical item, on 58 and 80 mm paper. The baselines print the
same content with no layout logic: the lines are taken from ``render_text``'s output once,
before timing, with the style of each row (alignment, bold, double size) worked out then;
the timed baseline only replays them.

- ESC/POS baseline: a bare ``escpos.printer.Dummy`` (same profile, fixed CP437 as the
  renderer, so neither side pays for python-escpos' encoding search) that sets alignment and
  bold/double size where they change, prints each line, the QR code with the same data and
  box size, and cuts.
- PDF baseline: a bare reportlab ``Canvas`` on a page of the same size (read back from the
  rendered PDF) drawing the same lines with the same font (DejaVu Sans Mono, bold where
  bold, twice the size where double), the same QR code at the same size.

Because the QR code is most of the cost on both sides, the same comparison is also made on
the receipt without its QR code against the text-only baseline (lines, styles, cut): that
pair isolates the layout and renderer overhead. All series run in rotating batches.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from escpos.printer import Dummy
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bench.common import Result, median, ratio_result, say
from kiosk_pos.core.records import ProductKind, SaleRecord, TopUpStatus
from kiosk_pos.printing import (
    QrBlock,
    ReceiptDocument,
    columns_for,
    receipt_from_sale,
    render_escpos,
    render_text,
)
from kiosk_pos.printing.escpos_render import QR_BOX, printer_profile
from kiosk_pos.printing.fonts import MONO, MONO_BOLD, register_fonts
from kiosk_pos.printing.layout import Row, layout
from kiosk_pos.printing.pdf_render import LINE, MARGIN_X, MARGIN_Y, QR_SIZE, render_pdf
from tests.aids import samples

NAME = "print_render"
TARGET_RATIO = 3.0
WIDTHS = (58, 80)
QR_MARK = "[ QR ]"
# Calls per batch, so that one batch of each series takes a comparable few tens of ms.
BATCH = {"escpos": 6, "escpos_text": 40, "pdf": 2, "pdf_text": 8}


def sample_sale() -> SaleRecord:
    """Pulsa + PLN token + physical item, paid cash (the busiest everyday receipt)."""
    return samples.sale(201, [
        samples.topup_line(
            1, "Telkomsel Pulsa 25.000", ProductKind.PULSA, "telkomsel", 26_000,
            "081234567890", TopUpStatus.SUCCESS, "0041002345678901234",
            "3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        samples.topup_line(
            2, "Token PLN 50.000", ProductKind.PLN, "pln", 51_500, "512345678901",
            TopUpStatus.SUCCESS, "12345678901234567890/BUDI SANTOSO/R1/1300VA/34.2",
            "9b2e4c1a-0d7f-4e8a-9c3b-5f6a7b8c9d0e"),
        samples.goods_line(3, "Kartu Perdana Telkomsel Simpati", 1, 15_000),
    ], cash_given=100_000)


@dataclass(frozen=True, slots=True)
class Line:
    """One line as the baselines replay it: text, alignment and style, or the QR code."""

    text: str
    align: str = "left"
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    qr: bool = False


def script(document: ReceiptDocument, width: int, *, ascii_only: bool) -> list[Line]:
    """``render_text``'s lines, each with the style of its row (worked out before timing)."""
    lines = render_text(document, width, ascii_only=ascii_only).splitlines()
    styles = iter([r for r in layout(document, columns_for(width), ascii_only=ascii_only)
                   if isinstance(r, Row)])
    out: list[Line] = []
    for text in lines:
        if text.strip() == QR_MARK:
            out.append(Line("", qr=True))
            continue
        if not text.strip() or text.strip().startswith("- -"):
            out.append(Line(text))  # feed, and the cut mark render_text draws
            continue
        row = next(styles)
        if row.preview != text:
            raise AssertionError(f"render_text and layout disagree: {text!r} vs {row!r}")
        centred = len(text) - len(text.lstrip()) > 2
        # A double-width row holds half the columns: print it without the padding.
        shown = " ".join(text.split()) if row.double_width or centred else text
        out.append(Line(shown, "center" if centred else "left", row.bold, row.double_width,
                        row.double_height))
    return out


def bare_escpos(lines: list[Line], width: int, qr_data: str,
                drawer: bool) -> Callable[[], bytes]:
    profile = printer_profile(width)
    encode = {"encoding": "CP437", "disabled": True}

    def render() -> bytes:
        printer = Dummy(profile=profile, magic_encode_args=encode)
        if drawer:
            printer.cashdraw(2)
        style = ("left", False, False, False)
        for line in lines:
            if line.qr:
                printer.qr(qr_data, size=QR_BOX[width], center=True)
                continue
            wanted = (line.align, line.bold, line.double_width, line.double_height)
            if wanted != style:
                printer.set(align=line.align, bold=line.bold,
                            normal_textsize=not (line.double_width or line.double_height),
                            double_width=line.double_width, double_height=line.double_height)
                style = wanted
            printer.text(line.text + "\n")
        printer.cut()
        return printer.output

    return render


def page_size(pdf: bytes) -> tuple[float, float]:
    found = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    if found is None:
        raise AssertionError("no MediaBox in the rendered PDF")
    return float(found.group(1)), float(found.group(2))


def bare_pdf(lines: list[Line], width: int, page: tuple[float, float],
             qr_data: str) -> Callable[[], bytes]:
    register_fonts()
    size = (width * mm - 2 * MARGIN_X) / (columns_for(width) * stringWidth("0", MONO, 1))

    def render() -> bytes:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=page, invariant=True)
        y = page[1] - MARGIN_Y
        for line in lines:
            if line.qr:
                widget = QrCodeWidget(qr_data, barLevel="M", barWidth=QR_SIZE,
                                      barHeight=QR_SIZE)
                drawing = Drawing(QR_SIZE, QR_SIZE)
                drawing.add(widget)
                renderPDF.draw(drawing, canvas, (page[0] - QR_SIZE) / 2, y - QR_SIZE - size / 2)
                y -= QR_SIZE + size
                continue
            font = MONO_BOLD if line.bold else MONO
            font_size = size * (2 if line.double_height else 1)
            scale = (2 if line.double_width else 1) / (2 if line.double_height else 1)
            y -= font_size * LINE
            x = MARGIN_X
            if line.align == "center":
                x = (page[0] - canvas.stringWidth(line.text, font, font_size) * scale) / 2
            text = canvas.beginText(x, y + font_size * 0.3)
            text.setFont(font, font_size)
            text.setHorizScale(100 * scale)
            text.textLine(line.text)
            canvas.drawText(text)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    return render


def _timer(fn: Callable[[], object]) -> Callable[[int], list[float]]:
    def batch(n: int) -> list[float]:
        out = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
        return out

    return batch


@dataclass
class Pair:
    """A figure and its baseline, measured in the same rounds."""

    metric: str
    kind: str
    ours: Callable[[], bytes]
    bare: Callable[[], bytes]
    note: str
    ours_times: list[float]
    bare_times: list[float]


def _pairs(width: int) -> list[Pair]:
    sale = sample_sale()
    document = receipt_from_sale(sale, samples.KIOSK)
    qr = next(b for b in document.blocks if isinstance(b, QrBlock))
    text_only = replace(document, blocks=tuple(b for b in document.blocks
                                               if not isinstance(b, QrBlock)))
    ascii_full = script(document, width, ascii_only=True)
    ascii_text = script(text_only, width, ascii_only=True)
    uni_full = script(document, width, ascii_only=False)
    uni_text = script(text_only, width, ascii_only=False)
    page_full = page_size(render_pdf(document, width))
    page_text = page_size(render_pdf(text_only, width))
    rows = len(ascii_full)
    return [
        Pair(f"ESC/POS receipt {width} mm, median", "escpos",
             lambda: render_escpos(document, width),
             bare_escpos(ascii_full, width, qr.data, document.open_drawer),
             f"{rows} lines + QR; baseline: bare python-escpos Dummy, same lines, styles, "
             "QR, cut", [], []),
        Pair(f"ESC/POS receipt {width} mm without QR, median", "escpos_text",
             lambda: render_escpos(text_only, width),
             bare_escpos(ascii_text, width, qr.data, document.open_drawer),
             "baseline: bare Dummy, same lines, alignment, bold/double, cut", [], []),
        Pair(f"PDF receipt {width} mm, median", "pdf",
             lambda: render_pdf(document, width), bare_pdf(uni_full, width, page_full, qr.data),
             f"page {page_full[0]:.0f}x{page_full[1]:.0f} pt; baseline: bare reportlab "
             "Canvas, same page, font, lines, QR", [], []),
        Pair(f"PDF receipt {width} mm without QR, median", "pdf_text",
             lambda: render_pdf(text_only, width), bare_pdf(uni_text, width, page_text, qr.data),
             "baseline: bare Canvas, same page size, font, lines", [], []),
    ]


def run(quick: bool) -> list[Result]:
    rounds = 4 if quick else 12
    pairs = [p for width in WIDTHS for p in _pairs(width)]
    sizes: dict[str, tuple[int, int]] = {}
    for p in pairs:  # warm up: font registration, QR encoder, profile class cache
        for _ in range(2):
            sizes[p.metric] = (len(p.ours()), len(p.bare()))
    series = [(p, side) for p in pairs for side in (0, 1)]
    for i in range(rounds):
        shift = (i * 3) % len(series)  # rotate the order so drift within a round is shared
        for p, side in series[shift:] + series[:shift]:
            fn, into = (p.ours, p.ours_times) if side == 0 else (p.bare, p.bare_times)
            into.extend(_timer(fn)(BATCH[p.kind]))
    say(f"  {rounds} rotating rounds; calls per series: "
        + ", ".join(f"{k} {n * rounds}" for k, n in BATCH.items()))
    results = []
    for p in pairs:
        ours, bare = median(p.ours_times), median(p.bare_times)
        ours_bytes, bare_bytes = sizes[p.metric]
        results.append(ratio_result(
            NAME, p.metric, ours, bare, "s", TARGET_RATIO,
            note=f"{ours_bytes} vs {bare_bytes} bytes; {p.note}"))
    return results
