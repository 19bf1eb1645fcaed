"""Reading sales back as records: three queries for any number of sales."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, select

from kiosk_pos.core.clock import from_db
from kiosk_pos.core.records import (
    PaymentMethod,
    ProductKind,
    SaleLineRecord,
    SaleRecord,
    TopUpRecord,
    TopUpStatus,
)
from kiosk_pos.store.schema import sale_lines, sales, topups, users


def topup_from_row(row: object) -> TopUpRecord:
    r = row
    return TopUpRecord(r.ref_id, r.sku, r.destination, TopUpStatus(r.status), r.sn,  # type: ignore[attr-defined]
                       r.message, r.cost, from_db(r.updated_at))  # type: ignore[attr-defined]


def load_sales(conn: Connection, ids: Sequence[int]) -> list[SaleRecord]:
    """Sales with their lines and top-ups, in the order of ``ids``."""
    if not ids:
        return []
    head = {r.id: r for r in conn.execute(
        select(sales, users.c.name.label("clerk_name"))
        .join(users, users.c.id == sales.c.clerk_id).where(sales.c.id.in_(ids)))}
    line_rows = conn.execute(select(sale_lines).where(sale_lines.c.sale_id.in_(ids))
                             .order_by(sale_lines.c.id)).all()
    line_ids = [r.id for r in line_rows]
    by_line = {r.sale_line_id: topup_from_row(r) for r in conn.execute(
        select(topups).where(topups.c.sale_line_id.in_(line_ids)))} if line_ids else {}
    lines: dict[int, list[SaleLineRecord]] = defaultdict(list)
    for r in line_rows:
        lines[r.sale_id].append(SaleLineRecord(
            r.id, r.sku, r.name, ProductKind(r.kind), r.operator, r.qty, r.unit_price,
            r.unit_cost, r.destination, by_line.get(r.id)))
    out = []
    for sale_id in ids:
        h = head.get(sale_id)
        if h is None:
            continue
        out.append(SaleRecord(
            h.id, from_db(h.created_at), h.business_date, h.clerk_id, h.clerk_name,
            PaymentMethod(h.payment_method), h.total, h.cash_given, h.change,
            tuple(lines[h.id])))
    return out


def recent_sale_ids(conn: Connection, day: date, limit: int) -> list[int]:
    return list(conn.execute(
        select(sales.c.id).where(sales.c.business_date == day)
        .order_by(sales.c.id.desc()).limit(limit)).scalars())
