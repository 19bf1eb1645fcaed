"""The periodic rules that turn what happened into events (and so incidents).

Each rule reads a window through an index, never a table's whole history. The thresholds
are the desk's settings (:mod:`distributor_server.desk_settings`, read once per check):

- upstream failure rate: the last ``failure_window`` of ``upstream_calls`` by
  ``finished_at``; an operator whose failed or unanswered calls are over ``failure_rate``
  (with at least ``failure_min_calls`` calls) gets one event a minute, all under one
  incident while it lasts;
- a top-up pending longer than ``pending_too_long``: the pending rows (status index);
- a deposit ticket left open past its expiry (the transfer never matched): tickets expired
  in the last ``unmatched_window`` (status, expires_at index);
- a kiosk silent for ``silent_after``: per active kiosk its newest top-up (one index seek
  each on ``ix_topups_kiosk_created``) and its newest remembered nonce;
- upstream balance low (under ``low_balance``): when the supplier adapter can tell it.

Bad signatures from one address and a kiosk's clock off are noticed as requests are refused
(:mod:`distributor_server.request_watch`). :class:`IncidentWatch` runs :func:`run_checks`
every minute beside the upstream sender.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pulsa_protocol.money import format_rupiah
from sqlalchemy import func, select

from distributor_server.claims import UNAVAILABLE
from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.desk_settings import DeskSettings, load
from distributor_server.incidents import record_event
from distributor_server.models import (
    Counter,
    DepositTicket,
    Kiosk,
    Product,
    SeenNonce,
    TopUp,
    UpstreamCall,
)

log = logging.getLogger(__name__)
SILENT_LOOKBACK = timedelta(days=7)
CHECK_EVERY = 60.0
FIRST_CHECK_AFTER = 5.0

UPSTREAM_FAILURES = "upstream_failures"
PENDING_LONG = "pending_too_long"
TICKET_UNMATCHED = "ticket_unmatched"
KIOSK_SILENT = "kiosk_silent"
BALANCE_LOW = "upstream_balance_low"
KIOSK_CLOCK = "kiosk_clock_off"
BAD_SIGNATURES = "bad_signatures"
KINDS = (UPSTREAM_FAILURES, PENDING_LONG, TICKET_UNMATCHED, KIOSK_SILENT, BALANCE_LOW,
         KIOSK_CLOCK, BAD_SIGNATURES, "success_after_refund")


@dataclass(frozen=True)
class OperatorCalls:
    operator: str
    calls: int
    failed: int
    unanswered: int

    @property
    def failure_rate(self) -> float:
        return (self.failed + self.unanswered) / self.calls if self.calls else 0.0


def operator_calls(ctx: ServerContext, since: datetime) -> list[OperatorCalls]:
    """Upstream calls finished since ``since``, by operator (also the dashboard's figure)."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(func.coalesce(Product.operator, "?"), UpstreamCall.outcome, func.count())
            .select_from(UpstreamCall).join(TopUp, TopUp.id == UpstreamCall.topup_id)
            .outerjoin(Product, Product.sku == TopUp.sku)
            .where(UpstreamCall.finished_at >= since)
            .group_by(Product.operator, UpstreamCall.outcome)).all()
    found: dict[str, list[int]] = {}
    for operator, outcome, count in rows:
        tally = found.setdefault(operator, [0, 0, 0])
        tally[0] += count
        if outcome == "failed":
            tally[1] += count
        elif outcome == UNAVAILABLE:
            tally[2] += count
    return [OperatorCalls(op, *tally) for op, tally in sorted(found.items())]


def check_upstream_failures(ctx: ServerContext, now: datetime,
                            desk: DeskSettings | None = None) -> int:
    desk = desk or load(ctx.db)
    raised = 0
    for op in operator_calls(ctx, now - desk.failure_window):
        if op.calls < desk.failure_min_calls or op.failure_rate <= desk.failure_rate:
            continue
        detail = (f"{op.operator}: {op.failure_rate:.0%} of {op.calls} upstream calls in "
                  f"{desk.failure_window_minutes} minutes failed ({op.failed} failed, "
                  f"{op.unanswered} unanswered)")
        facts = {"operator": op.operator, "pct": round(op.failure_rate * 100),
                 "calls": op.calls, "failed": op.failed, "unanswered": op.unanswered,
                 "minutes": desk.failure_window_minutes}
        if record_event(ctx.db, UPSTREAM_FAILURES, f"operator:{op.operator}", detail,
                        key=f"{now:%Y%m%d%H%M}", severity="critical", at=now, facts=facts):
            raised += 1
    return raised


