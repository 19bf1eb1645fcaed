"""Mirror the distributor's ledger (mutasi) into the kiosk's deposit ledger without counting
anything twice.

The local ledger already holds a debit for every top-up at sale time (reason ``topup``,
reference = ref_id) and a credit when a top-up fails (``refund``). A server row about a
top-up the kiosk knows is MATCHED to that local row (its ``server_seq`` is filled in; the
amount is never edited) and only a difference becomes a row of its own: when the server
charged less than the kiosk's cached cost (``expected_price``), an ``adjust`` row with the
same reference brings the local ledger to what the server took. Rows the kiosk did not know
(deposit credits, tickets, corrections, a debit without a local row) become local rows with
``server_seq`` set. ``server_seq`` is UNIQUE, so a row can never be mirrored twice.

Invariant after a complete pull (see :func:`expected_local_balance`)::

    local balance = server balance - cost of local top-ups the server has not debited yet
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, bindparam, exists, func, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, apply_status
from kiosk_pos.store.schema import deposit_ledger, sale_lines, topups

ALIGN_REFERENCE = "sync:opening"

# Built once (a pull mirrors thousands of rows).
_LOCAL_TOPUP = (select(topups.c.cost, sale_lines.c.sale_id, topups.c.status)
                .join(sale_lines, sale_lines.c.id == topups.c.sale_line_id)
                .where(topups.c.ref_id == bindparam("ref")))
_MIRRORED = select(deposit_ledger.c.id).where(deposit_ledger.c.server_seq == bindparam("seq"))
_CANDIDATE = (select(deposit_ledger.c.id, deposit_ledger.c.amount)
              .where(deposit_ledger.c.reference == bindparam("ref"),
                     deposit_ledger.c.reason == bindparam("reason"),
                     deposit_ledger.c.server_seq.is_(None))
              .order_by(deposit_ledger.c.id).limit(1))
_LINK = (update(deposit_ledger).where(deposit_ledger.c.id == bindparam("lid"))
         .values(server_seq=bindparam("seq")))


@dataclass(frozen=True, slots=True)
class ServerLedgerRow:
    """One row of the distributor's ledger, its reason already in the kiosk's words
    (``deposit.REASON_*``; sync maps the wire's reasons)."""

    seq: int
    amount: int
    reason: str
    reference: str
    balance_after: int


@dataclass
class MirrorOutcome:
    """What mirroring some ledger rows did to the local store."""

    rows_added: int = 0
    rows_matched: int = 0
    status_changes: list[StatusChange] = field(default_factory=list)


def _local_topup(conn: Connection, ref_id: str) -> tuple[int, int, str] | None:
    """(cost, sale_id, status) of a local top-up, or None."""
    row = conn.execute(_LOCAL_TOPUP, {"ref": ref_id}).first()
    return None if row is None else (int(row.cost), int(row.sale_id), str(row.status))


def already_mirrored(conn: Connection, seq: int) -> bool:
    return conn.execute(_MIRRORED, {"seq": seq}).first() is not None


def mirror_entry(conn: Connection, entry: ServerLedgerRow, out: MirrorOutcome) -> None:
    """Apply one server ledger row inside the caller's write transaction."""
    if already_mirrored(conn, entry.seq):
        return
    ref = entry.reference or ""
    local = _local_topup(conn, ref) if ref else None
    reason = entry.reason
    if local is not None and reason in (deposit.REASON_TOPUP, deposit.REASON_TOPUP_REFUND):
        _cost, sale_id, status = local
        if reason == deposit.REASON_TOPUP_REFUND and status != TopUpStatus.FAILED.value:
            # The refund can come before the status change: fail the top-up now, which
            # writes the local refund row that this server row then matches.
            change = apply_status(conn, ref, TopUpStatus.FAILED, source="server")
            if change is not None:
                out.status_changes.append(change)
        candidate = conn.execute(_CANDIDATE, {"ref": ref, "reason": reason}).first()
        if candidate is not None:
            conn.execute(_LINK, {"lid": candidate.id, "seq": entry.seq})
            out.rows_matched += 1
            diff = entry.amount - int(candidate.amount)
            if diff:  # e.g. charged Rp10.250 for a top-up the kiosk costed at Rp10.350
                deposit.append(conn, diff, deposit.REASON_ADJUST, reference=ref,
                               sale_id=sale_id)
                out.rows_added += 1
            return
        deposit.append(conn, entry.amount, reason, reference=ref, sale_id=sale_id,
                       server_seq=entry.seq)
        out.rows_added += 1
        return
    deposit.append(conn, entry.amount, reason, reference=ref or f"server:{entry.seq}",
                   server_seq=entry.seq)
    out.rows_added += 1


def unaccepted_cost(conn: Connection) -> int:
    """Cost of local top-ups (not failed) whose debit the server's ledger has not shown yet."""
    debited = exists().where(and_(deposit_ledger.c.reference == topups.c.ref_id,
                                  deposit_ledger.c.reason == deposit.REASON_TOPUP,
                                  deposit_ledger.c.server_seq.is_not(None)))
    return int(conn.execute(
        select(func.coalesce(func.sum(topups.c.cost), 0))
        .where(topups.c.status != TopUpStatus.FAILED.value, ~debited)).scalar() or 0)


def expected_local_balance(conn: Connection) -> int | None:
    """What the local balance must be, from the server balance at our cursor (None if unknown)."""
    server_balance = state.get(conn, state.SERVER_BALANCE)
    if server_balance is None:
        return None
    return int(server_balance) - unaccepted_cost(conn)


def check_balance(conn: Connection, *, align: bool) -> tuple[int, int]:
    """Compare local with expected; returns (drift before, adjust written).

    On the kiosk's first complete pull (``align`` and not yet aligned), a difference is the
    local opening balance (a demo or hand-entered figure) differing from the deposit the
    distributor really holds: ONE ``adjust`` row with reference ``sync:opening`` aligns it.
    Afterwards a difference is only reported (``sync_state.drift``), never hidden.
    """
    expected = expected_local_balance(conn)
    if expected is None:
        expected = 0 - unaccepted_cost(conn)  # the server has no ledger row for us yet
    drift = deposit.balance(conn) - expected
    written = 0
    if align and not state.get(conn, state.ALIGNED, False):
        if drift:
            deposit.append(conn, -drift, deposit.REASON_ADJUST, reference=ALIGN_REFERENCE)
            written = -drift
        state.put(conn, state.ALIGNED, True)
        state.put(conn, state.DRIFT, 0)
    else:
        state.put(conn, state.DRIFT, drift)
    return drift, written
