"""Records as JSON-ready dicts (the CLI contract) and as short human lines."""

from __future__ import annotations

from typing import Any

from pulsa_protocol.money import format_rupiah

from kiosk_pos.core.records import Breakdown, DailyReport, Product, SaleLineRecord, SaleRecord
from kiosk_pos.i18n import tr


def product_json(p: Product) -> dict[str, Any]:
    return {"sku": p.sku, "name": p.name, "kind": p.kind.value, "operator": p.operator,
            "nominal": p.nominal, "price": p.price, "cost": p.cost, "barcode": p.barcode,
            "stock": p.stock if not p.kind.electronic else None, "active": p.active}


def line_json(line: SaleLineRecord) -> dict[str, Any]:
    t = line.topup
    return {"id": line.id, "sku": line.sku, "name": line.name, "kind": line.kind.value,
            "operator": line.operator, "qty": line.qty, "unit_price": line.unit_price,
            "unit_cost": line.unit_cost, "amount": line.amount,
            "destination": line.destination or None,
            "ref_id": t.ref_id if t else None, "status": t.status.value if t else "done",
            "sn": t.sn if t else None, "message": t.message if t else None}


def sale_json(sale: SaleRecord) -> dict[str, Any]:
    lines = [line_json(line) for line in sale.lines]
    refs = [line["ref_id"] for line in lines if line["ref_id"]]
    sns = [line["sn"] for line in lines if line["sn"]]
    return {
        "id": sale.id, "created_at": sale.created_at.isoformat(),
        "business_date": sale.business_date.isoformat(), "clerk": sale.clerk_name,
        "payment_method": sale.payment_method.value, "status": sale.status,
        "total": sale.total, "cash_given": sale.cash_given, "change": sale.change,
        "ref_id": refs[0] if len(refs) == 1 else (refs or None),
        "sn": sns[0] if len(sns) == 1 else (sns or None),
        "lines": lines,
    }


def breakdown_json(rows: tuple[Breakdown, ...]) -> list[dict[str, Any]]:
    """Cost and profit are ``null`` where they are withheld from the reader."""
    return [{"key": b.key, "label": b.label, "count": b.count, "gross": b.gross,
             "cost": b.cost if b.with_cost else None,
             "profit": b.profit if b.with_cost else None} for b in rows]


def report_json(r: DailyReport) -> dict[str, Any]:
    """The day's report; ``cost``, ``profit`` and ``refunded_cost`` are ``null`` (and
    ``with_cost`` false) when they are withheld from the reader."""
    shown = r.with_cost
    return {"date": r.date.isoformat(), "count": r.count, "gross": r.gross,
            "cost": r.cost if shown else None, "profit": r.profit if shown else None,
            "with_cost": shown, "by_operator": breakdown_json(r.by_operator),
            "by_kind": breakdown_json(r.by_kind), "by_clerk": breakdown_json(r.by_clerk),
            "by_payment": breakdown_json(r.by_payment), "by_hour": breakdown_json(r.by_hour),
            "pending_count": r.pending_count, "failed_count": r.failed_count,
            "failed_amount": r.failed_amount, "cash_sales": r.cash_sales,
            "kasbon_sales": r.kasbon_sales, "kasbon_count": r.kasbon_count,
            "kasbon_paid_cash": r.kasbon_paid_cash,
            "kasbon_paid_transfer": r.kasbon_paid_transfer,
            "low_stock_count": r.low_stock_count,
            "refund_count": r.refund_count,
            "refunded": r.refunded, "refunded_cost": r.refunded_cost if shown else None}


def sale_text(sale: SaleRecord, timezone: str) -> str:
    """A sale in a few lines, its time in the kiosk's own time zone (WIB, ...) as the app and
    the receipts show it, whatever zone the computer is set to."""
    from zoneinfo import ZoneInfo

    local = sale.created_at.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
    parts = [f"#{sale.id} {local} {sale.clerk_name} {format_rupiah(sale.total)} "
             f"{tr('payment.' + sale.payment_method.value)} [{tr('status.' + sale.status)}]"]
    for line in sale.lines:
        t = line.topup
        extra = f" -> {line.destination}" if line.destination else f" x{line.qty}"
        state = f" {tr('status.' + t.status.value)}" + (f" SN {t.sn}" if t and t.sn else "") \
            if t else ""
        parts.append(f"    {line.name}{extra} {format_rupiah(line.amount)}{state}")
    return "\n".join(parts)


def report_text(r: DailyReport) -> str:
    money = (f", modal {format_rupiah(r.cost)}, laba {format_rupiah(r.profit)}"
             if r.with_cost else "")
    out = [f"{r.date.isoformat()}: {r.count} transaksi, omzet {format_rupiah(r.gross)}{money}"]
    for title, rows in (("operator", r.by_operator), ("jenis", r.by_kind),
                        ("kasir", r.by_clerk), ("pembayaran", r.by_payment)):
        out.append(f"  per {title}:")
        out += [f"    {b.label:<16} {b.count:>5} {format_rupiah(b.gross):>14}"
                + (f" {format_rupiah(b.profit):>12}" if r.with_cost else "") for b in rows]
    if r.failed_count:
        out.append(f"  gagal: {r.failed_count} ({format_rupiah(r.failed_amount)} dikembalikan)")
    if r.low_stock_count:
        out.append(f"  stok menipis: {r.low_stock_count} barang (kiosk-pos stock low)")
    if r.kasbon_count or r.kasbon_paid_cash or r.kasbon_paid_transfer:
        out.append(f"  kasbon: {r.kasbon_count} penjualan {format_rupiah(r.kasbon_sales)} "
                   f"(bukan uang di laci); pembayaran kasbon tunai "
                   f"{format_rupiah(r.kasbon_paid_cash)}, transfer "
                   f"{format_rupiah(r.kasbon_paid_transfer)}")
    if r.refund_count:
        out.append(f"  retur: {r.refund_count} ({format_rupiah(r.refunded)} dikembalikan)")
    return "\n".join(out)
