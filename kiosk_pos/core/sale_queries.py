"""Reading sales back as records: three queries for any number of sales; a day's sales
a page at a time, newest first, and the day's count and total as one aggregate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, select

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


@dataclass(frozen=True, slots=True)
class DayPage:
    """One page of a day's sales, newest first, with the whole day's count and total."""

    day: date
    sales: list[SaleRecord]
    count: int
    total: int
    more: bool  # older sales of the day remain after this page


def recent_sale_ids(conn: Connection, day: date, limit: int) -> list[int]:
    return day_page_ids(conn, day, None, limit)


def day_page_ids(conn: Connection, day: date, before_id: int | None, limit: int) -> list[int]:
    """Up to ``limit`` ids of the day's sales older than ``before_id``, newest first.

    Bounded whatever the day holds: ix_sales_business_date keeps (business_date, rowid)
    in order, so SQLite walks the index backwards from ``before_id`` and stops at
    ``limit`` (no sort, no scan of the day)."""
    query = select(sales.c.id).where(sales.c.business_date == day)
    if before_id is not None:
        query = query.where(sales.c.id < before_id)
    return list(conn.execute(query.order_by(sales.c.id.desc()).limit(limit)).scalars())


def day_totals(conn: Connection, day: date) -> tuple[int, int]:
    """The day's number of sales and their total in rupiah, counted by the database."""
    row = conn.execute(select(func.count(), func.coalesce(func.sum(sales.c.total), 0))
                       .where(sales.c.business_date == day)).one()
    return int(row[0]), int(row[1])


def day_page(conn: Connection, day: date, before_id: int | None, limit: int,
             with_totals: bool = True) -> DayPage:
    """A page of the day's sales (one more id is read to know whether older ones remain)."""
    ids = day_page_ids(conn, day, before_id, limit + 1)
    count, total = day_totals(conn, day) if with_totals else (-1, -1)
    return DayPage(day, load_sales(conn, ids[:limit]), count, total, len(ids) > limit)
