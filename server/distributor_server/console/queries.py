"""What the console's pages read: today's figures, kiosks, tickets, top-ups. Reads only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pulsa_protocol import signing, wire
from sqlalchemy import func, or_, select, text

from distributor_server.clock import local_zone, utcnow
from distributor_server.context import ServerContext
from distributor_server.models import (
    LEDGER_DEPOSITS,
    DepositTicket,
    Incident,
    Kiosk,
    LedgerEntry,
    Product,
    SeenNonce,
    TopUp,
    UpstreamCall,
)
from distributor_server.tickets import ticket_status

NONCE_KEPT = timedelta(seconds=2 * signing.MAX_CLOCK_SKEW_SECONDS + 60)  # see auth.py
STATUSES = tuple(s.value for s in wire.TopUpStatus)


def today_bounds(ctx: ServerContext, now: datetime | None = None) -> tuple[datetime, datetime]:
    """The distributor's local day around ``now``, as UTC instants [start, end)."""
    zone = local_zone(ctx.settings.timezone)
    local = (now or utcnow()).astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


@dataclass
class OperatorDay:
    operator: str
    count: int = 0
    success: int = 0
    failed: int = 0
    pending: int = 0
    amount: int = 0


@dataclass
class Dashboard:
    operators: list[OperatorDay] = field(default_factory=list)
    total: OperatorDay = field(default_factory=lambda: OperatorDay("total"))
    deposits_today: int = 0
    deposits_today_count: int = 0
    balances_total: int = 0
    kiosks_active: int = 0
    open_tickets: int = 0
    incidents: int = 0
    upstream: list = field(default_factory=list)  # incident_rules.OperatorCalls, today
    latency_ms: int | None = None
    upstream_balance: tuple[int, datetime] | None = None  # (rupiah, when it was read)

    @property
    def upstream_calls(self) -> int:
        return sum(op.calls for op in self.upstream)

    @property
    def upstream_success_pct(self) -> int | None:
        calls = self.upstream_calls
        bad = sum(op.failed + op.unanswered for op in self.upstream)
        return round(100 * (calls - bad) / calls) if calls else None


def dashboard(ctx: ServerContext) -> Dashboard:
    start, end = today_bounds(ctx)
    board = Dashboard()
    with ctx.db.read() as session:
        rows = session.execute(
            select(func.coalesce(Product.operator, "?"), TopUp.status, func.count(),
                   func.coalesce(func.sum(TopUp.price), 0))
            .select_from(TopUp).outerjoin(Product, Product.sku == TopUp.sku)
            .where(TopUp.created_at >= start, TopUp.created_at < end)
            .group_by(Product.operator, TopUp.status)).all()
        by_operator: dict[str, OperatorDay] = {}
        for operator, status, count, amount in rows:
            for day in (by_operator.setdefault(operator, OperatorDay(operator)), board.total):
                day.count += count
                day.amount += int(amount)
                if status in ("success", "failed", "pending"):
                    setattr(day, status, getattr(day, status) + count)
        board.operators = sorted(by_operator.values(), key=lambda d: (-d.count, d.operator))
        count, amount = session.execute(
            select(func.count(), func.coalesce(func.sum(LedgerEntry.amount), 0))
            .where(text(LEDGER_DEPOSITS), LedgerEntry.created_at >= start,
                   LedgerEntry.created_at < end)).one()  # as its partial index says it
        board.deposits_today_count, board.deposits_today = count, int(amount)
        total, active = session.execute(
            select(func.coalesce(func.sum(Kiosk.balance), 0),
                   func.count().filter(Kiosk.active.is_(True)))).one()
        board.balances_total, board.kiosks_active = int(total), active
        board.open_tickets = session.scalar(select(func.count()).select_from(DepositTicket)
                                            .where(DepositTicket.status == "open",
                                                   DepositTicket.expires_at > utcnow()))
        board.incidents = session.scalar(select(func.count()).select_from(Incident)
                                         .where(Incident.status.in_(("open", "acknowledged"))))
    _upstream_figures(ctx, board, start)
    return board


LATENCY_SAMPLE = 2000


