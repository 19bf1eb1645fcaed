"""Refunds of physical goods (retur): a whole sale or some of its lines, with a reason, by
a supervisor or the owner (a clerk's refund carries the approving supervisor's PIN).

The original sale is never changed: the refund is its own row pointing at it, with its
lines; the goods go back on the shelf through a stock movement row; a cash refund leaves
the drawer in the figures of the shift open at the time. Electronic top-ups cannot be
voided after they were sent (the pulsa is in the customer's phone): the sentence points
to the complaint flow; failed top-ups are paid back through the shift (shifts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk_pos.core import audit
from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, from_db, local_date, utc_now
from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.events import EventBus
from kiosk_pos.core.permissions import Permission, allowed, require
from kiosk_pos.core.records import PaymentMethod, SaleLineRecord, SaleRecord, User
from kiosk_pos.core.sale_reads import load_sales
from kiosk_pos.core.shifts import shift_for_sale
from kiosk_pos.store import Database

REFUND_SAVED = "refund_saved"

_REFUNDED = ("SELECT rl.sale_line_id, coalesce(sum(rl.qty), 0) FROM refund_lines rl "
             "JOIN refunds r ON r.id = rl.refund_id WHERE r.sale_id = ? GROUP BY rl.sale_line_id")
_REFUND = ("INSERT INTO refunds (sale_id, shift_id, created_at, user_id, approver_id, reason, "
           "method, amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_REFUND_LINE = ("INSERT INTO refund_lines (refund_id, sale_line_id, qty, amount) "
                "VALUES (?, ?, ?, ?)")
_PRODUCT = "SELECT product_id FROM sale_lines WHERE id = ?"
_STOCK = "SELECT stock FROM products WHERE id = ?"
_SET_STOCK = "UPDATE products SET stock = ? WHERE id = ?"
_MOVEMENT = ("INSERT INTO stock_movements (product_id, delta, stock_after, reason, sale_id, "
             "created_at) VALUES (?, ?, ?, 'refund', ?, ?)")
_HEAD = ("SELECT r.id, r.sale_id, r.created_at, u.name, a.name, r.reason, r.method, r.amount "
         "FROM refunds r JOIN users u ON u.id = r.user_id LEFT JOIN users a ON a.id = "
         "r.approver_id WHERE r.id = ?")
_LINES = ("SELECT l.name, rl.qty, rl.amount FROM refund_lines rl JOIN sale_lines l ON "
          "l.id = rl.sale_line_id WHERE rl.refund_id = ? ORDER BY rl.id")


@dataclass(frozen=True, slots=True)
class RefundLine:
    name: str
    qty: int
    amount: int


@dataclass(frozen=True, slots=True)
class RefundRecord:
    id: int
    sale_id: int
    created_at: datetime
    clerk_name: str
    approver_name: str | None
    reason: str
    method: PaymentMethod
    amount: int
    lines: tuple[RefundLine, ...]


class RefundService:
    def __init__(self, db: Database, catalog: CatalogService, events: EventBus,
                 timezone: Callable[[], str], clock: Clock = utc_now) -> None:
        self._db = db
        self._catalog = catalog
        self._events = events
        self._clock = clock
        self._timezone = timezone

    def refund(self, user: User | None, sale_id: int, line_numbers: Sequence[int] | None,
               reason: str, approver: User | None = None) -> RefundRecord:
        """Refund lines ``line_numbers`` (1 = the receipt's first line; None: every line)
        of sale ``sale_id``."""
        approver = self._approval(user, approver)
        if not reason.strip():
            raise KioskError("error.reason_required")
        now = self._clock()
        with self._db.write_raw() as cur:
            found = load_sales(cur, [sale_id])
            if not found:
                raise KioskError("error.unknown_sale", sale_id=sale_id)
            sale = found[0]
            chosen = self._lines(sale, line_numbers)
            done = dict(cur.execute(_REFUNDED, (sale_id,)).fetchall())
            todo = [(line, line.qty - done.get(line.id, 0)) for line in chosen]
            todo = [(line, qty) for line, qty in todo if qty > 0]
            if not todo:
                raise KioskError("error.already_refunded", sale_id=sale_id)
            amount = sum(qty * line.unit_price for line, qty in todo)
            shift_id = shift_for_sale(cur, now, local_date(now, self._timezone()))
            stamp = db_text(now)
            refund_id = cur.execute(_REFUND, (
                sale_id, shift_id, stamp, user.id, approver.id if approver else None,  # type: ignore[union-attr]
                reason.strip(), sale.payment_method.value, amount)).lastrowid
            stocks: dict[str, int] = {}
            for line, qty in todo:
                cur.execute(_REFUND_LINE, (refund_id, line.id, qty, qty * line.unit_price))
                product_id = cur.execute(_PRODUCT, (line.id,)).fetchone()[0]
                if product_id is None:
                    continue
                stock = (cur.execute(_STOCK, (product_id,)).fetchone() or (0,))[0] or 0
                cur.execute(_SET_STOCK, (stock + qty, product_id))
                cur.execute(_MOVEMENT, (product_id, qty, stock + qty, sale_id, stamp))
                stocks[line.sku] = stock + qty
            audit.record(cur, "sale.refunded", user, now, approver=approver, sale=sale_id,
                         refund=refund_id, amount=amount, method=sale.payment_method.value,
                         reason=reason.strip())
            record = self._read(cur, refund_id)
        for sku, stock in stocks.items():
            self._catalog.note_stock(sku, stock)
        self._events.trigger(REFUND_SAVED, record)
        return record

    def get(self, refund_id: int) -> RefundRecord:
        with self._db.read_raw() as cur:
            return self._read(cur, refund_id)

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _approval(user: User | None, approver: User | None) -> User | None:
        """Who approves: nobody for a supervisor or owner; for a clerk, a supervisor or owner
        other than themselves."""
        if user is None:
            raise PermissionDenied("error.login_required")
        if allowed(user, Permission.REFUND):
            return None
        if approver is None:
            raise PermissionDenied("error.refund_needs_approver")
        if approver.id == user.id:
            raise PermissionDenied("error.refund_needs_approver")
        require(approver, Permission.REFUND)
        return approver

    @staticmethod
    def _lines(sale: SaleRecord, numbers: Sequence[int] | None) -> list[SaleLineRecord]:
        if numbers:
            bad = [n for n in numbers if not 1 <= n <= len(sale.lines)]
            if bad:
                raise KioskError("error.refund_line_unknown", line=bad[0], count=len(sale.lines))
            chosen = [sale.lines[n - 1] for n in dict.fromkeys(numbers)]
        else:
            chosen = list(sale.lines)
        if any(line.kind.electronic for line in chosen):
            raise KioskError("error.topup_no_void")
        return chosen

    @staticmethod
    def _read(cur, refund_id: int) -> RefundRecord:  # noqa: ANN001 - a sqlite3 cursor
        row = cur.execute(_HEAD, (refund_id,)).fetchone()
        if row is None:
            raise KioskError("error.refund_unknown", refund_id=refund_id)
        i, sale_id, at, clerk, approver, reason, method, amount = row
        lines = tuple(RefundLine(*r) for r in cur.execute(_LINES, (refund_id,)).fetchall())
        return RefundRecord(i, sale_id, from_db(datetime.fromisoformat(at)), clerk, approver,
                            reason, PaymentMethod(method), amount, lines)
