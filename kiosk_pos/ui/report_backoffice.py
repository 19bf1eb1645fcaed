"""The report screen's back office line: kasbon given, paid and still owed, and the goods
at or below their minimum (the first few by name); empty when there is none of either."""

from __future__ import annotations

from kiosk_pos.core.records import DailyReport
from kiosk_pos.i18n import tr

NAMED = 3  # low-stock goods named on the line; the count says how many there are


def backoffice_text(report: DailyReport) -> str:
    parts = []
    if report.kasbon_sales or report.kasbon_paid_cash or report.kasbon_paid_transfer \
            or report.kasbon_outstanding:
        parts.append(tr("report_bo.line_kasbon", given=report.kasbon_sales,
                        paid=report.kasbon_paid_cash + report.kasbon_paid_transfer,
                        owed=report.kasbon_outstanding))
    if report.low_stock_count:
        names = ", ".join(f"{name} ({stock}/{least})"
                          for _sku, name, stock, least in report.low_stock_items[:NAMED])
        more = report.low_stock_count - min(NAMED, len(report.low_stock_items))
        parts.append(tr("report_bo.line_low", count=report.low_stock_count, names=names)
                     + (tr("report_bo.line_more", count=more) if more > 0 else ""))
    return "  ·  ".join(parts)
