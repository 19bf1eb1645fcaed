"""Cek status: the sales of any day found by what a customer brings to the counter — the
number topped up (as typed: ``0812-3456-7890``, ``+62 812...``, ``62812...``, a meter id),
the Ref printed on the receipt (whole, or its first 8 characters or more) or the SN/token.

Newest first, a page at a time, and every look-up walks an index (no scan of the history):
a number by ``ix_sale_lines_destination`` (destination, sale_id), a Ref by the unique index
on ``topups.ref_id``, an SN by ``ix_topups_sn`` (migration 0006). Each look-up reads at most
``limit + 1`` ids older than ``before_id``; their union, newest first, is the page.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from pulsa_protocol.destinations import DestinationError, clean_digits, normalise_phone

from kiosk_pos.core.records import SaleRecord
from kiosk_pos.core.sale_reads import load_sales
from kiosk_pos.errors import KioskError

SEARCH_PAGE = 50  # sales per page of search results
MIN_PREFIX = 8    # a Ref or SN typed in part: at least this many characters
MAX_QUERY = 64
_NEWEST = 2**63 - 1  # "before" the newest sale: any id
_REF_CHARS = re.compile(r"^[0-9a-f-]+$")
_PAST = "\U0010ffff"  # sorts after any character a Ref or SN holds: the end of a prefix range

_BY_NUMBER = ("SELECT sale_id FROM sale_lines WHERE destination = ? AND destination != '' "
              "AND sale_id < ? ORDER BY sale_id DESC LIMIT ?")
_BY_REF = ("SELECT l.sale_id FROM topups t JOIN sale_lines l ON l.id = t.sale_line_id "
           "WHERE t.ref_id >= ? AND t.ref_id < ? AND l.sale_id < ? "
           "ORDER BY l.sale_id DESC LIMIT ?")
_BY_SN = ("SELECT l.sale_id FROM topups t JOIN sale_lines l ON l.id = t.sale_line_id "
          "WHERE t.sn >= ? AND t.sn < ? AND l.sale_id < ? "
          "ORDER BY l.sale_id DESC LIMIT ?")


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of the sales found, newest first, across days."""

    query: str
    sales: list[SaleRecord]
    more: bool  # older matches remain after this page


def _numbers(text: str) -> list[str]:
    """The destinations ``text`` may mean: a phone number normalised by the sale's own
    rules, and the digits as typed (a PLN meter or customer id)."""
    found: list[str] = []
    try:
        found.append(normalise_phone(text))
    except DestinationError:
        pass
    digits = clean_digits(text)
    if digits.isascii() and digits.isdigit() and digits not in found:
        found.append(digits)
    return found


def search_sale_ids(cur: sqlite3.Cursor, query: str, before_id: int | None,
                    limit: int) -> list[int]:
    """Up to ``limit`` ids of sales matching ``query`` older than ``before_id``, newest
    first. Refuses (one sentence) a text too short to be a number, a Ref or an SN."""
    text = query.strip()
    numbers = _numbers(text)
    if len(text) < MIN_PREFIX and not numbers:
        raise KioskError("error.search_too_short", min=MIN_PREFIX)
    before = _NEWEST if before_id is None else before_id
    found: set[int] = set()
    for number in numbers:
        found.update(r[0] for r in cur.execute(_BY_NUMBER, (number, before, limit)))
    if len(text) >= MIN_PREFIX:
        ref = text.lower()
        if _REF_CHARS.match(ref):
            found.update(r[0] for r in cur.execute(_BY_REF, (ref, ref + _PAST, before,
                                                             limit)))
        found.update(r[0] for r in cur.execute(_BY_SN, (text, text + _PAST, before, limit)))
    return sorted(found, reverse=True)[:limit]


def search_page(cur: sqlite3.Cursor, query: str, before_id: int | None,
                limit: int) -> SearchPage:
    """A page of the matches (one more id is read to know whether older ones remain)."""
    if len(query.strip()) > MAX_QUERY:
        raise KioskError("error.search_too_long", max=MAX_QUERY)
    ids = search_sale_ids(cur, query, before_id, limit + 1)
    return SearchPage(query.strip(), load_sales(cur, ids[:limit]), len(ids) > limit)
