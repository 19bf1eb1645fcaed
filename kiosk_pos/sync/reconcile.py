"""Rekonsiliasi: the kiosk's books for a local day against the distributor's.

For the day's window (kiosk time zone, plus a margin for clock skew) every top-up lands in
exactly one list:

- ``matched``: both sides agree.
- ``resolved``: the statuses differed; the server's status was applied with source
  ``reconcile`` (a top-up that turns FAILED is refunded, one that comes back is re-debited).
- ``missing_on_server``: the kiosk has it, the distributor does not: its outbox row is put
  back in the queue (``sent_at`` cleared) so the relay resends it with the SAME ref_id.
- ``unknown_locally``: the distributor has a ref_id the kiosk does not: kept as a flagged
  record in ``sync_state`` (core tables keep their meaning) and listed.
- ``price_mismatch``: the distributor charged a different price than the kiosk's cost
  (flagged; ``topups.server_price`` is filled in). A top-up can be here and in another list.

Then the two balances are compared and every difference is explained by ledger rows: rows
the kiosk has without a counterpart at the distributor (e.g. a queued top-up not accepted
yet), rows the distributor has that the kiosk lacks (a confirmed deposit ticket not yet
pulled), and pairs whose amounts differ (:mod:`kiosk_pos.sync.balance_explain`). What no
row explains is ``unexplained``. Both ledgers are read from the day's window on (plus the
kiosk's rows the distributor has not shown yet): older rows are matched on both sides by the
ledger mirror, so the cost does not grow with the kiosk's history.

Both comparisons start from the distributor's summary of the day
(``GET /v1/transactions/summary``: counts and digests of the same top-ups and ledger rows,
:mod:`pulsa_protocol.day_summary`), which the kiosk computes from its own rows too. Equal
digests mean equal sets, and for equal sets the full comparison's outcome is known without
the lists: every top-up ``matched`` (its outbox row marked sent, as the full comparison
does), and every mirrored ledger row paired (only the kiosk's unmatched rows are left to
explain). Only a side whose digest differs, or a server older than the summary, downloads
its list and is compared row by row, unchanged.

This module asks the distributor and decides; :mod:`kiosk_pos.core.reconciliation` writes
the fixes in one transaction and announces them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pulsa_protocol import wire
from sqlalchemy import Connection, select

from kiosk_pos.core import deposit, ledger_mirror, reconciliation
from kiosk_pos.core.clock import day_bounds_utc, db_text, to_db, utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.reconciliation import TopUpFix
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange
from kiosk_pos.store.schema import topups
from kiosk_pos.sync import convert
from kiosk_pos.sync import reconcile_summary as summed
from kiosk_pos.sync.balance_explain import BalanceDifference, explain_balances

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.sync.client import DistributorClient

SKEW_MARGIN = timedelta(minutes=15)
LOOKUP_LIMIT = 2000  # single look-ups for local top-ups outside the server's window

__all__ = ["SKEW_MARGIN", "BalanceDifference", "Reconciliation",
           "TopUpFinding", "explain_balances", "reconcile_day"]


@dataclass(frozen=True, slots=True)
class TopUpFinding:
    """One top-up as each side sees it, and what reconciliation did about it."""

    ref_id: str
    sku: str
    destination: str
    local_status: str | None
    server_status: str | None
    local_cost: int | None
    server_price: int | None
    action: str = "none"  # none | status_applied | requeued | queued | imported | flagged

    def to_json(self) -> dict[str, Any]:
        return {"ref_id": self.ref_id, "sku": self.sku, "destination": self.destination,
                "local_status": self.local_status, "server_status": self.server_status,
                "local_cost": self.local_cost, "server_price": self.server_price,
                "action": self.action}


@dataclass
class Reconciliation:
    day: date
    start: datetime
    end: datetime
    matched: list[TopUpFinding] = field(default_factory=list)
    resolved: list[TopUpFinding] = field(default_factory=list)
    missing_on_server: list[TopUpFinding] = field(default_factory=list)
    unknown_locally: list[TopUpFinding] = field(default_factory=list)
    price_mismatch: list[TopUpFinding] = field(default_factory=list)
    local_balance: int = 0
    server_balance: int = 0
    differences: list[BalanceDifference] = field(default_factory=list)
    unexplained: int = 0
    finished_at: datetime = field(default_factory=utc_now)

    @property
    def difference(self) -> int:
        """Local balance minus server balance."""
        return self.local_balance - self.server_balance

    @property
    def explained(self) -> int:
        return sum(d.amount for d in self.differences)

    @property
    def ok(self) -> bool:
        """Both books agree once the resolved ones are applied and the queue is sent."""
        return not (self.missing_on_server or self.unknown_locally or self.price_mismatch
                    or self.unexplained)

    def counts(self) -> dict[str, int]:
        return {"matched": len(self.matched), "resolved": len(self.resolved),
                "missing_on_server": len(self.missing_on_server),
                "unknown_locally": len(self.unknown_locally),
                "price_mismatch": len(self.price_mismatch)}

    def to_json(self) -> dict[str, Any]:
        lists = ("matched", "resolved", "missing_on_server", "unknown_locally", "price_mismatch")
        return {
            "date": self.day.isoformat(), "from": self.start.isoformat(),
            "to": self.end.isoformat(), "ok": self.ok, "counts": self.counts(),
            **{name: [f.to_json() for f in getattr(self, name)] for name in lists},
            "local_balance": self.local_balance, "server_balance": self.server_balance,
            "difference": self.difference, "explained": self.explained,
            "unexplained": self.unexplained,
            "differences": [d.to_json() for d in self.differences],
        }


# ----------------------------------------------------------------------------- top-ups


def _server_time(t: wire.TopUp) -> datetime:
    return (t.kiosk_created_at or t.created_at).astimezone(UTC)


def _lookup(client: DistributorClient, ref_id: str) -> wire.TopUp | None:
    from kiosk_pos.sync.errors import DistributorRejected

    try:
        return client.get_topup(ref_id)
    except DistributorRejected as exc:
        if exc.status == 404:
            return None
        raise


def _finding(local: summed.DayTopUp | None, server: wire.TopUp | None, action: str = "none"
             ) -> TopUpFinding:
    src = server if local is None else local
    return TopUpFinding(
        ref_id=src.ref_id, sku=src.sku, destination=src.destination,
        local_status=local.status if local else None,
        server_status=server.status.value if server else None,
        local_cost=local.cost if local else None,
        server_price=server.price if server else None, action=action)


def _all_matched(kiosk: Kiosk, result: Reconciliation,
                 local: dict[str, summed.DayTopUp]) -> list[StatusChange]:
    """What the full comparison decides when both sides hold the same lines: each top-up
    matched, the server's status and price equal to the kiosk's, and its outbox row marked
    sent if it was not yet."""
    result.matched = [TopUpFinding(t.ref_id, t.sku, t.destination, t.status, t.status,
                                   t.cost, t.cost) for t in (local[ref] for ref in sorted(local))]
    return reconciliation.apply_fixes(kiosk, summed.sent_fixes(local.values()), {})


def _compare_topups(kiosk: Kiosk, client: DistributorClient, result: Reconciliation,
                    margin: timedelta, summary: wire.DaySummary | None
                    ) -> list[StatusChange]:
    start, end = result.start, result.end
    if summary is not None:
        with kiosk.db.read() as conn:
            day = summed.day_topups(conn, start, end)
        if summed.topups_agree(day, summary.topups):
            return _all_matched(kiosk, result, day)
    server = {t.ref_id: t for t in client.transactions(start - margin, end + margin).topups}
    with kiosk.db.read() as conn:  # again, after the list: what was sold meanwhile is ours
        local = summed.day_topups(conn, start, end)
        in_day = {ref for ref, t in server.items()
                  if start <= _server_time(t) < end and ref not in local}
        elsewhere = summed.topups_by_refs(conn, in_day)
    for ref in [r for r in local if r not in server][:LOOKUP_LIMIT]:
        found = _lookup(client, ref)  # sent late (offline): outside the server's window
        if found is not None:
            server[ref] = found
    local.update(elsewhere)
    fixes: list[TopUpFix] = []
    unknown: dict[str, dict[str, Any]] = {}
    first_seen = to_db(utc_now()).isoformat() + "Z"
    for ref in sorted(set(local) | in_day):
        mine, theirs = local.get(ref), server.get(ref)
        if mine is None and theirs is not None:
            unknown[ref] = {"topup": theirs.model_dump(mode="json"), "first_seen": first_seen,
                            "day": result.day.isoformat()}
            result.unknown_locally.append(_finding(None, theirs, "imported"))
            continue
        assert mine is not None
        if theirs is None:
            if mine.status == TopUpStatus.FAILED.value:
                result.matched.append(_finding(mine, None))  # refused and refunded
                continue
            requeue = bool(mine.sent)  # its outbox row went out: it was lost on the way
            if requeue:
                fixes.append(TopUpFix(ref, mine.id, mine.outbox_id, requeue=True))
            result.missing_on_server.append(_finding(mine, None,
                                                     "requeued" if requeue else "queued"))
            continue
        server_view = convert.topup(theirs)
        status_differs = theirs.status.value != mine.status
        fixes.append(TopUpFix(
            ref, mine.id, mine.outbox_id,
            sent=bool(mine.unsent),  # no need to resend
            server_price=theirs.price if (theirs.price != mine.cost
                                          and mine.server_price != theirs.price) else None,
            status=server_view if status_differs or (
                server_view.sn and server_view.sn != mine.sn) else None))
        if theirs.price != mine.cost:
            result.price_mismatch.append(_finding(mine, theirs, "flagged"))
        if status_differs:
            result.resolved.append(_finding(mine, theirs, "status_applied"))
        else:
            result.matched.append(_finding(mine, theirs))
    return reconciliation.apply_fixes(kiosk, fixes, unknown)


_RECENT = ("SELECT id, amount, reason, reference, server_seq FROM deposit_ledger "
           "WHERE created_at >= ?")
_PENDING = (f"SELECT id, amount, reason, reference, server_seq FROM {ledger_mirror.UNMATCHED} "
            "WHERE reason IN (?, ?) AND server_seq IS NULL")


def _local_ledger(conn: Connection, since: datetime) -> list[tuple[Any, ...]]:
    """The local ledger rows the comparison needs, each read by an index: the window's rows
    and the top-up rows the distributor has not shown yet (from any day). Older rows are
    matched on both sides already (the mirror's invariant), so they explain nothing.
    Plain SQL on the read's sqlite3 connection: a busy day is tens of thousands of rows."""
    db = raw(conn)
    recent = db.execute(_RECENT, (db_text(since),)).fetchall()
    pending = db.execute(_PENDING, (deposit.REASON_TOPUP, deposit.REASON_TOPUP_REFUND))
    rows = {r[0]: r[1:] for r in (*recent, *pending)}
    return [rows[i] for i in sorted(rows)]


def _compare_balances(kiosk: Kiosk, client: DistributorClient, result: Reconciliation,
                      margin: timedelta, summary: wire.DaySummary | None,
                      until: datetime) -> None:
    """When the mirrored rows agree with the server's (the summary's digest), each would pair
    with its server row by seq and leave nothing, and every server row would be paired: the
    differences are those of the kiosk's unmatched rows alone, explained as always against
    no server row. Otherwise the server's rows are downloaded and paired one by one."""
    since = result.start - margin  # the day's window, both ends: never the whole history
    with kiosk.db.read() as conn:
        local_rows = _local_ledger(conn, since)
        local_balance = deposit.balance(conn)
        waiting = {r for (r,) in conn.execute(
            select(topups.c.ref_id).where(topups.c.status == TopUpStatus.QUEUED.value))}
    waiting |= {f.ref_id for f in result.missing_on_server}
    if summary is not None and summed.mirrored_agree(local_rows, summary.ledger):
        server_rows: list[wire.LedgerEntry] = []
        local_rows = [row for row in local_rows if row[3] is None]
        server_balance = summary.balance
    else:
        page = client.ledger(since, until)
        server_rows, server_balance = page.entries, page.balance
    result.local_balance = local_balance
    result.server_balance = server_balance
    result.differences = explain_balances(local_rows, server_rows, waiting)  # type: ignore[arg-type]
    result.unexplained = result.difference - result.explained


# ----------------------------------------------------------------------------- entry point


def reconcile_day(kiosk: Kiosk, client: DistributorClient, day: date | None = None, *,
                  margin: timedelta = SKEW_MARGIN) -> Reconciliation:
    """Reconcile the kiosk's local ``day`` (today when None) with the distributor.

    Raises the client's errors (DistributorUnreachable, ...) before writing anything
    when the distributor cannot be asked.
    """
    day = day or kiosk.today()
    start, end = day_bounds_utc(day, kiosk.timezone())
    result = Reconciliation(day, start, end)
    until = utc_now() + timedelta(days=1)  # the server's ledger rows: the window's, to now
    told = client.day_summary(start, end, margin, until)  # None: an older server
    _compare_topups(kiosk, client, result, margin, told)
    _compare_balances(kiosk, client, result, margin, told, until)
    result.finished_at = utc_now()
    summary = {"date": day.isoformat(), "ok": result.ok, "counts": result.counts(),
               "local_balance": result.local_balance, "server_balance": result.server_balance,
               "unexplained": result.unexplained, "at": result.finished_at.isoformat()}
    reconciliation.save_summary(kiosk, summary)
    return result

