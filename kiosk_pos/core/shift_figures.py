"""What a shift's drawer should hold, derived from rows (never typed).

expected = opening float + cash received for sales - change given (together: the cash
sales' totals) + cash in - cash out - cash refunds - cash paid back for failed top-ups
+ kasbon payments received in cash. Non-cash sales (QRIS, transfer, kasbon) are totalled
apart: they are not drawer cash. A cash sale with part on kasbon brings only its cash part
into the drawer (its cash given less change); the part is listed with the kasbon sales.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

# Indonesian notes and coins, largest first, for counting the drawer by denomination.
DENOMINATIONS = (100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000, 500, 200, 100)

_FLOAT = "SELECT opening_float FROM shifts WHERE id = ?"
_CASH_SALES = ("SELECT count(*), coalesce(sum(s.cash_given), 0), coalesce(sum(s.change), 0) "
               "FROM shift_sales ss JOIN sales s ON s.id = ss.sale_id "
               "WHERE ss.shift_id = ? AND s.payment_method = 'cash'")
_NON_CASH = ("SELECT s.payment_method, count(*), coalesce(sum(s.total), 0) "
             "FROM shift_sales ss JOIN sales s ON s.id = ss.sale_id "
             "WHERE ss.shift_id = ? AND s.payment_method != 'cash' "
             "GROUP BY s.payment_method ORDER BY s.payment_method")
# the kasbon parts of the shift's cash sales: its sales through the shift_id index, each
# one's ledger rows through the kasbon ledger's sale_id index
_KASBON_PARTS = ("SELECT count(DISTINCT s.id), coalesce(sum(k.amount), 0) "
                 "FROM shift_sales ss JOIN sales s ON s.id = ss.sale_id "
                 "JOIN kasbon_entries k ON k.sale_id = s.id "
                 "WHERE ss.shift_id = ? AND s.payment_method = 'cash' AND k.kind = 'sale'")
_MOVES = ("SELECT kind, coalesce(sum(amount), 0) FROM cash_movements WHERE shift_id = ? "
          "GROUP BY kind")
_REFUNDS = ("SELECT method, coalesce(sum(amount), 0) FROM refunds WHERE shift_id = ? "
            "GROUP BY method")


@dataclass(frozen=True, slots=True)
class ShiftFigures:
    opening_float: int
    cash_sales_count: int
    cash_received: int     # cash handed over for cash sales
    change_given: int
    cash_in: int
    cash_out: int
    cash_refunds: int
    topup_paybacks: int    # cash handed back for failed top-ups, as the clerk confirmed
    kasbon_cash: int       # kasbon paid off in cash while the shift was open
    # method, n, total; the kasbon row holds the kasbon parts of cash sales too
    non_cash: tuple[tuple[str, int, int], ...] = field(default_factory=tuple)
    non_cash_refunds: int = 0

    @property
    def cash_sales(self) -> int:
        return self.cash_received - self.change_given

    @property
    def expected(self) -> int:
        return (self.opening_float + self.cash_received - self.change_given + self.cash_in
                - self.cash_out - self.cash_refunds - self.topup_paybacks + self.kasbon_cash)

    def parts(self) -> dict[str, int]:
        """The figures that make ``expected``, signed as they count (the CLI's JSON)."""
        return {"opening_float": self.opening_float, "cash_received": self.cash_received,
                "change_given": -self.change_given, "cash_in": self.cash_in,
                "cash_out": -self.cash_out, "cash_refunds": -self.cash_refunds,
                "topup_paybacks": -self.topup_paybacks, "kasbon_cash": self.kasbon_cash}


_KASBON_CASH = (
    "SELECT coalesce(-sum(k.amount), 0) FROM shifts AS sh JOIN kasbon_entries AS k "
    "ON k.created_at >= sh.opened_at AND (sh.closed_at IS NULL OR k.created_at < sh.closed_at) "
    "WHERE sh.id = ? AND k.kind = 'payment' AND k.method = 'cash'")


def kasbon_cash_received(cur: sqlite3.Cursor, shift_id: int) -> int:
    """Kasbon repaid in cash while the shift was open (the kasbon ledger's rows by their
    time, through its ``created_at`` index): that cash went into this drawer."""
    return int(cur.execute(_KASBON_CASH, (shift_id,)).fetchone()[0])


def figures(cur: sqlite3.Cursor, shift_id: int) -> ShiftFigures:
    opening = cur.execute(_FLOAT, (shift_id,)).fetchone()[0]
    count, received, change = cur.execute(_CASH_SALES, (shift_id,)).fetchone()
    moves = dict(cur.execute(_MOVES, (shift_id,)).fetchall())
    refunds = dict(cur.execute(_REFUNDS, (shift_id,)).fetchall())
    non_cash = _with_parts([tuple(r) for r in cur.execute(_NON_CASH, (shift_id,)).fetchall()],
                           *cur.execute(_KASBON_PARTS, (shift_id,)).fetchone())
    return ShiftFigures(
        opening_float=opening, cash_sales_count=count, cash_received=received,
        change_given=change, cash_in=moves.get("in", 0), cash_out=moves.get("out", 0),
        cash_refunds=refunds.pop("cash", 0), topup_paybacks=moves.get("topup_payback", 0),
        kasbon_cash=kasbon_cash_received(cur, shift_id),
        non_cash=non_cash,
        non_cash_refunds=sum(refunds.values()))


def _with_parts(rows: list[tuple[str, int, int]], count: int,
                amount: int) -> tuple[tuple[str, int, int], ...]:
    """The non-cash list with the kasbon parts of cash sales added to the kasbon row (a row
    made for them when the shift had no whole kasbon sale): kasbon is not drawer cash."""
    if count:
        merged = dict((m, (n, t)) for m, n, t in rows)
        n, t = merged.get("kasbon", (0, 0))
        merged["kasbon"] = (n + count, t + amount)
        rows = [(m, n, t) for m, (n, t) in sorted(merged.items())]
    return tuple(rows)


def count_denominations(counts: dict[int, int]) -> int:
    """The total of a count by notes and coins; refuses an unknown note or a negative count."""
    from kiosk_pos.core.errors import KioskError

    total = 0
    for value, n in counts.items():
        if value not in DENOMINATIONS:
            raise KioskError("error.denomination_unknown", value=value)
        if n < 0:
            raise KioskError("error.amount_negative")
        total += value * n
    return total
