"""The daily report's back office section (PDF): kasbon given, paid (cash, transfer) and
still owed, and the goods at or below their minimum ("Stok menipis"), the emptiest first."""

from __future__ import annotations

from typing import Any

from pulsa_protocol.money import format_rupiah
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph

from kiosk_pos.core.records import DailyReport
from kiosk_pos.i18n import tr


def kasbon_rows(report: DailyReport) -> list[tuple[str, str]]:
    """Caption and figure of each kasbon line (the screen shows the same)."""
    return [
        (tr("report_bo.kasbon_given", count=report.kasbon_count),
         format_rupiah(report.kasbon_sales)),
        (tr("report_bo.kasbon_paid_cash"), format_rupiah(report.kasbon_paid_cash)),
        (tr("report_bo.kasbon_paid_transfer"), format_rupiah(report.kasbon_paid_transfer)),
        (tr("report_bo.kasbon_outstanding"), format_rupiah(report.kasbon_outstanding)),
    ]


def backoffice_story(report: DailyReport, styles: dict[str, Any], table: Any) -> list[Any]:
    """Flowables for the PDF; ``table`` is the report's own table builder (same look)."""
    kasbon = [[tr("report_bo.what"), tr("report_bo.amount")],
              *[list(r) for r in kasbon_rows(report)]]
    story: list[Any] = [KeepTogether([
        Paragraph(tr("report_bo.kasbon"), styles["h2"]),
        table(kasbon, [70 * mm, 45 * mm], numeric_from=1, zebra=True)])]
    heading = Paragraph(tr("report_bo.low", count=report.low_stock_count), styles["h2"])
    if not report.low_stock_items:
        return [*story, heading, Paragraph(tr("report_bo.low_none"), styles["body"])]
    rows = [[tr("report_bo.sku"), tr("report_bo.name"), tr("report_bo.stock"),
             tr("report_bo.min")]]
    rows += [[sku, Paragraph(name, styles["cell"]), str(stock), str(least)]
             for sku, name, stock, least in report.low_stock_items]
    story += [heading, table(rows, [30 * mm, 80 * mm, 20 * mm, 20 * mm], numeric_from=2)]
    more = report.low_stock_count - len(report.low_stock_items)
    if more > 0:
        story.append(Paragraph(tr("report_bo.low_more", count=more), styles["body"]))
    return story
