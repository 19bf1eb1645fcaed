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
pulled), and pairs whose amounts differ. What no row explains is ``unexplained``.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pulsa_protocol import wire
from sqlalchemy import Connection, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import day_bounds_utc, to_db, utc_now
from kiosk_pos.core.events import DEPOSIT_CHANGED, TOPUP_CHANGED
from kiosk_pos.core.i18n import tr
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, apply_status
from kiosk_pos.store.schema import deposit_ledger, outbox, topups
from kiosk_pos.sync import state

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.sync.client import DistributorClient

SKEW_MARGIN = timedelta(minutes=15)
LEDGER_START = datetime(2000, 1, 1, tzinfo=UTC)
UNKNOWN_KEY = "reconcile.unknown"
LAST_KEY = "reconcile.last"
LOOKUP_LIMIT = 2000  # single look-ups for local top-ups outside the server's window

# local ledger reasons -> the server's, for pairing rows by (reason, reference)
_KEYED = {deposit.REASON_TOPUP: "topup", deposit.REASON_TOPUP_REFUND: "refund"}
_MONEY_IN_LOCAL = {deposit.REASON_OPENING, deposit.REASON_DEPOSIT, deposit.REASON_ADJUST}
_MONEY_IN_SERVER = {wire.LedgerReason.DEPOSIT.value, wire.LedgerReason.DEPOSIT_TICKET.value,
                    wire.LedgerReason.CORRECTION.value}


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


@dataclass(frozen=True, slots=True)
class BalanceDifference:
    """A ledger row (or pair) behind the gap between the two balances.

    ``side``: ``local`` (only in the kiosk's ledger), ``server`` (only in the distributor's)
    or ``amount`` (in both, amounts differ). ``amount`` is the row's effect on
    local balance minus server balance.
    """

    side: str
    reason: str
    reference: str
    amount: int
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"side": self.side, "reason": self.reason, "reference": self.reference,
                "amount": self.amount, "note": self.note}


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


@dataclass(slots=True)
class _Local:
    id: int
    ref_id: str
    sku: str
    destination: str
    status: str
    cost: int
    sn: str | None
    server_price: int | None
    created_at: datetime
    outbox_id: int | None
    sent_at: datetime | None


def _local_rows(conn: Connection, where: Any) -> list[_Local]:
    query = (select(topups.c.id, topups.c.ref_id, topups.c.sku, topups.c.destination,
                    topups.c.status, topups.c.cost, topups.c.sn, topups.c.server_price,
                    topups.c.created_at, outbox.c.id.label("outbox_id"), outbox.c.sent_at)
             .select_from(topups.outerjoin(outbox, outbox.c.topup_id == topups.c.id))
             .where(where))
    return [_Local(*row) for row in conn.execute(query)]


def local_topups(conn: Connection, start: datetime, end: datetime) -> list[_Local]:
    """The kiosk's top-ups made in [start, end)."""
    return _local_rows(conn, (topups.c.created_at >= to_db(start))
                       & (topups.c.created_at < to_db(end)))


def _local_by_refs(conn: Connection, refs: Iterable[str]) -> list[_Local]:
    refs = list(refs)
    found: list[_Local] = []
    for i in range(0, len(refs), 500):
        found += _local_rows(conn, topups.c.ref_id.in_(refs[i:i + 500]))
    return found


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


def _finding(local: _Local | None, server: wire.TopUp | None, action: str = "none"
             ) -> TopUpFinding:
    src = server if local is None else local
    return TopUpFinding(
        ref_id=src.ref_id, sku=src.sku, destination=src.destination,
        local_status=local.status if local else None,
        server_status=server.status.value if server else None,
        local_cost=local.cost if local else None,
        server_price=server.price if server else None, action=action)


def unknown_topups(kiosk: Kiosk) -> list[dict[str, Any]]:
    """Top-ups the distributor has and the kiosk does not (flagged by reconciliation)."""
    with kiosk.db.read() as conn:
        flagged = state.get(conn, UNKNOWN_KEY, {})
    return sorted(flagged.values(), key=lambda r: r["topup"]["created_at"])


def dismiss_unknown(kiosk: Kiosk, ref_id: str) -> bool:
    """The owner has dealt with a flagged top-up: drop it from the list."""
    with kiosk.db.write() as conn:
        flagged = state.get(conn, UNKNOWN_KEY, {})
        if flagged.pop(ref_id, None) is None:
            return False
        state.put(conn, UNKNOWN_KEY, flagged)
        return True


def last_reconciliation(kiosk: Kiosk) -> dict[str, Any] | None:
    with kiosk.db.read() as conn:
        return state.get(conn, LAST_KEY)


