"""A4 reports via reportlab: the daily report (with a by-hour bar chart), a stock list and
a customer's kasbon statement.

Tables repeat their header row on every page; money is formatted ``Rp10.000``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulsa_protocol.money import format_rupiah
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk_pos.core.records import Breakdown, DailyReport, KioskInfo
from kiosk_pos.files import build_export
from kiosk_pos.printing.fonts import SANS, SANS_BOLD, register_fonts
from kiosk_pos.printing.receipts import format_datetime, local_time
from kiosk_pos.printing.texts import pt

if TYPE_CHECKING:
    from kiosk_pos.core.kasbon import Statement

StockRow = tuple[str, str, int, int, int]  # sku, name, stock, cost, price

ACCENT = colors.HexColor("#1b6e3a")
HEADER_BG = colors.HexColor("#e3efe6")
GRID = colors.HexColor("#b9c4bc")
PAGE_W, PAGE_H = A4
MARGIN = 16 * mm


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "title": ParagraphStyle("title", fontName=SANS_BOLD, fontSize=17, leading=21,
                                textColor=ACCENT, spaceAfter=2 * mm),
        "sub": ParagraphStyle("sub", fontName=SANS, fontSize=9.5, leading=12,
                              textColor=colors.HexColor("#444444"), spaceAfter=4 * mm),
        "h2": ParagraphStyle("h2", fontName=SANS_BOLD, fontSize=12, leading=15,
                             spaceBefore=5 * mm, spaceAfter=2 * mm, alignment=TA_LEFT),
        "cell": ParagraphStyle("cell", fontName=SANS, fontSize=9, leading=11),
        "body": ParagraphStyle("body", fontName=SANS, fontSize=9.5, leading=12),
    }


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, numeric_from: int,
           total_row: bool = False, zebra: bool = True) -> Table:
    table = Table(list(rows), colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), SANS, 9),
        ("FONT", (0, 0), (-1, 0), SANS_BOLD, 9),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.5, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1), (-1, -2 if total_row else -1),
                      [colors.white, colors.HexColor("#f5f7f5")]))
    if total_row:
        style += [("FONT", (0, -1), (-1, -1), SANS_BOLD, 9),
                  ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]
    table.setStyle(TableStyle(style))
    return table


def _page_decor(kiosk: KioskInfo, title: str, printed: str) -> Any:
    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(SANS_BOLD, 8.5)
        canvas.setFillColor(ACCENT)
        canvas.drawString(MARGIN, PAGE_H - 10 * mm, kiosk.name)
        canvas.setFont(SANS, 8.5)
        canvas.drawRightString(PAGE_W - MARGIN, PAGE_H - 10 * mm, title)
        canvas.setStrokeColor(GRID)
        canvas.line(MARGIN, PAGE_H - 11.5 * mm, PAGE_W - MARGIN, PAGE_H - 11.5 * mm)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 9 * mm, printed)
        canvas.drawRightString(PAGE_W - MARGIN, 9 * mm, pt("report.page", page=doc.page))
        canvas.restoreState()

    return draw


def _build(path: str | Path, story: list[Any], kiosk: KioskInfo, title: str,
           now: datetime | None) -> None:
    printed = pt("report.printed_at",
                 when=format_datetime(local_time(now or datetime.now(UTC), kiosk.timezone)))

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                                topMargin=16 * mm, bottomMargin=16 * mm, title=title,
                                author="kiosk-pos", invariant=1)
        decor = _page_decor(kiosk, title, printed)
        doc.build(story, onFirstPage=decor, onLaterPages=decor)

    build_export(path, write)  # 0600, whole or absent: a full disk leaves no partial PDF


def _breakdown_table(rows: Sequence[Breakdown], first: str, with_cost: bool = True) -> Table:
    """One split of the day; without ``with_cost`` (a reader who may not see cost) the cost
    and profit columns are left out, not shown as zero."""
    gross, cost = sum(r.gross for r in rows), sum(r.cost for r in rows)
    if not with_cost:
        data: list[list[Any]] = [[first, pt("report.count"), pt("report.gross")]]
        data += [[row.label, row.count, format_rupiah(row.gross)] for row in rows]
        data.append([pt("report.total"), sum(r.count for r in rows), format_rupiah(gross)])
        return _table(data, [90 * mm, 30 * mm, 58 * mm], numeric_from=1, total_row=True)
    data = [[first, pt("report.count"), pt("report.gross"), pt("report.cost"),
             pt("report.profit")]]
    for row in rows:
        data.append([row.label, row.count, format_rupiah(row.gross), format_rupiah(row.cost),
                     format_rupiah(row.profit)])
    data.append([pt("report.total"), sum(r.count for r in rows), format_rupiah(gross),
                 format_rupiah(cost), format_rupiah(gross - cost)])
    return _table(data, [62 * mm, 22 * mm, 32 * mm, 31 * mm, 31 * mm], numeric_from=1,
                  total_row=True)


def _hour_chart(hours: Sequence[Breakdown]) -> Drawing:
    drawing = Drawing(178 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 10 * mm
    chart.width, chart.height = 160 * mm, 44 * mm
    values = [round(h.gross / 1000, 1) for h in hours]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [h.key for h in hours]
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e0e0e0")
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    drawing.add(chart)
    drawing.add(String(14 * mm, 57 * mm, pt("report.hour_chart"), fontName=SANS, fontSize=8))
    return drawing


def daily_report_pdf(
    report: DailyReport, kiosk: KioskInfo, path: str | Path, *, now: datetime | None = None
) -> None:
    """The day's report on A4: totals, splits by operator/kind/clerk/payment, hours as bars."""
    styles = _styles()
    title = pt("report.daily_title", date=f"{report.date:%d/%m/%Y}")
    story: list[Any] = [Paragraph(title, styles["title"]),
                        Paragraph(" · ".join(filter(None, (kiosk.name, kiosk.address))),
                                  styles["sub"])]
    summary = [
        [pt("report.summary"), ""],
        [pt("report.count"), str(report.count)],
        [pt("report.gross"), format_rupiah(report.gross)],
        *([[pt("report.cost"), format_rupiah(report.cost)],
           [pt("report.profit"), format_rupiah(report.profit)]] if report.with_cost else []),
        [pt("report.pending"), str(report.pending_count)],
        [pt("report.failed"), str(report.failed_count)],
        [pt("report.refund_owed"), format_rupiah(report.failed_amount)],
    ]
    story.append(_table(summary, [70 * mm, 45 * mm], numeric_from=1, zebra=True))
    sections = (
        ("report.by_operator", report.by_operator),
        ("report.by_kind", report.by_kind),
        ("report.by_clerk", report.by_clerk),
        ("report.by_payment", report.by_payment),
    )
    shown = report.with_cost
    for key, rows in sections:
        heading = Paragraph(pt(key), styles["h2"])
        if rows and len(rows) < 20:
            story.append(KeepTogether([heading, _breakdown_table(rows, pt("report.name"), shown)]))
        elif rows:  # long tables split across pages, their header repeated
            story += [heading, _breakdown_table(rows, pt("report.name"), shown)]
        else:
            story += [heading, Paragraph(pt("report.empty"), styles["body"])]
    story.append(Paragraph(pt("report.by_hour"), styles["h2"]))
    hours = sorted(report.by_hour, key=lambda h: h.key)
    if any(h.gross for h in hours):
        story.append(_hour_chart(hours))
        story.append(Spacer(1, 3 * mm))
        busy = [h for h in hours if h.count]
        story.append(_breakdown_table(busy, pt("report.hour"), shown))
    else:
        story.append(Paragraph(pt("report.empty"), styles["body"]))
    from kiosk_pos.printing.report_backoffice import backoffice_story  # kasbon, low stock

    story += backoffice_story(report, styles, _table)
    _build(path, story, kiosk, title, now)


