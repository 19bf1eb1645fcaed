"""The commonest costly clerk mistake: the same product sold to the same number twice in a
few minutes (a double Enter, a customer who asks again while the first is still queued).

Before payment the sales screen asks :func:`earlier_same_sales` whether a line of the cart
repeats a sale made within :data:`DUPLICATE_WINDOW`; if so the clerk confirms, seeing the
earlier sale's time and status. The look-up walks ``ix_sale_lines_destination``
(destination, sale_id) newest first and reads at most :data:`_LOOK_BACK` lines of that one
number, then each line's sale and top-up by their keys: no scan of the history, however
long (tests/store/test_duplicate_plans.py reads the plan).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk_pos.core.clock import from_db
from kiosk_pos.core.records import CartLine, TopUpStatus

DUPLICATE_WINDOW = timedelta(minutes=5)
_LOOK_BACK = 20  # a number's newest lines read; sale ids grow with time, so older ones are older

EARLIER_SAME = (
    "SELECT l.sale_id, l.sku, l.name, l.destination, s.created_at, t.status "
    "FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
    "LEFT JOIN topups t ON t.sale_line_id = l.id "
    "WHERE l.destination = ? AND l.destination != '' "
    "ORDER BY l.sale_id DESC LIMIT ?")


@dataclass(frozen=True, slots=True)
class EarlierSale:
    """A sale of the same product to the same number made a short while ago."""

    sale_id: int
    sku: str
    name: str
    destination: str
    created_at: datetime  # UTC
    status: TopUpStatus | None  # None: a line without a top-up


def earlier_same_sales(cur: sqlite3.Cursor, lines: Sequence[CartLine], now: datetime,
                       window: timedelta = DUPLICATE_WINDOW) -> list[EarlierSale]:
    """For each electronic line of ``lines`` (destinations already normalised), the newest
    sale of the same SKU to the same destination made after ``now - window``."""
    since = now - window
    found: list[EarlierSale] = []
    asked: set[tuple[str, str]] = set()
    for line in lines:
        key = (line.sku, line.destination)
        if not line.destination or key in asked:
            continue
        asked.add(key)
        for sale_id, sku, name, dest, created, status in cur.execute(
                EARLIER_SAME, (line.destination, _LOOK_BACK)):
            moment = from_db(datetime.fromisoformat(created))
            if moment < since:
                break  # newest first: every older line is older still
            if sku.lower() == line.sku.lower():
                found.append(EarlierSale(sale_id, sku, name, dest, moment,
                                         TopUpStatus(status) if status else None))
                break
    return found
