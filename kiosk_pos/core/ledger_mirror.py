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

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from kiosk_pos.core import deposit
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, apply_status

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Conn, Writer

ALIGN_REFERENCE = "sync:opening"

# A pull mirrors thousands of rows: plain SQL on the transaction's sqlite3 connection
# (kiosk_pos/core/dbapi.py).
_MIRRORED = "SELECT id FROM deposit_ledger WHERE server_seq = ?"
# SQLite takes "server_seq IS NULL" as an equality on server_seq's UNIQUE index and walks
# every unmatched row (the whole history of a kiosk that never synced): these look-ups name
# the partial index that holds only the unmatched rows, keyed by what is looked up.
UNMATCHED = "deposit_ledger INDEXED BY ix_deposit_ledger_unmatched"
_CANDIDATE = (f"SELECT id, amount FROM {UNMATCHED} WHERE reason = ? "
              "AND reference = ? AND server_seq IS NULL ORDER BY id LIMIT 1")
_LINK = "UPDATE deposit_ledger SET server_seq = ? WHERE id = ?"
# A mirrored row's one read: its top-up (cost, sale, status) and the _CANDIDATE row.
_TOPUP_AND_CANDIDATE = (
    "SELECT t.cost, l.sale_id, t.status, d.id, d.amount FROM topups AS t "
    "JOIN sale_lines AS l ON l.id = t.sale_line_id "
    "LEFT JOIN deposit_ledger AS d INDEXED BY ix_deposit_ledger_unmatched "
    "ON d.reason = ? AND d.reference = t.ref_id AND d.server_seq IS NULL "
    "WHERE t.ref_id = ? ORDER BY d.id LIMIT 1")


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


def already_mirrored(conn: Writer, seq: int) -> bool:
    return raw(conn).execute(_MIRRORED, (seq,)).fetchone() is not None


def mirrored_among(conn: Writer, seqs: Sequence[int]) -> set[int]:
    """Which of ``seqs`` are mirrored already (one look-up on server_seq's index)."""
    if not seqs:
        return set()
    marks = ", ".join("?" * len(seqs))
    return {int(seq) for (seq,) in raw(conn).execute(
        f"SELECT server_seq FROM deposit_ledger WHERE server_seq IN ({marks})", tuple(seqs))}


def mirror_entry(conn: Writer, entry: ServerLedgerRow, out: MirrorOutcome, *,
                 mirrored: set[int] | None = None, moment: datetime | None = None) -> None:
    """Apply one server ledger row inside the caller's write transaction.

    ``mirrored``: the seqs known mirrored in this transaction (:func:`mirrored_among` of a
    page's rows, kept up to date here), instead of a look-up per row; ``moment``: the time
    written on new rows (now when None).
    """
    if mirrored is None:
        if already_mirrored(conn, entry.seq):
            return
    elif entry.seq in mirrored:
        return
    else:
        mirrored.add(entry.seq)  # every branch below writes this seq
    ref = entry.reference or ""
    reason = entry.reason
    db = raw(conn)
    # the top-up and its oldest unmatched local row of this reason, in one read
    local = db.execute(_TOPUP_AND_CANDIDATE, (reason, ref)).fetchone() if ref else None
    if local is not None and reason in (deposit.REASON_TOPUP, deposit.REASON_TOPUP_REFUND):
        _cost, sale_id, status, candidate_id, candidate_amount = local
        candidate = None if candidate_id is None else (candidate_id, candidate_amount)
        if reason == deposit.REASON_TOPUP_REFUND and status != TopUpStatus.FAILED.value:
            # The refund can come before the status change: fail the top-up now, which
            # writes the local refund row that this server row then matches.
            change = apply_status(conn, ref, TopUpStatus.FAILED, source="server")
            if change is not None:
                out.status_changes.append(change)
            candidate = db.execute(_CANDIDATE, (reason, ref)).fetchone()
        if candidate is not None:
            db.execute(_LINK, (entry.seq, candidate[0]))
            out.rows_matched += 1
            diff = entry.amount - int(candidate[1])
            if diff:  # e.g. charged Rp10.250 for a top-up the kiosk costed at Rp10.350
                deposit.append(conn, diff, deposit.REASON_ADJUST, reference=ref,
                               sale_id=sale_id, at=moment)
                out.rows_added += 1
            return
        deposit.append(conn, entry.amount, reason, reference=ref, sale_id=sale_id,
                       server_seq=entry.seq, at=moment)
        out.rows_added += 1
        return
    deposit.append(conn, entry.amount, reason, reference=ref or f"server:{entry.seq}",
                   server_seq=entry.seq, at=moment)
    out.rows_added += 1