def _compare_topups(kiosk: Kiosk, client: DistributorClient, result: Reconciliation,
                    margin: timedelta) -> list[StatusChange]:
    start, end = result.start, result.end
    server = {t.ref_id: t for t in client.transactions(start - margin, end + margin).topups}
    with kiosk.db.read() as conn:
        local = {row.ref_id: row for row in local_topups(conn, start, end)}
        in_day = {ref for ref, t in server.items()
                  if start <= _server_time(t) < end and ref not in local}
        elsewhere = {row.ref_id: row for row in _local_by_refs(conn, in_day)}
    for ref in [r for r in local if r not in server][:LOOKUP_LIMIT]:
        found = _lookup(client, ref)  # sent late (offline): outside the server's window
        if found is not None:
            server[ref] = found
    local.update(elsewhere)
    changes: list[StatusChange] = []
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        flagged = state.get(conn, UNKNOWN_KEY, {})
        flagged_before = dict(flagged)
        for ref in sorted(set(local) | in_day):
            mine, theirs = local.get(ref), server.get(ref)
            if mine is None and theirs is not None:
                flagged.setdefault(ref, {"topup": theirs.model_dump(mode="json"),
                                         "first_seen": now.isoformat() + "Z",
                                         "day": result.day.isoformat()})
                result.unknown_locally.append(_finding(None, theirs, "imported"))
                continue
            assert mine is not None
            if theirs is None:
                if mine.status == TopUpStatus.FAILED.value:
                    result.matched.append(_finding(mine, None))  # refused and refunded
                    continue
                action = "queued"
                if mine.outbox_id is not None and mine.sent_at is not None:
                    conn.execute(update(outbox).where(outbox.c.id == mine.outbox_id)
                                 .values(sent_at=None, last_error="reconcile: not at server"))
                    action = "requeued"
                result.missing_on_server.append(_finding(mine, None, action))
                continue
            if mine.outbox_id is not None and mine.sent_at is None:
                conn.execute(update(outbox).where(outbox.c.id == mine.outbox_id)
                             .values(sent_at=now))  # the server has it: no need to resend
            if theirs.price != mine.cost:
                if mine.server_price != theirs.price:
                    conn.execute(update(topups).where(topups.c.id == mine.id)
                                 .values(server_price=theirs.price))
                result.price_mismatch.append(_finding(mine, theirs, "flagged"))
            status = TopUpStatus(theirs.status.value)
            sn = theirs.sn or None
            if status.value != mine.status or (sn and sn != mine.sn):
                change = apply_status(conn, ref, status, sn=sn, message=theirs.message or None,
                                      source="reconcile", server_price=theirs.price)
                if change is not None:
                    changes.append(change)
            if status.value != mine.status:
                result.resolved.append(_finding(mine, theirs, "status_applied"))
            else:
                result.matched.append(_finding(mine, theirs))
        if flagged != flagged_before:
            state.put(conn, UNKNOWN_KEY, flagged)
    return changes


# ----------------------------------------------------------------------------- balances


def _note(side: str, reason: str, queued: bool = False) -> str:
    if side == "local" and reason == deposit.REASON_TOPUP and queued:
        return tr("reconcile.note.local_queued")
    key = f"reconcile.note.{side}.{reason}"
    text = tr(key)
    return text if text != key else tr(f"reconcile.note.{side}")


def explain_balances(local_rows: list[tuple[int, str, str | None, int | None]],
                     server_rows: list[wire.LedgerEntry], waiting: set[str]
                     ) -> list[BalanceDifference]:
    """Pair the two ledgers; return what is left over (effects on local minus server).

    ``local_rows`` are (amount, reason, reference, server_seq); ``waiting`` the ref_ids of
    top-ups the distributor has not accepted yet.
    """
    by_seq = {e.seq: e for e in server_rows}
    paired_seqs: set[int] = set()
    leftovers: list[tuple[int, str, str | None]] = []
    keyed_local: dict[tuple[str, str], deque[int]] = defaultdict(deque)
    money_local: list[tuple[int, str, str | None]] = []
    diffs: list[BalanceDifference] = []
    for amount, reason, reference, seq in local_rows:
        if seq is not None and seq in by_seq and seq not in paired_seqs:
            paired_seqs.add(seq)
            other = by_seq[seq]
            if other.amount != amount:
                diffs.append(BalanceDifference("amount", reason, reference or "",
                                               amount - other.amount, _note("amount", reason)))
            continue
        if reason in _KEYED and reference:
            keyed_local[(_KEYED[reason], reference)].append(amount)
        elif reason in _MONEY_IN_LOCAL:
            money_local.append((amount, reason, reference))
        else:
            leftovers.append((amount, reason, reference))
    money_server: dict[int, deque[wire.LedgerEntry]] = defaultdict(deque)
    for entry in server_rows:
        if entry.seq in paired_seqs:
            continue
        key = (entry.reason, entry.reference)
        if entry.reason in ("topup", "refund") and keyed_local.get(key):
            amount = keyed_local[key].popleft()
            if amount != entry.amount:
                local_reason = "topup" if entry.reason == "topup" else deposit.REASON_TOPUP_REFUND
                diffs.append(BalanceDifference("amount", local_reason, entry.reference,
                                               amount - entry.amount,
                                               _note("amount", local_reason)))
            continue
        if entry.reason in _MONEY_IN_SERVER:
            money_server[entry.amount].append(entry)
            continue
        diffs.append(BalanceDifference("server", entry.reason, entry.reference, -entry.amount,
                                       _note("server", entry.reason)))
    for amount, reason, reference in money_local:
        if money_server.get(amount):
            money_server[amount].popleft()
            continue
        leftovers.append((amount, reason, reference))
    for (reason, reference), amounts in keyed_local.items():
        local_reason = deposit.REASON_TOPUP if reason == "topup" else deposit.REASON_TOPUP_REFUND
        for amount in amounts:
            leftovers.append((amount, local_reason, reference))
    for amount, reason, reference in leftovers:
        diffs.append(BalanceDifference("local", reason, reference or "", amount,
                                       _note("local", reason, (reference or "") in waiting)))
    for entries in money_server.values():
        for entry in entries:
            diffs.append(BalanceDifference("server", entry.reason, entry.reference,
                                           -entry.amount, _note("server", entry.reason)))
    return _fold(diffs)


