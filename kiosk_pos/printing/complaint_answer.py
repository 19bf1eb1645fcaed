"""The distributor's answer to a complaint, printed for the customer (struk jawaban komplain).

One :class:`ReceiptDocument` like every receipt, so it prints on the thermal printer
(ESC/POS) and saves as PDF through the same renderers.
"""

from __future__ import annotations

from kiosk_pos.core.complaints import ComplaintRecord
from kiosk_pos.core.records import KioskInfo
from kiosk_pos.i18n import tr
from kiosk_pos.printing.document import (
    Align,
    Block,
    CutBlock,
    KeyValueBlock,
    ReceiptDocument,
    SeparatorBlock,
    TextBlock,
    TotalBlock,
)
from kiosk_pos.printing.receipts import _footer, _header, format_datetime, local_time


def complaint_answer_document(record: ComplaintRecord, kiosk: KioskInfo) -> ReceiptDocument:
    """The complaint, what was bought, and every answer the desk gave, newest last."""
    title = tr("complaints.print.title")
    issued = local_time(record.created_at, kiosk.timezone)
    blocks: list[Block] = _header(kiosk, title, copy=False)
    blocks += [
        KeyValueBlock(tr("complaints.print.filed"), format_datetime(issued)),
        KeyValueBlock(tr("complaints.print.sale"), f"#{record.sale_id}"),
        KeyValueBlock(tr("complaints.print.product"), record.sku),
        KeyValueBlock(tr("complaints.print.number"), record.destination),
        KeyValueBlock(tr("complaints.print.reason"),
                      tr(f"complaints.reason.{record.reason.value}")),
    ]
    if record.note:
        blocks.append(TextBlock(record.note))
    blocks.append(KeyValueBlock(tr("complaints.print.status"),
                                tr(f"complaints.state.{record.status.value}"), bold=True))
    for answer in record.answers:
        blocks += [SeparatorBlock(),
                   TextBlock(tr(f"complaints.kind.{answer.kind}"), bold=True),
                   TextBlock(format_datetime(local_time(answer.answered_at, kiosk.timezone)))]
        if answer.sn:
            blocks.append(TextBlock(f"SN: {answer.sn}", bold=True))
        if answer.text:
            blocks.append(TextBlock(answer.text))
    if record.refunded:
        blocks.append(TotalBlock(tr("complaints.print.refunded"), record.refunded))
    if not record.answers:
        blocks += [SeparatorBlock(), TextBlock(tr("complaints.print.waiting"), Align.CENTER)]
    blocks += _footer(kiosk)
    blocks.append(CutBlock())
    return ReceiptDocument(title=title, blocks=tuple(blocks), issued_at=issued,
                           reference=f"komplain-{record.sale_id}",
                           ref_ids=(record.ref_id,))
