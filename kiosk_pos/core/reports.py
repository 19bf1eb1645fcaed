"""Daily totals, cost and profit, split by operator, kind, clerk, payment and hour.

Reads only the day's rows through the ``business_date`` index, so the cost of a
report does not grow with the years of history behind it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from kiosk_pos.core.clock import Clock, day_bounds_utc, from_db, local_date, to_db, utc_now
from kiosk_pos.core.customers import OUTSTANDING  # each customer through the ledger's index
from kiosk_pos.core.errors import PermissionDenied
from kiosk_pos.core.permissions import Permission, allowed, require
from kiosk_pos.core.phone import PrefixTable
from kiosk_pos.core.records import Breakdown, DailyReport, ProductKind, TopUpStatus, User
from kiosk_pos.core.stock import LOW_STOCK_COUNT  # "Stok menipis", through its index
from kiosk_pos.core.stock import SQL_LOW as LOW_STOCK_LIST
from kiosk_pos.i18n import tr
from kiosk_pos.store import Database
from kiosk_pos.store.schema import (
    kasbon_entries,
    refund_acknowledgements,
    refund_lines,
    refunds,
    sale_lines,
    sales,
    topups,
    users,
)

LOW_STOCK_SHOWN = 20  # the emptiest goods listed in the report; the count says how many


class _Bucket:
    __slots__ = ("count", "gross", "cost", "sales")

    def __init__(self) -> None:
        self.count = 0
        self.gross = 0
        self.cost = 0
        self.sales: set[int] = set()

    def add(self, sale_id: int, gross: int, cost: int) -> None:
        self.sales.add(sale_id)
        self.count = len(self.sales)
        self.gross += gross
        self.cost += cost


def _split_parts(by_payment: dict[str, _Bucket], sales_seen: dict[int, tuple[int, int]],
                 parts: dict[int, int]) -> None:
    """Move the kasbon part of each cash sale from the "cash" row to the "kasbon" row, its
    cost in proportion (integer arithmetic: the two halves sum exactly, the remainder stays
    with cash). The sale counts in both rows. A part is capped at what the sale still counts
    (a failed top-up on it is not revenue), so the rows always sum to the day's gross."""
    cash, kasbon = by_payment["cash"], by_payment["kasbon"]
    for sale_id, part in parts.items():
        gross, cost = sales_seen.get(sale_id, (0, 0))
        if gross <= 0:  # nothing of it counts today (every line failed)
            continue
        moved = min(part, gross)
        moved_cost = cost * moved // gross
        cash.gross -= moved
        cash.cost -= moved_cost
        kasbon.add(sale_id, moved, moved_cost)
    for key in ("cash", "kasbon"):  # no empty row for a day without either
        if not by_payment[key].sales:
            del by_payment[key]


def _rows(buckets: dict[str, _Bucket], label: Callable[[str], str],
          keys: Iterable[str] | None = None) -> tuple[Breakdown, ...]:
    order = list(keys) if keys is not None else sorted(buckets, key=lambda k: -buckets[k].gross)
    out = []
    for key in order:
        b = buckets.get(key) or _Bucket()
        out.append(Breakdown(key, label(key), b.count, b.gross, b.cost))
    return tuple(out)


def without_cost(report: DailyReport) -> DailyReport:
    """The report with cost and profit withheld (zero, and marked so): what a reader without
    :data:`Permission.VIEW_COST` gets."""
    def strip(rows: tuple[Breakdown, ...]) -> tuple[Breakdown, ...]:
        return tuple(replace(b, cost=0, with_cost=False) for b in rows)

    return replace(report, cost=0, refunded_cost=0, with_cost=False,
                   by_operator=strip(report.by_operator), by_kind=strip(report.by_kind),
                   by_clerk=strip(report.by_clerk), by_payment=strip(report.by_payment),
                   by_hour=strip(report.by_hour))


