"""Builders that turn shop records into :class:`ReceiptDocument` objects."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pulsa_protocol.money import format_rupiah

from kiosk_pos.core.records import (
    KioskInfo,
    PaymentMethod,
    ProductKind,
    SaleLineRecord,
    SaleRecord,
    TopUpRecord,
    TopUpStatus,
)
from kiosk_pos.printing.document import (
    Align,
    Block,
    CutBlock,
    ItemBlock,
    KeyValueBlock,
    QrBlock,
    ReceiptDocument,
    SeparatorBlock,
    TextBlock,
    TotalBlock,
)
from kiosk_pos.printing.texts import pt

PAPER_COLUMNS = {58: 32, 80: 48}


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` (UTC if naive) in the kiosk's timezone; Asia/Jakarta if the name is unknown."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Jakarta")
    return moment.astimezone(zone)


def format_datetime(moment: datetime) -> str:
    """``05/03/2025 14:32 WIB`` (the zone's own abbreviation)."""
    return f"{moment:%d/%m/%Y %H:%M} {moment.tzname() or ''}".strip()


def format_pln_token(token: str) -> str:
    """Group a 20-digit PLN token 4-4-4-4-4; anything else is returned as given."""
    digits = re.sub(r"\D", "", token)
    if len(digits) != 20:
        return token.strip()
    return "-".join(digits[i : i + 4] for i in range(0, 20, 4))


def _header(kiosk: KioskInfo, title: str, copy: bool) -> list[Block]:
    blocks: list[Block] = [TextBlock(kiosk.name, Align.CENTER, bold=True, large=True)]
    if kiosk.address:
        blocks.append(TextBlock(kiosk.address, Align.CENTER))
    blocks.append(SeparatorBlock("="))
    blocks.append(TextBlock(title, Align.CENTER, bold=True))
    if copy:
        blocks.append(TextBlock(pt("receipt.copy"), Align.CENTER, bold=True, large=True))
    return blocks


def _footer(kiosk: KioskInfo) -> list[Block]:
    blocks: list[Block] = [SeparatorBlock("=")]
    for line in kiosk.footer.splitlines():
        if line.strip():
            blocks.append(TextBlock(line.strip(), Align.CENTER))
    blocks.append(TextBlock(pt("receipt.thanks"), Align.CENTER))
    return blocks


def _pln_blocks(topup: TopUpRecord) -> list[Block]:
    """Token (big, grouped) and, when the SN carries them, name, tariff/power and kWh."""
    parts = [p.strip() for p in (topup.sn or "").split("/")]
    blocks: list[Block] = [
        TextBlock(pt("receipt.token"), Align.CENTER, bold=True),
        TextBlock(format_pln_token(parts[0]), Align.CENTER, bold=True, large=True),
    ]
    if len(parts) >= 2 and parts[1]:
        blocks.append(KeyValueBlock(pt("receipt.pln_name"), parts[1]))
    if len(parts) >= 4 and parts[2]:
        blocks.append(KeyValueBlock(pt("receipt.pln_tariff"), f"{parts[2]}/{parts[3]}"))
    if len(parts) >= 5 and parts[4]:
        blocks.append(KeyValueBlock(pt("receipt.pln_kwh"), parts[4]))
    return blocks


def _line_blocks(line: SaleLineRecord) -> list[Block]:
    details: tuple[str, ...] = ()
    if line.qty != 1:
        details = (pt("receipt.qty", qty=line.qty, price=format_rupiah(line.unit_price)),)
    blocks: list[Block] = [ItemBlock(line.name, line.amount, details)]
    topup = line.topup
    if not line.kind.electronic and topup is None:
        return blocks
    destination = (topup.destination if topup else "") or line.destination
    if destination:
        key = "receipt.customer_id" if line.kind is ProductKind.PLN else "receipt.destination"
        blocks.append(KeyValueBlock(pt(key), destination))
    if topup is None:
        return blocks
    if topup.status is TopUpStatus.SUCCESS:
        if line.kind is ProductKind.PLN and topup.sn:
            blocks.extend(_pln_blocks(topup))
        elif topup.sn:
            blocks.append(KeyValueBlock(pt("receipt.sn"), topup.sn))
    blocks.append(KeyValueBlock(pt("receipt.ref"), topup.ref_id))
    if topup.status in (TopUpStatus.PENDING, TopUpStatus.QUEUED):
        blocks.append(KeyValueBlock(pt("receipt.status"), pt("receipt.status.pending"), bold=True))
        blocks.append(TextBlock(pt("receipt.pending_note")))
    elif topup.status is TopUpStatus.FAILED:
        blocks.append(KeyValueBlock(pt("receipt.status"), pt("receipt.status.failed"), bold=True))
        blocks.append(TextBlock(pt("receipt.failed_note", amount=format_rupiah(line.amount))))
    return blocks


def receipt_from_sale(sale: SaleRecord, kiosk: KioskInfo, *, copy: bool = False) -> ReceiptDocument:
    """The customer's receipt (struk) for ``sale``; ``copy=True`` for a reprint (SALINAN)."""
    issued = local_time(sale.created_at, kiosk.timezone)
    blocks = _header(kiosk, pt("receipt.title"), copy)
    blocks += [
        KeyValueBlock(pt("receipt.date"), format_datetime(issued)),
        KeyValueBlock(pt("receipt.transaction"), f"#{sale.id}"),
        KeyValueBlock(pt("receipt.clerk"), sale.clerk_name),
        SeparatorBlock(),
    ]
    for index, line in enumerate(sale.lines):
        if index:
            blocks.append(SeparatorBlock("."))
        blocks.extend(_line_blocks(line))
    blocks += [SeparatorBlock(), TotalBlock(pt("receipt.total"), sale.total)]
    refunded = sum(
        line.amount for line in sale.lines
        if line.topup is not None and line.topup.status is TopUpStatus.FAILED
    )
    if sale.payment_method is PaymentMethod.CASH:
        if sale.kasbon:  # part on the customer's account, the rest paid in cash
            blocks.append(KeyValueBlock(pt("receipt.kasbon_part"), format_rupiah(sale.kasbon)))
        given = sale.cash_given if sale.cash_given is not None else sale.total - sale.kasbon
        blocks.append(KeyValueBlock(pt("receipt.cash_given"), format_rupiah(given)))
        blocks.append(KeyValueBlock(pt("receipt.change"), format_rupiah(sale.change)))
    else:
        method = pt(f"receipt.payment.{sale.payment_method.value}")
        blocks.append(KeyValueBlock(pt("receipt.payment"), method))
    if refunded:
        blocks.append(KeyValueBlock(pt("receipt.refunded"), format_rupiah(refunded), bold=True))
    blocks += _footer(kiosk)
    ref_ids = tuple(t.ref_id for t in sale.topups)
    if ref_ids:
        blocks.append(QrBlock("\n".join(ref_ids), pt("receipt.qr_caption")))
    blocks.append(CutBlock())
    return ReceiptDocument(
        title=pt("receipt.title"),
        blocks=tuple(blocks),
        issued_at=issued,
        reference=f"sale-{sale.id}",
        copy=copy,
        open_drawer=sale.payment_method is PaymentMethod.CASH and not copy,
        ref_ids=ref_ids,
    )


def test_page_document(
    kiosk: KioskInfo, width: int, *, now: datetime | None = None
) -> ReceiptDocument:
    """A page that shows the printer works: ruler of the column count, wrapping, total, QR, cut."""
    columns = PAPER_COLUMNS.get(width, 32)
    issued = local_time(now or datetime.now(UTC), kiosk.timezone)
    ruler = ("1234567890" * 5)[:columns]
    blocks = _header(kiosk, pt("test.title"), copy=False)
    blocks += [
        KeyValueBlock(pt("receipt.date"), format_datetime(issued)),
        KeyValueBlock(pt("test.paper"), f"{width} mm"),
        KeyValueBlock(pt("test.columns"), str(columns)),
        TextBlock(ruler),
        SeparatorBlock(),
        ItemBlock("Telkomsel Pulsa 100.000 (nama produk panjang untuk uji lipat baris)", 100_000),
        KeyValueBlock(pt("test.chars"), "é — “ok” ½ ß"),
        SeparatorBlock(),
        TotalBlock(pt("receipt.total"), 100_000),
        TextBlock(pt("test.ok"), Align.CENTER),
        QrBlock("kiosk-pos test page"),
        CutBlock(),
    ]
    return ReceiptDocument(
        title=pt("test.title"), blocks=tuple(blocks), issued_at=issued, reference="test-page"
    )


test_page_document.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def receipt_from_deposit_ticket(
    kiosk: KioskInfo,
    *,
    ticket_id: str,
    bank: str,
    account_no: str,
    amount: int,
    created_at: datetime,
    expires_at: datetime | None = None,
) -> ReceiptDocument:
    """A deposit ticket: the exact (made unique) amount the kiosk must transfer."""
    issued = local_time(created_at, kiosk.timezone)
    blocks = _header(kiosk, pt("deposit.title"), copy=False)
    blocks += [
        KeyValueBlock(pt("receipt.date"), format_datetime(issued)),
        KeyValueBlock(pt("receipt.ref"), ticket_id),
        SeparatorBlock(),
        KeyValueBlock(pt("deposit.bank"), bank),
        KeyValueBlock(pt("deposit.account"), account_no),
        TotalBlock(pt("deposit.amount"), amount),
        TextBlock(pt("deposit.note")),
    ]
    if expires_at is not None:
        expires = format_datetime(local_time(expires_at, kiosk.timezone))
        blocks.append(KeyValueBlock(pt("deposit.expires"), expires))
    blocks.append(CutBlock())
    return ReceiptDocument(
        title=pt("deposit.title"), blocks=tuple(blocks), issued_at=issued,
        reference=f"deposit-{ticket_id}",
    )
