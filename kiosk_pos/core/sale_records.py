"""The records of a sale, its top-ups and a day's report: plain, frozen, no database, no Qt.

Part of :mod:`kiosk_pos.core.records` (import them from there or from here: they are the
same classes), kept in a module of their own so that start-up, which shows the PIN login,
does not create them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk_pos.core.records import PaymentMethod, ProductKind, TopUpStatus


@dataclass(frozen=True, slots=True)
class CartLine:
    """What the clerk asked for, before it is a sale."""

    sku: str
    qty: int = 1
    destination: str = ""


@dataclass(frozen=True, slots=True)
class Payment:
    method: PaymentMethod = PaymentMethod.CASH
    cash_given: int | None = None  # for cash; None means exact money
    customer_id: int | None = None  # whose account a kasbon sale goes on
    kasbon_amount: int | None = None  # cash with part on kasbon: the part on the account


@dataclass(frozen=True, slots=True)
class TopUpRecord:
    ref_id: str
    sku: str
    destination: str
    status: TopUpStatus
    sn: str | None
    message: str | None
    cost: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class SaleLineRecord:
    id: int
    sku: str
    name: str
    kind: ProductKind
    operator: str | None
    qty: int
    unit_price: int
    unit_cost: int
    destination: str
    topup: TopUpRecord | None = None

    @property
    def amount(self) -> int:
        return self.qty * self.unit_price


@dataclass(frozen=True, slots=True)
class SaleRecord:
    id: int
    created_at: datetime  # UTC, timezone-aware
    business_date: date   # the kiosk's local day
    clerk_id: int
    clerk_name: str
    payment_method: PaymentMethod
    total: int
    cash_given: int | None
    change: int
    lines: tuple[SaleLineRecord, ...] = field(default_factory=tuple)
    kasbon: int = 0  # put on a customer's account: the total of a kasbon sale, or a part
    complaint: str = ""  # its newest complaint's state (queued, open, answered, closed), or ""

    @property
    def topups(self) -> list[TopUpRecord]:
        return [line.topup for line in self.lines if line.topup is not None]

    @property
    def status(self) -> str:
        """One word for the whole sale: the worst top-up status, or ``done`` for goods only."""
        statuses = {t.status for t in self.topups}
        for s in (TopUpStatus.FAILED, TopUpStatus.QUEUED, TopUpStatus.PENDING):
            if s in statuses:
                return s.value
        return TopUpStatus.SUCCESS.value if statuses else "done"


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One row of a report split: by operator, kind, clerk, payment method or hour."""

    key: str
    label: str
    count: int
    gross: int
    cost: int
    with_cost: bool = True  # False: cost and profit withheld from this reader (0 here)

    @property
    def profit(self) -> int:
        return self.gross - self.cost if self.with_cost else 0


@dataclass(frozen=True, slots=True)
class DailyReport:
    """A kiosk day. Failed top-ups are not revenue: they are listed as refunds owed."""

    date: date
    count: int    # sales with at least one line that counts
    gross: int
    cost: int
    by_operator: tuple[Breakdown, ...]
    by_kind: tuple[Breakdown, ...]
    by_clerk: tuple[Breakdown, ...]
    by_payment: tuple[Breakdown, ...]
    by_hour: tuple[Breakdown, ...]  # 24 rows, key "00".."23", local time
    pending_count: int = 0
    failed_count: int = 0
    failed_amount: int = 0  # cash still to hand back to customers (not acknowledged)
    # kasbon: sales on customers' accounts are not cash in the drawer; cash paid into
    # accounts that day is
    cash_sales: int = 0
    kasbon_sales: int = 0
    kasbon_count: int = 0
    kasbon_paid_cash: int = 0
    kasbon_paid_transfer: int = 0
    low_stock_count: int = 0  # goods at or below their minimum when the report was made
    low_stock_items: tuple[tuple[str, str, int, int], ...] = ()  # sku, name, stock, min
    kasbon_outstanding: int = 0  # what customers owe when the report was made
    refund_count: int = 0   # goods refunds made this day (their own rows; sales unchanged)
    refunded: int = 0       # what they gave back
    refunded_cost: int = 0  # the cost of the goods that came back on the shelf
    failed_returned_count: int = 0   # failed top-ups whose money a clerk says went back
    failed_returned_amount: int = 0
    with_cost: bool = True  # False: cost and profit withheld from this reader (0 here)

    @property
    def profit(self) -> int:
        """Sales' profit less what refunds of goods took back."""
        if not self.with_cost:
            return 0
        return self.gross - self.cost - self.refunded + self.refunded_cost
