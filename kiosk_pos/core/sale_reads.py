"""Reading sales back as records, the one place that does: five queries for any number
of sales (head, lines, top-ups, kasbon, complaint state), today's recent sales, a day's
sales a page at a time (newest first) with the day's count and total as one aggregate,
the queue and the deposit. Through a plain sqlite3 cursor (:meth:`Database.read_raw`), so
the sales screen's first figures do not wait for SQLAlchemy to import.

Columns are read in the formats SQLAlchemy's SQLite types store them: ``DateTime`` as
``YYYY-MM-DD HH:MM:SS.ffffff`` (naive UTC), ``Date`` as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kiosk_pos.core.clock import from_db
from kiosk_pos.core.records import (
    PaymentMethod,
    ProductKind,
    SaleLineRecord,
    SaleRecord,
    TopUpRecord,
    TopUpStatus,
)

_HEAD = ("SELECT s.id, s.created_at, s.business_date, s.clerk_id, u.name, s.payment_method, "
         "s.total, s.cash_given, s.change FROM sales s JOIN users u ON u.id = s.clerk_id "
         "WHERE s.id IN ({marks})")
# what went on a customer's account, through the ledger's sale_id index
_KASBON = ("SELECT sale_id, sum(amount) FROM kasbon_entries WHERE sale_id IN ({marks}) "
           "AND kind = 'sale' GROUP BY sale_id")
_LINES = ("SELECT id, sale_id, sku, name, kind, operator, qty, unit_price, unit_cost, "
          "destination FROM sale_lines WHERE sale_id IN ({marks}) ORDER BY id")
_TOPUPS = ("SELECT sale_line_id, ref_id, sku, destination, status, sn, message, cost, "
           "updated_at FROM topups WHERE sale_line_id IN ({marks})")
# each sale's complaint state (its newest complaint wins), through ix_complaints_sale_id
_COMPLAINTS = "SELECT id, sale_id, status FROM complaints WHERE sale_id IN ({marks})"
_NEWEST = "SELECT id FROM sales WHERE business_date = ? ORDER BY id DESC LIMIT ?"
_OLDER = ("SELECT id FROM sales WHERE business_date = ? AND id < ? "
          "ORDER BY id DESC LIMIT ?")
_TOTALS = "SELECT count(*), coalesce(sum(total), 0) FROM sales WHERE business_date = ?"
# The day's failed top-up lines, which the day's total includes and the report does not. The
# day's sales by ix_sales_business_date, then each line and top-up by its key ("+t.status":
# never ix_topups_status, which would walk every failed top-up of the history).
_FAILED = ("SELECT count(*), coalesce(sum(l.qty * l.unit_price), 0) FROM sales s "
           "JOIN sale_lines l ON l.sale_id = s.id JOIN topups t ON t.sale_line_id = l.id "
           "WHERE s.business_date = ? AND +t.status = 'failed'")
_FOR_DAY = "SELECT id FROM sales WHERE business_date = ? ORDER BY id"
_BY_REF = ("SELECT l.sale_id FROM sale_lines l JOIN topups t ON t.sale_line_id = l.id "
           "WHERE t.ref_id = ?")
_UNSENT = "SELECT count(*) FROM outbox WHERE sent_at IS NULL"
_BALANCE = ("SELECT balance_after FROM deposit_ledger "
            "WHERE id = (SELECT max(id) FROM deposit_ledger)")  # a look-up, not a scan
_CHUNK = 500  # SQLite's bound-parameter limit is 999 on old builds


def _moment(text: str) -> datetime:
    return from_db(datetime.fromisoformat(text))


def _in(cur: sqlite3.Cursor, sql: str, ids: Sequence[int]) -> list[tuple]:
    rows: list[tuple] = []
    for i in range(0, len(ids), _CHUNK):
        chunk = list(ids[i:i + _CHUNK])
        rows.extend(cur.execute(sql.format(marks=",".join("?" * len(chunk))), chunk))
    return rows


def load_sales(cur: sqlite3.Cursor, ids: Sequence[int]) -> list[SaleRecord]:
    """Sales with their lines and top-ups, in the order of ``ids``."""
    if not ids:
        return []
    head = {r[0]: r for r in _in(cur, _HEAD, ids)}
    line_rows = _in(cur, _LINES, ids)
    line_rows.sort(key=lambda r: r[0])
    by_line = {r[0]: TopUpRecord(r[1], r[2], r[3], TopUpStatus(r[4]), r[5], r[6], r[7],
                                 _moment(r[8]))
               for r in _in(cur, _TOPUPS, [r[0] for r in line_rows])}
    lines: dict[int, list[SaleLineRecord]] = defaultdict(list)
    for line_id, sale_id, sku, name, kind, operator, qty, price, cost, dest in line_rows:
        lines[sale_id].append(SaleLineRecord(line_id, sku, name, ProductKind(kind), operator,
                                             qty, price, cost, dest, by_line.get(line_id)))
    kasbon = dict(_in(cur, _KASBON, ids))
    complaint = {sale_id: state for _id, sale_id, state in sorted(_in(cur, _COMPLAINTS, ids))}
    out = []
    for sale_id in ids:
        h = head.get(sale_id)
        if h is None:
            continue
        out.append(SaleRecord(h[0], _moment(h[1]), date.fromisoformat(h[2]), h[3], h[4],
                              PaymentMethod(h[5]), h[6], h[7], h[8], tuple(lines[h[0]]),
                              kasbon.get(h[0], 0), complaint.get(h[0], "")))
    return out


@dataclass(frozen=True, slots=True)
class DayPage:
    """One page of a day's sales, newest first, with the whole day's count and total."""

    day: date
    sales: list[SaleRecord]
    count: int
    total: int
    more: bool  # older sales of the day remain after this page
    failed_count: int = 0   # failed top-up lines of the day (in ``total``, not in the report)
    failed_amount: int = 0


def recent_sale_ids(cur: sqlite3.Cursor, day: date, limit: int) -> list[int]:
    return day_page_ids(cur, day, None, limit)


def day_page_ids(cur: sqlite3.Cursor, day: date, before_id: int | None,
                 limit: int) -> list[int]:
    """Up to ``limit`` ids of the day's sales older than ``before_id``, newest first.

    Bounded whatever the day holds: ix_sales_business_date keeps (business_date, rowid)
    in order, so SQLite walks the index backwards from ``before_id`` and stops at
    ``limit`` (no sort, no scan of the day)."""
    if before_id is None:
        rows = cur.execute(_NEWEST, (day.isoformat(), limit))
    else:
        rows = cur.execute(_OLDER, (day.isoformat(), before_id, limit))
    return [r[0] for r in rows]


def day_totals(cur: sqlite3.Cursor, day: date) -> tuple[int, int]:
    """The day's number of sales and their total in rupiah, counted by the database."""
    count, total = cur.execute(_TOTALS, (day.isoformat(),)).fetchone()
    return int(count), int(total)