def _upstream_figures(ctx: ServerContext, board: Dashboard, start: datetime) -> None:
    """Today's upstream calls by operator (a window on the finished_at index) and the
    median latency of the newest calls of the last 15 minutes (at most LATENCY_SAMPLE)."""
    from distributor_server.incident_rules import operator_calls, upstream_balance

    board.upstream = operator_calls(ctx, start)
    board.upstream_balance = upstream_balance(ctx)
    since = max(start, utcnow() - timedelta(minutes=15))
    with ctx.db.read() as session:
        spans = session.execute(
            select(UpstreamCall.started_at, UpstreamCall.finished_at)
            .where(UpstreamCall.finished_at >= since)
            .order_by(UpstreamCall.finished_at.desc()).limit(LATENCY_SAMPLE)).all()
    millis = sorted(int((_aware(f) - _aware(s)).total_seconds() * 1000) for s, f in spans)
    board.latency_ms = millis[len(millis) // 2] if millis else None


@dataclass(frozen=True)
class KioskRow:
    id: int
    name: str
    active: bool
    balance: int
    last_seen: datetime | None
    sales_today: int
    sales_today_amount: int


def kiosk_rows(ctx: ServerContext, kiosk_id: int | None = None) -> list[KioskRow]:
    """Every kiosk (or one) with what it did today. ``last_seen``: its newest signed request
    still remembered (nonces are kept minutes) or else its newest top-up."""
    start, end = today_bounds(ctx)
    with ctx.db.read() as session:
        query = select(Kiosk).order_by(Kiosk.id)
        if kiosk_id is not None:
            query = query.where(Kiosk.id == kiosk_id)
        kiosks = session.scalars(query).all()
        ids = [k.id for k in kiosks]
        sales = {kid: (n, int(a)) for kid, n, a in session.execute(
            select(TopUp.kiosk_id, func.count(), func.coalesce(func.sum(TopUp.price), 0))
            .where(TopUp.kiosk_id.in_(ids), TopUp.created_at >= start, TopUp.created_at < end,
                   TopUp.status != "failed").group_by(TopUp.kiosk_id))}
        nonces = dict(session.execute(
            select(SeenNonce.kiosk_id, func.max(SeenNonce.expires_at))
            .where(SeenNonce.kiosk_id.in_(ids)).group_by(SeenNonce.kiosk_id)).all())
        last_topups = dict(session.execute(
            select(TopUp.kiosk_id, func.max(TopUp.created_at))
            .where(TopUp.kiosk_id.in_(ids)).group_by(TopUp.kiosk_id)).all())
    rows = []
    for k in kiosks:
        seen = [t for t in (_aware(nonces.get(k.id)), _aware(last_topups.get(k.id))) if t]
        if nonces.get(k.id) is not None:
            seen[0] = seen[0] - NONCE_KEPT
        n, amount = sales.get(k.id, (0, 0))
        rows.append(KioskRow(k.id, k.name, k.active, k.balance, max(seen) if seen else None,
                             n, amount))
    return rows


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@dataclass(frozen=True)
class TicketRow:
    id: int
    kiosk_id: int
    kiosk_name: str
    amount_requested: int
    unique_code: int
    amount_to_transfer: int
    status: str
    created_at: datetime
    expires_at: datetime
    confirmed_at: datetime | None


def tickets(ctx: ServerContext, pending_only: bool = True, kiosk_id: int | None = None,
            limit: int = 200) -> list[TicketRow]:
    with ctx.db.read() as session:
        query = select(DepositTicket, Kiosk.name).join(Kiosk, Kiosk.id == DepositTicket.kiosk_id)
        if pending_only:
            query = query.where(DepositTicket.status == "open",
                                DepositTicket.expires_at > utcnow())
            query = query.order_by(DepositTicket.id)
        else:
            query = query.order_by(DepositTicket.id.desc())
        if kiosk_id is not None:
            query = query.where(DepositTicket.kiosk_id == kiosk_id)
        return [TicketRow(t.id, t.kiosk_id, name, t.amount_requested, t.unique_code,
                          t.amount_to_transfer, ticket_status(t), t.created_at, t.expires_at,
                          t.confirmed_at)
                for t, name in session.execute(query.limit(limit))]


@dataclass(frozen=True)
class LedgerRow:
    seq: int
    created_at: datetime
    reason: str
    amount: int
    balance_after: int
    reference: str


def ledger_rows(ctx: ServerContext, kiosk_id: int, limit: int = 100) -> list[LedgerRow]:
    """The kiosk's newest ledger (mutasi) rows, newest first."""
    with ctx.db.read() as session:
        rows = session.scalars(select(LedgerEntry).where(LedgerEntry.kiosk_id == kiosk_id)
                               .order_by(LedgerEntry.seq.desc()).limit(limit))
        return [LedgerRow(e.seq, e.created_at, e.reason, e.amount, e.balance_after, e.reference)
                for e in rows]


@dataclass(frozen=True)
class TopUpRow:
    id: int
    kiosk_id: int
    kiosk_name: str
    ref_id: str
    sku: str
    destination: str
    price: int
    status: str
    sn: str
    message: str
    attempts: int
    upstream_ref_id: str
    created_at: datetime
    updated_at: datetime
    kiosk_created_at: datetime | None


def _as_destination(text: str) -> str:
    """A phone number as typed (+62 812-3456 7890, 62812...) the way top-ups store it."""
    digits = "".join(ch for ch in text if ch not in " -.()")
    if digits.startswith("+62"):
        return "0" + digits[3:]
    if digits.startswith("62") and len(digits) >= 10 and digits[2:3] == "8":
        return "0" + digits[2:]
    return digits


def search_topups(ctx: ServerContext, text: str = "", kiosk_id: int | None = None,
                  status: str = "", limit: int = 100, day: date | None = None
                  ) -> list[TopUpRow]:
    """Newest first; ``text`` matches a destination, ref_id or SN (exact or a prefix);
    ``day`` is a local day of the distributor."""
    with ctx.db.read() as session:
        query = select(TopUp, Kiosk.name).join(Kiosk, Kiosk.id == TopUp.kiosk_id)
        text = text.strip()[:120]
        if text:
            def prefix(value: str) -> str:
                return value.replace("\\", "").replace("%", "").replace("_", "") + "%"

            query = query.where(or_(TopUp.destination.like(prefix(_as_destination(text))),
                                    TopUp.ref_id.like(prefix(text)), TopUp.sn.like(prefix(text)),
                                    TopUp.upstream_ref_id == text))
        if day is not None:
            zone = local_zone(ctx.settings.timezone)
            start = datetime(day.year, day.month, day.day, tzinfo=zone)
            query = query.where(TopUp.created_at >= start.astimezone(UTC),
                                TopUp.created_at < (start + timedelta(days=1)).astimezone(UTC))
        if kiosk_id is not None:
            query = query.where(TopUp.kiosk_id == kiosk_id)
        if status in STATUSES:
            query = query.where(TopUp.status == status)
        query = query.order_by(TopUp.id.desc()).limit(limit)
        return [_topup_row(t, name) for t, name in session.execute(query)]


def _topup_row(t: TopUp, name: str) -> TopUpRow:
    return TopUpRow(t.id, t.kiosk_id, name, t.ref_id, t.sku, t.destination, t.price, t.status,
                    t.sn or "", t.message or "", t.attempts, t.upstream_ref_id, t.created_at,
                    t.updated_at, t.kiosk_created_at)


@dataclass(frozen=True)
class TimelineStep:
    at: datetime | None
    what: str  # an i18n key: tl_sold, tl_received, tl_debit, tl_checks, tl_final, ...
    detail: str = ""
    amount: int | None = None


def topup_with_timeline(ctx: ServerContext, topup_id: int
                        ) -> tuple[TopUpRow, list[TimelineStep]] | None:
    """A top-up and what happened to it, from the rows that exist: received, the debit, the
    upstream checks, the final answer, refunds and incidents."""
    with ctx.db.read() as session:
        found = session.execute(select(TopUp, Kiosk.name).join(Kiosk, Kiosk.id == TopUp.kiosk_id)
                                .where(TopUp.id == topup_id)).one_or_none()
        if found is None:
            return None
        tx, name = found
        row = _topup_row(tx, name)
        ledger = session.scalars(select(LedgerEntry).where(
            LedgerEntry.kiosk_id == tx.kiosk_id, LedgerEntry.reference == tx.ref_id)
            .order_by(LedgerEntry.seq)).all()
        incidents = session.scalars(select(Incident).where(Incident.topup_id == tx.id)).all()
    steps = []
    if row.kiosk_created_at is not None:
        steps.append(TimelineStep(row.kiosk_created_at, "tl_sold"))
    steps.append(TimelineStep(row.created_at, "tl_received", row.sku))
    steps += [TimelineStep(e.created_at, "tl_" + e.reason, f"#{e.seq}", e.amount)
              for e in ledger]
    if row.attempts:
        steps.append(TimelineStep(None, "tl_checks", str(row.attempts)))
    if row.status != "pending":
        steps.append(TimelineStep(row.updated_at, "tl_" + row.status,
                                  row.sn or row.message))
    steps += [TimelineStep(i.created_at, "tl_incident", i.detail) for i in incidents]
    steps.sort(key=lambda s: (s.at is None, s.at or row.created_at))
    return row, steps