def check_pending(ctx: ServerContext, now: datetime, desk: DeskSettings | None = None,
                  limit: int = 200) -> int:
    too_long = (desk or load(ctx.db)).pending_too_long
    with ctx.db.read() as session:
        rows = session.execute(
            select(TopUp.id, TopUp.kiosk_id, TopUp.ref_id, TopUp.sku, TopUp.destination,
                   TopUp.price, TopUp.created_at, TopUp.attempts)
            .where(TopUp.status == "pending", TopUp.created_at < now - too_long)
            .order_by(TopUp.id).limit(limit)).all()
    raised = 0
    for r in rows:
        minutes = int((now - r.created_at).total_seconds() // 60)
        detail = (f"{r.sku} to {r.destination} ({format_rupiah(r.price)}, kiosk {r.kiosk_id}, "
                  f"ref {r.ref_id}) pending for {minutes} minutes after {r.attempts} checks")
        facts = {"sku": r.sku, "destination": r.destination, "price": format_rupiah(r.price),
                 "kiosk": r.kiosk_id, "ref": r.ref_id, "minutes": minutes,
                 "checks": r.attempts}
        if record_event(ctx.db, PENDING_LONG, f"topup:{r.id}", detail, key="pending",
                        kiosk_id=r.kiosk_id, topup_id=r.id, amount=r.price, at=now,
                        facts=facts):
            raised += 1
    return raised


def check_unmatched_tickets(ctx: ServerContext, now: datetime,
                            desk: DeskSettings | None = None, limit: int = 200) -> int:
    window = (desk or load(ctx.db)).unmatched_window
    with ctx.db.read() as session:
        rows = session.execute(
            select(DepositTicket.id, DepositTicket.kiosk_id, DepositTicket.amount_to_transfer,
                   DepositTicket.expires_at)
            .where(DepositTicket.status == "open", DepositTicket.expires_at <= now,
                   DepositTicket.expires_at > now - window)
            .order_by(DepositTicket.expires_at).limit(limit)).all()
    raised = 0
    for r in rows:
        detail = (f"deposit ticket {r.id} of kiosk {r.kiosk_id} for "
                  f"{format_rupiah(r.amount_to_transfer)} expired without a matching transfer")
        facts = {"ticket": r.id, "kiosk": r.kiosk_id,
                 "amount": format_rupiah(r.amount_to_transfer)}
        if record_event(ctx.db, TICKET_UNMATCHED, f"ticket:{r.id}", detail, key="expired",
                        kiosk_id=r.kiosk_id, amount=r.amount_to_transfer, at=now,
                        facts=facts):
            raised += 1
    return raised


def last_seen(ctx: ServerContext) -> dict[int, datetime | None]:
    """Each active kiosk's newest sign of life: a top-up (index seek) or a fresh nonce."""
    newest = (select(func.max(TopUp.created_at)).where(TopUp.kiosk_id == Kiosk.id)
              .correlate(Kiosk).scalar_subquery())
    with ctx.db.read() as session:
        rows = session.execute(select(Kiosk.id, newest).where(Kiosk.active.is_(True))).all()
        nonces = dict(session.execute(
            select(SeenNonce.kiosk_id, func.max(SeenNonce.expires_at))
            .group_by(SeenNonce.kiosk_id)).all())
    seen: dict[int, datetime | None] = {}
    for kiosk_id, topup_at in rows:
        times = [_aware(t) for t in (topup_at, nonces.get(kiosk_id)) if t is not None]
        seen[kiosk_id] = max(times) if times else None
    return seen


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def check_silent_kiosks(ctx: ServerContext, now: datetime,
                        desk: DeskSettings | None = None) -> int:
    silent_after = (desk or load(ctx.db)).silent_after
    raised = 0
    for kiosk_id, seen in last_seen(ctx).items():
        if seen is None or not (now - SILENT_LOOKBACK < seen < now - silent_after):
            continue
        hours = int((now - seen).total_seconds() // 3600)
        detail = f"kiosk {kiosk_id} has not been heard from for {hours} hours"
        if record_event(ctx.db, KIOSK_SILENT, f"kiosk:{kiosk_id}", detail,
                        key=f"{seen:%Y%m%d%H%M%S}", kiosk_id=kiosk_id, at=now,
                        facts={"kiosk": kiosk_id, "hours": hours}):
            raised += 1
    return raised


BALANCE_COUNTER = "upstream_balance"
BALANCE_AT_COUNTER = "upstream_balance_at"


def check_upstream_balance(ctx: ServerContext, now: datetime,
                           desk: DeskSettings | None = None) -> int:
    """Read the supplier's balance (when the adapter can), keep it for the dashboard (two
    rows of ``counters``, shared by every process) and raise an event when it is low."""
    try:
        balance = ctx.upstream.balance()
    except Exception as exc:  # the balance call failing is not this rule's incident
        log.info("could not read the upstream balance: %s", exc)
        return 0
    if balance is None or isinstance(balance, bool) or not isinstance(balance, int):
        return 0
    known = upstream_balance(ctx)
    # written when it changed, or hourly to say it is fresh: an idle server does not write
    if known is None or known[0] != balance or now - known[1] > timedelta(hours=1):
        with ctx.db.write() as session:
            for name, value in ((BALANCE_COUNTER, balance),
                                (BALANCE_AT_COUNTER, int(now.timestamp()))):
                row = session.get(Counter, name, with_for_update=True)
                if row is None:
                    session.add(Counter(name=name, value=value))
                else:
                    row.value = value
    low = (desk or load(ctx.db)).low_balance
    if balance >= low:
        return 0
    detail = (f"the supplier balance is {format_rupiah(balance)}, under "
              f"{format_rupiah(low)}")
    facts = {"balance": format_rupiah(balance), "limit": format_rupiah(low)}
    return int(record_event(ctx.db, BALANCE_LOW, "upstream", detail, key=f"{now:%Y%m%d%H}",
                            severity="critical", amount=balance, at=now,
                            facts=facts) is not None)


def upstream_balance(ctx: ServerContext) -> tuple[int, datetime] | None:
    """The supplier balance last read by the rules, and when (None before the first read)."""
    with ctx.db.read() as session:
        found = dict(session.execute(select(Counter.name, Counter.value).where(
            Counter.name.in_((BALANCE_COUNTER, BALANCE_AT_COUNTER)))).all())
    if BALANCE_COUNTER not in found or BALANCE_AT_COUNTER not in found:
        return None
    return int(found[BALANCE_COUNTER]), datetime.fromtimestamp(found[BALANCE_AT_COUNTER], UTC)


RULES = (check_upstream_failures, check_pending, check_unmatched_tickets, check_silent_kiosks,
         check_upstream_balance)


def run_checks(ctx: ServerContext, now: datetime | None = None) -> int:
    """Every rule once; the number of events recorded. A failing rule does not stop the rest."""
    now = now or utcnow()
    raised = 0
    try:
        desk = load(ctx.db)
    except Exception:
        log.exception("could not read the desk settings; the defaults apply this minute")
        desk = DeskSettings()
    for rule in RULES:
        try:
            raised += rule(ctx, now, desk)
        except Exception:
            log.exception("incident rule %s failed", rule.__name__)
    return raised


class IncidentWatch:
    """Runs :func:`run_checks` every ``every`` seconds on a daemon thread until stopped."""

    def __init__(self, ctx: ServerContext, every: float = CHECK_EVERY) -> None:
        self.ctx = ctx
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="incident-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        wait = min(FIRST_CHECK_AFTER, self.every)  # soon after start, then every minute
        while not self._stop.wait(wait):
            run_checks(self.ctx)
            wait = self.every