def day_page(cur: sqlite3.Cursor, day: date, before_id: int | None, limit: int,
             with_totals: bool = True) -> DayPage:
    """A page of the day's sales (one more id is read to know whether older ones remain)."""
    ids = day_page_ids(cur, day, before_id, limit + 1)
    count, total = day_totals(cur, day) if with_totals else (-1, -1)
    failed, failed_amount = (cur.execute(_FAILED, (day.isoformat(),)).fetchone()
                             if with_totals else (0, 0))
    return DayPage(day, load_sales(cur, ids[:limit]), count, total, len(ids) > limit,
                   int(failed), int(failed_amount))


def sale_ids_for_day(cur: sqlite3.Cursor, day: date) -> list[int]:
    return [r[0] for r in cur.execute(_FOR_DAY, (day.isoformat(),))]


def sale_id_for_ref(cur: sqlite3.Cursor, ref_id: str) -> int | None:
    row = cur.execute(_BY_REF, (ref_id,)).fetchone()
    return None if row is None else row[0]


def unsent_count(cur: sqlite3.Cursor) -> int:
    return int(cur.execute(_UNSENT).fetchone()[0] or 0)


def deposit_balance(cur: sqlite3.Cursor) -> int:
    row = cur.execute(_BALANCE).fetchone()
    return int(row[0]) if row else 0