def stock_list_pdf(
    rows: Iterable[StockRow], kiosk: KioskInfo, path: str | Path, *, now: datetime | None = None
) -> None:
    """All goods with stock, unit cost, price and stock value; out-of-stock rows in red."""
    styles = _styles()
    items = list(rows)
    title = pt("report.stock_title")
    data: list[list[Any]] = [[pt("report.sku"), pt("report.name"), pt("report.stock"),
                              pt("report.unit_cost"), pt("report.price"),
                              pt("report.stock_value")]]
    empty_rows: list[int] = []
    for index, (sku, name, stock, cost, price) in enumerate(items, start=1):
        data.append([sku, Paragraph(name, styles["cell"]), stock, format_rupiah(cost),
                     format_rupiah(price), format_rupiah(max(stock, 0) * cost)])
        if stock <= 0:
            empty_rows.append(index)
    total_value = sum(max(stock, 0) * cost for _, _, stock, cost, _ in items)
    data.append([pt("report.items", count=len(items)), "", sum(i[2] for i in items), "", "",
                 format_rupiah(total_value)])
    table = _table(data, [22 * mm, 62 * mm, 14 * mm, 26 * mm, 26 * mm, 28 * mm], numeric_from=2,
                   total_row=True)
    for index in empty_rows:
        table.setStyle(TableStyle([("TEXTCOLOR", (2, index), (2, index), colors.red)]))
    story: list[Any] = [
        Paragraph(title, styles["title"]),
        Paragraph(" · ".join(filter(None, (kiosk.name, kiosk.address,
                                           pt("report.out_of_stock", count=len(empty_rows))))),
                  styles["sub"]),
        table,
    ]
    _build(path, story, kiosk, title, now)


def kasbon_statement_pdf(
    statement: Statement, kiosk: KioskInfo, path: str | Path, *, now: datetime | None = None
) -> None:
    """A customer's kasbon on A4: each row with what remained owing after it, the total."""
    styles = _styles()
    c = statement.customer
    title = pt("report.kasbon_title", name=c.name)
    data: list[list[Any]] = [[pt("report.kasbon_date"), pt("report.kasbon_what"),
                              pt("report.kasbon_amount"), pt("report.kasbon_balance")]]
    if statement.opening_balance:
        data.append(["", pt("report.kasbon_opening"), "",
                     format_rupiah(statement.opening_balance)])
    for e in statement.entries:
        what = pt(f"report.kasbon.{e.kind.value}")
        if e.sale_id is not None:
            what += f" #{e.sale_id}"
        if e.method:
            what += f" ({pt('receipt.payment.' + e.method)})"
        if e.note:
            what += f" - {e.note}"
        data.append([format_datetime(local_time(e.created_at, kiosk.timezone)),
                     Paragraph(what, styles["cell"]), format_rupiah(e.amount),
                     format_rupiah(e.balance_after)])
    data.append([pt("report.kasbon_total"), "", "", format_rupiah(statement.balance)])
    table = _table(data, [36 * mm, 80 * mm, 30 * mm, 32 * mm], numeric_from=2, total_row=True)
    sub = " · ".join(filter(None, (c.phone, pt("report.kasbon_as_of",
                                                date=f"{statement.as_of:%d/%m/%Y}"))))
    story: list[Any] = [Paragraph(title, styles["title"]), Paragraph(sub, styles["sub"]), table]
    _build(path, story, kiosk, title, now)