def unaccepted_cost(conn: Conn) -> int:
    """Cost of local top-ups (not failed) whose debit the server's ledger has not shown yet.

    Bounded by what is still pending: it starts from the local debit rows the server has not
    matched (``ix_deposit_ledger_unmatched``), never from the whole top-up history. Every
    top-up writes its debit at sale time, so a top-up without a matched debit has one there.
    """
    row = raw(conn).execute(_UNACCEPTED, {"topup": deposit.REASON_TOPUP,
                                          "failed": TopUpStatus.FAILED.value}).fetchone()
    return int(row[0] or 0) if row else 0


_UNACCEPTED = (
    "SELECT coalesce(sum(t.cost), 0) FROM topups AS t WHERE t.ref_id IN ("
    f"  SELECT reference FROM {UNMATCHED} WHERE reason = :topup AND server_seq IS NULL)"
    " AND t.status != :failed AND NOT EXISTS ("
    "  SELECT 1 FROM deposit_ledger AS d WHERE d.reference = t.ref_id"
    "  AND d.reason = :topup AND d.server_seq IS NOT NULL)")


def expected_local_balance(conn: Conn) -> int | None:
    """What the local balance must be, from the server balance at our cursor (None if unknown)."""
    server_balance = state.get(conn, state.SERVER_BALANCE)
    if server_balance is None:
        return None
    return int(server_balance) - unaccepted_cost(conn)


def _drift(conn: Conn) -> int:
    expected = expected_local_balance(conn)
    if expected is None:
        expected = 0 - unaccepted_cost(conn)  # the server has no ledger row for us yet
    return deposit.balance(conn) - expected


@dataclass(frozen=True, slots=True)
class BalanceMeasure:
    """The drift measured in a read snapshot, and where that snapshot stood."""

    drift: int
    changes_cursor: int
    last_row_id: int


_LAST_ROW = "SELECT max(id) FROM deposit_ledger"
# Rows a sale or a local status change writes: each moves the balance and the unaccepted
# cost by the same amount, so they leave the drift as it was.
_SINCE = "SELECT reason, server_seq FROM deposit_ledger WHERE id > ?"
_NEUTRAL = {deposit.REASON_TOPUP, deposit.REASON_TOPUP_REFUND}


def measure(conn: Conn) -> BalanceMeasure:
    """Measure the drift in a READ transaction, beside the writer (the slow part)."""
    last = raw(conn).execute(_LAST_ROW).fetchone()
    return BalanceMeasure(_drift(conn), int(state.get(conn, state.CHANGES_CURSOR, 0)),
                          int(last[0] or 0) if last else 0)


def _still_holds(conn: Connection, m: BalanceMeasure) -> bool:
    if int(state.get(conn, state.CHANGES_CURSOR, 0)) != m.changes_cursor:
        return False
    return all(reason in _NEUTRAL and server_seq is None
               for reason, server_seq in raw(conn).execute(_SINCE, (m.last_row_id,)))


def check_balance(conn: Connection, *, align: bool,
                  measured: BalanceMeasure | None = None) -> tuple[int, int]:
    """Compare local with expected; returns (drift before, adjust written).

    ``measured``: the drift taken in a read snapshot just before this write transaction;
    it is used when nothing since then can have moved the drift (else it is measured again
    here).

    On the kiosk's first complete pull (``align`` and not yet aligned), a difference is the
    local opening balance (a demo or hand-entered figure) differing from the deposit the
    distributor really holds: ONE ``adjust`` row with reference ``sync:opening`` aligns it.
    Afterwards a difference is only reported (``sync_state.drift``), never hidden.
    """
    drift = (measured.drift if measured is not None and _still_holds(conn, measured)
             else _drift(conn))
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