class ReportService:
    def __init__(self, db: Database, prefixes: Callable[[], PrefixTable],
                 timezone: Callable[[], str], clock: Clock = utc_now) -> None:
        self._db = db
        self._prefixes = prefixes
        self._timezone = timezone
        self._clock = clock

    def daily_for(self, user: User | None, day: date) -> DailyReport:
        """The day's report as ``user`` may see it: a clerk sees today's only, and only an
        owner (:data:`Permission.VIEW_COST`) sees cost and profit; for anyone else they
        are withheld here, in the core, whatever screen or command shows the report."""
        require(user, Permission.VIEW_HISTORY)
        if not allowed(user, Permission.VIEW_REPORTS) and day != local_date(
                self._clock(), self._timezone()):
            raise PermissionDenied("error.supervisor_only",
                                   action=f"permission.{Permission.VIEW_REPORTS.value}")
        report = self.daily(day)
        return report if allowed(user, Permission.VIEW_COST) else without_cost(report)

    def daily(self, day: date) -> DailyReport:
        zone = ZoneInfo(self._timezone())
        query = (
            select(sales.c.id, sales.c.created_at, sales.c.payment_method,
                   users.c.name.label("clerk"), sale_lines.c.kind, sale_lines.c.operator,
                   sale_lines.c.qty, sale_lines.c.unit_price, sale_lines.c.unit_cost,
                   topups.c.status, refund_acknowledgements.c.topup_id.label("returned"))
            .join(users, users.c.id == sales.c.clerk_id)
            .join(sale_lines, sale_lines.c.sale_id == sales.c.id)
            .outerjoin(topups, topups.c.sale_line_id == sale_lines.c.id)
            .outerjoin(refund_acknowledgements,
                       refund_acknowledgements.c.topup_id == topups.c.id)
            .where(sales.c.business_date == day)
        )
        start, end = (to_db(t) for t in day_bounds_utc(day, self._timezone()))
        paid_query = (
            select(kasbon_entries.c.method, kasbon_entries.c.amount)
            .where(kasbon_entries.c.created_at >= start, kasbon_entries.c.created_at < end,
                   kasbon_entries.c.kind == "payment"))
        refunded = (
            select(refunds.c.id, refund_lines.c.amount, refund_lines.c.qty,
                   sale_lines.c.unit_cost)
            .join(refund_lines, refund_lines.c.refund_id == refunds.c.id)
            .join(sale_lines, sale_lines.c.id == refund_lines.c.sale_line_id)
            .where(refunds.c.created_at >= start, refunds.c.created_at < end)
        )
        # kasbon taken on cash sales (part on the account, the rest in cash): the day's
        # sales through their business_date index, each one's rows through the sale_id index
        parts_query = (
            select(kasbon_entries.c.sale_id, kasbon_entries.c.amount)
            .join(sales, sales.c.id == kasbon_entries.c.sale_id)
            .where(sales.c.business_date == day, sales.c.payment_method == "cash",
                   kasbon_entries.c.kind == "sale"))
        with self._db.read() as conn:
            rows = conn.execute(query).all()
            paid = conn.execute(paid_query).all()
            parts: dict[int, int] = defaultdict(int)
            for r in conn.execute(parts_query):
                parts[r.sale_id] += r.amount
            low = conn.exec_driver_sql(LOW_STOCK_COUNT).scalar() or 0
            low_items = tuple((r[1], r[2], r[3] or 0, r[4]) for r in conn.exec_driver_sql(
                LOW_STOCK_LIST, (LOW_STOCK_SHOWN,)))
            outstanding = conn.exec_driver_sql(OUTSTANDING).scalar() or 0
            refund_rows = conn.execute(refunded).all()
        total = _Bucket()
        splits: dict[str, dict[str, _Bucket]] = {
            name: defaultdict(_Bucket) for name in ("operator", "kind", "clerk", "payment", "hour")}
        pending = failed = failed_amount = returned = returned_amount = 0
        part_sales: dict[int, tuple[int, int]] = {}  # cash sales with a kasbon part: gross, cost
        for r in rows:
            gross, cost = r.qty * r.unit_price, r.qty * r.unit_cost
            if r.status == TopUpStatus.FAILED.value:
                failed += 1
                if r.returned is not None:  # a clerk acknowledged handing it back
                    returned += 1
                    returned_amount += gross
                else:
                    failed_amount += gross
                continue
            if r.status in (TopUpStatus.QUEUED.value, TopUpStatus.PENDING.value):
                pending += 1
            hour = from_db(r.created_at).astimezone(zone).strftime("%H")
            total.add(r.id, gross, cost)
            for name, key in (("operator", r.operator or "-"), ("kind", r.kind),
                              ("clerk", r.clerk), ("payment", r.payment_method), ("hour", hour)):
                splits[name][key].add(r.id, gross, cost)
            if r.id in parts:
                g, c = part_sales.get(r.id, (0, 0))
                part_sales[r.id] = (g + gross, c + cost)
        prefixes = self._prefixes()
        by_payment = splits["payment"]
        kasbon = by_payment.get("kasbon") or _Bucket()
        kasbon_sales, kasbon_count = kasbon.gross + sum(parts.values()), kasbon.count + len(parts)
        cash_sales = (by_payment.get("cash") or _Bucket()).gross - sum(parts.values())
        if parts:
            _split_parts(by_payment, part_sales, parts)
        return DailyReport(
            date=day, count=total.count, gross=total.gross, cost=total.cost,
            by_operator=_rows(splits["operator"],
                              lambda k: prefixes.name(k) if k != "-" else tr("kind.physical")),
            by_kind=_rows(splits["kind"], lambda k: tr(f"kind.{k}"),
                          [k.value for k in ProductKind if k.value in splits["kind"]]),
            by_clerk=_rows(splits["clerk"], str),
            by_payment=_rows(splits["payment"], lambda k: tr(f"payment.{k}")),
            by_hour=_rows(splits["hour"], lambda k: f"{k}:00", [f"{h:02d}" for h in range(24)]),
            pending_count=pending, failed_count=failed, failed_amount=failed_amount,
            failed_returned_count=returned, failed_returned_amount=returned_amount,
            cash_sales=cash_sales, kasbon_sales=kasbon_sales, kasbon_count=kasbon_count,
            kasbon_paid_cash=-sum(a for m, a in paid if m == "cash"),
            kasbon_paid_transfer=-sum(a for m, a in paid if m == "transfer"),
            low_stock_count=low, low_stock_items=low_items, kasbon_outstanding=outstanding,
            refund_count=len({r.id for r in refund_rows}),
            refunded=sum(r.amount for r in refund_rows),
            refunded_cost=sum(r.qty * r.unit_cost for r in refund_rows),
        )