OPENING_REFERENCE = "sync:opening"  # the sync's one-time alignment of the opening balance


def _fold(diffs: list[BalanceDifference]) -> list[BalanceDifference]:
    """Net rows that belong together, and drop what nets to zero.

    - an ``adjust`` row the ledger mirror wrote for a top-up whose server amount differed
      joins that top-up's ``amount`` difference;
    - the local opening balance and the sync's opening alignment are one story.
    """
    amount_refs = {d.reference for d in diffs if d.side == "amount" and d.reference}
    folded: dict[str, int] = defaultdict(int)
    opening = 0
    kept: list[BalanceDifference] = []
    for d in diffs:
        if d.side == "local" and d.reason == deposit.REASON_ADJUST and d.reference in amount_refs:
            folded[d.reference] += d.amount
        elif d.side == "amount":
            folded[d.reference] += d.amount
        elif d.side == "local" and (d.reason == deposit.REASON_OPENING
                                    or d.reference == OPENING_REFERENCE):
            opening += d.amount
        else:
            kept.append(d)
    kept = _net_by_reference(kept)
    out = [BalanceDifference("amount", deposit.REASON_TOPUP, ref, amount,
                             _note("amount", deposit.REASON_TOPUP))
           for ref, amount in folded.items() if amount]
    if opening:
        out.append(BalanceDifference("local", deposit.REASON_OPENING, OPENING_REFERENCE,
                                     opening, _note("local", deposit.REASON_OPENING)))
    return out + kept


def _net_by_reference(diffs: list[BalanceDifference]) -> list[BalanceDifference]:
    """One row per top-up and side: a debit and its refund on the same side net out."""
    groups: dict[tuple[str, str], list[BalanceDifference]] = defaultdict(list)
    order: list[tuple[str, str] | int] = []
    for i, d in enumerate(diffs):
        if d.reference and d.reason in ("topup", "refund"):
            key = (d.side, d.reference)
            if key not in groups:
                order.append(key)
            groups[key].append(d)
        else:
            order.append(i)
    out: list[BalanceDifference] = []
    for key in order:
        if isinstance(key, int):
            out.append(diffs[key])
            continue
        rows = groups[key]
        total = sum(d.amount for d in rows)
        if len(rows) == 1:
            out.append(rows[0])
        elif total:
            out.append(BalanceDifference(rows[0].side, rows[-1].reason, rows[0].reference,
                                         total, rows[-1].note))
    return out


def _compare_balances(kiosk: Kiosk, client: DistributorClient, result: Reconciliation) -> None:
    page = client.ledger(LEDGER_START, utc_now() + timedelta(days=1))
    with kiosk.db.read() as conn:
        local_rows = [tuple(r) for r in conn.execute(
            select(deposit_ledger.c.amount, deposit_ledger.c.reason, deposit_ledger.c.reference,
                   deposit_ledger.c.server_seq).order_by(deposit_ledger.c.id))]
        local_balance = deposit.balance(conn)
        waiting = {r for (r,) in conn.execute(
            select(topups.c.ref_id).where(topups.c.status == TopUpStatus.QUEUED.value))}
    waiting |= {f.ref_id for f in result.missing_on_server}
    result.local_balance = local_balance
    result.server_balance = page.balance
    result.differences = explain_balances(local_rows, page.entries, waiting)  # type: ignore[arg-type]
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
    changes = _compare_topups(kiosk, client, result, margin)
    for change in changes:
        kiosk.events.trigger(TOPUP_CHANGED, change.topup)
    if any(c.refunded for c in changes):
        kiosk.events.trigger(DEPOSIT_CHANGED, kiosk.deposit.balance())
    _compare_balances(kiosk, client, result)
    result.finished_at = utc_now()
    summary = {"date": day.isoformat(), "ok": result.ok, "counts": result.counts(),
               "local_balance": result.local_balance, "server_balance": result.server_balance,
               "unexplained": result.unexplained, "at": result.finished_at.isoformat()}
    with kiosk.db.write() as conn:
        state.put(conn, LAST_KEY, summary)
    return result

