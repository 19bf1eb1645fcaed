"""The shift report (laporan shift / Z report) and the refund receipt as documents of the
one document model, so they print on 58/80 mm paper, save as PDF and show as text like a
receipt does."""

from __future__ import annotations

from pulsa_protocol.money import format_rupiah

from kiosk_pos.core.records import KioskInfo
from kiosk_pos.core.refunds import RefundRecord
from kiosk_pos.core.shifts import ShiftReport
from kiosk_pos.printing.document import (
    Align,
    Block,
    CutBlock,
    ItemBlock,
    KeyValueBlock,
    ReceiptDocument,
    SeparatorBlock,
    TextBlock,
    TotalBlock,
)
from kiosk_pos.printing.receipts import format_datetime, local_time
from kiosk_pos.printing.text_render import render_text
from kiosk_pos.printing.texts import pt


def _head(kiosk: KioskInfo, title: str) -> list[Block]:
    blocks: list[Block] = [TextBlock(kiosk.name, Align.CENTER, bold=True, large=True)]
    if kiosk.address:
        blocks.append(TextBlock(kiosk.address, Align.CENTER))
    blocks += [SeparatorBlock("="), TextBlock(title, Align.CENTER, bold=True)]
    return blocks


def _rp(amount: int) -> str:
    return format_rupiah(amount) if amount >= 0 else "-" + format_rupiah(-amount)


def shift_report_document(report: ShiftReport, kiosk: KioskInfo) -> ReceiptDocument:
    s, f = report.shift, report.figures
    zone = kiosk.timezone
    blocks = _head(kiosk, pt("shift.title"))
    blocks += [
        KeyValueBlock(pt("shift.number"), f"#{s.id}"),
        KeyValueBlock(pt("shift.opened"), format_datetime(local_time(s.opened_at, zone))),
        KeyValueBlock(pt("shift.opened_by"), s.opened_by or "-"),
    ]
    if s.closed_at is not None:
        blocks += [KeyValueBlock(pt("shift.closed"),
                                 format_datetime(local_time(s.closed_at, zone))),
                   KeyValueBlock(pt("shift.closed_by"), s.closed_by or "-")]
    else:
        blocks.append(TextBlock(pt("shift.still_open"), Align.CENTER, bold=True))
    blocks.append(SeparatorBlock())
    if report.blind:  # the clerk counts before seeing what the drawer should hold
        blocks.append(TextBlock(pt("shift.blind"), Align.CENTER))
    else:
        for key, amount in f.parts().items():
            blocks.append(KeyValueBlock(pt(f"shift.part.{key}"), _rp(amount)))
        expected = s.expected if s.expected is not None else f.expected
        blocks += [SeparatorBlock(), TotalBlock(pt("shift.expected"), expected)]
    if s.counted is not None:
        blocks.append(KeyValueBlock(pt("shift.counted"), _rp(s.counted), bold=True))
        blocks.append(KeyValueBlock(pt("shift.difference"), _rp(s.difference or 0), bold=True))
    if f.non_cash or f.non_cash_refunds:
        blocks += [SeparatorBlock(), TextBlock(pt("shift.non_cash"), bold=True)]
        for method, count, total in f.non_cash:
            blocks.append(KeyValueBlock(f"{pt('receipt.payment.' + method)} ({count})",
                                        _rp(total)))
        if f.non_cash_refunds:
            blocks.append(KeyValueBlock(pt("shift.non_cash_refunds"), _rp(-f.non_cash_refunds)))
    blocks += [SeparatorBlock("="), CutBlock()]
    return ReceiptDocument(title=pt("shift.title"), blocks=tuple(blocks),
                           issued_at=local_time(s.closed_at or s.opened_at, zone),
                           reference=f"shift-{s.id}")


def shift_report_text(report: ShiftReport, kiosk: KioskInfo, width: int = 80) -> str:
    return render_text(shift_report_document(report, kiosk), width)


def refund_receipt(refund: RefundRecord, kiosk: KioskInfo) -> ReceiptDocument:
    """The customer's refund receipt (STRUK RETUR), pointing at the original sale."""
    issued = local_time(refund.created_at, kiosk.timezone)
    blocks = _head(kiosk, pt("refund.title"))
    blocks += [
        KeyValueBlock(pt("receipt.date"), format_datetime(issued)),
        KeyValueBlock(pt("refund.number"), f"#{refund.id}"),
        KeyValueBlock(pt("refund.of_sale"), f"#{refund.sale_id}"),
        KeyValueBlock(pt("receipt.clerk"), refund.clerk_name),
    ]
    if refund.approver_name:
        blocks.append(KeyValueBlock(pt("refund.approver"), refund.approver_name))
    blocks += [TextBlock(pt("refund.reason", reason=refund.reason)), SeparatorBlock()]
    for line in refund.lines:
        blocks.append(ItemBlock(line.name, -line.amount, (f"{line.qty} x",)))
    blocks += [SeparatorBlock(), TotalBlock(pt("refund.total"), refund.amount),
               KeyValueBlock(pt("receipt.payment"),
                             pt(f"receipt.payment.{refund.method.value}")),
               SeparatorBlock("="), CutBlock()]
    return ReceiptDocument(title=pt("refund.title"), blocks=tuple(blocks), issued_at=issued,
                           reference=f"refund-{refund.id}",
                           open_drawer=refund.method.value == "cash")
