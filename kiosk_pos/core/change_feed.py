"""Applying a page of the distributor's change feed to the kiosk's store.

A page is applied in write transactions of at most ``WRITE_CHUNK`` changes, each together
with the cursor of its last change, so after a crash the kiosk re-reads exactly the rows it
had not applied, and a sale never waits behind a whole page (500 changes held the writer
for ~0.3 s). Top-up status changes go
through :func:`kiosk_pos.core.topups.apply_status` (source ``server``, with SN and the
server's price); ledger rows through :mod:`kiosk_pos.core.ledger_mirror`. What changed is
announced once, after the commit. Fetching the pages is :mod:`kiosk_pos.sync.pull`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, select

from kiosk_pos.core import complaints, deposit, ledger_mirror, outbox
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import utc_now
from kiosk_pos.core.ledger_mirror import ServerLedgerRow
from kiosk_pos.core.topups import ServerTopUp, StatusChange, announce, apply_status
from kiosk_pos.store.schema import topups

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

log = logging.getLogger(__name__)

WRITE_CHUNK = 32  # changes per write transaction: ~15 ms of the writer at most

_LOCAL = select(topups.c.sku, topups.c.destination).where(topups.c.ref_id == bindparam("ref"))


@dataclass(frozen=True, slots=True)
class FeedChange:
    """One numbered change: a top-up, a ledger row, a complaint's answer, or none of them
    (a kind this kiosk skips)."""

    seq: int
    topup: ServerTopUp | None = None
    ledger: ServerLedgerRow | None = None
    complaint: complaints.ServerAnswer | None = None


@dataclass
class PageOutcome:
    changes_applied: int = 0
    ledger_rows: int = 0
    status_changes: list[StatusChange] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    cursor: int = 0
    drift: int | None = None     # local - expected, after the last page
    aligned: int = 0             # amount of the first-sync opening adjust row (0 if none)
    balance: int = 0
    answered: list[int] = field(default_factory=list)  # complaints (row ids) answered


def cursor(kiosk: Kiosk) -> int:
    """The last change applied (0 before the first pull)."""
    with kiosk.db.read() as conn:
        return int(state.get(conn, state.CHANGES_CURSOR, 0))


def _apply_topup(conn: Connection, t: ServerTopUp, out: PageOutcome) -> None:
    local = conn.execute(_LOCAL, {"ref": t.ref_id}).first()
    if local is None:
        log.warning("change feed names top-up %s that this kiosk does not know", t.ref_id)
        return
    if local.sku != t.sku or local.destination != t.destination:
        log.error("REF CONFLICT: server holds %s as %s/%s, kiosk sold %s/%s", t.ref_id,
                  t.sku, t.destination, local.sku, local.destination)
        out.conflicts.append(t.ref_id)
        return
    outbox.mark_sent(conn, t.ref_id)
    change = apply_status(conn, t.ref_id, t.status, sn=t.sn, message=t.message,
                          source="server", server_price=t.price)
    if change is not None:
        out.status_changes.append(change)


def _apply_changes(conn: Connection, changes: Sequence[FeedChange], next_cursor: int,
                   out: PageOutcome) -> None:
    current = int(state.get(conn, state.CHANGES_CURSOR, 0))
    mirror = ledger_mirror.MirrorOutcome()
    last_ledger: ServerLedgerRow | None = None
    for ch in sorted(changes, key=lambda c: c.seq):
        if ch.seq <= current:
            continue  # applied already (another process, or a repeated page)
        if ch.topup is not None:
            _apply_topup(conn, ch.topup, out)
        elif ch.ledger is not None:
            ledger_mirror.mirror_entry(conn, ch.ledger, mirror)
            last_ledger = ch.ledger
            out.ledger_rows += 1
        elif ch.complaint is not None:
            answered = complaints.apply_answer(conn, ch.complaint)
            if answered is not None:
                out.answered.append(answered)
        current = ch.seq
        out.changes_applied += 1
    current = max(current, next_cursor if changes else current)
    if last_ledger is not None:  # once per page, in the same transaction as the rows
        state.put(conn, state.SERVER_BALANCE, last_ledger.balance_after)
        state.put(conn, state.SERVER_LEDGER_SEQ, last_ledger.seq)
    state.put(conn, state.CHANGES_CURSOR, current)
    out.status_changes.extend(mirror.status_changes)
    out.cursor = current


def apply_page(kiosk: Kiosk, changes: Sequence[FeedChange], next_cursor: int, *,
               last: bool) -> PageOutcome:
    """Apply the changes after the stored cursor and store the new one (see WRITE_CHUNK).

    ``last``: the feed has nothing more; the balance is then checked against the
    distributor's (aligned once on the first sync) and the sync time noted. The check is
    measured in a read transaction after the page's commit, beside the writer, so a sale
    never waits for it; only its small result is written.
    """
    out = PageOutcome()
    if changes:
        ordered = sorted(changes, key=lambda c: c.seq)
        with kiosk.db.read() as conn:
            old_balance = deposit.balance(conn)
        for start in range(0, len(ordered), WRITE_CHUNK):
            chunk = ordered[start:start + WRITE_CHUNK]
            last_chunk = start + WRITE_CHUNK >= len(ordered)
            with kiosk.db.write() as conn:
                _apply_changes(conn, chunk, next_cursor if last_chunk else chunk[-1].seq, out)
                if last_chunk:
                    out.balance = deposit.balance(conn)
    else:  # the empty long-poll (every 15 s): nothing to write but the check's result
        with kiosk.db.read() as conn:
            old_balance = out.balance = deposit.balance(conn)
            out.cursor = int(state.get(conn, state.CHANGES_CURSOR, 0))
    if last:
        with kiosk.db.read() as conn:
            measured = ledger_mirror.measure(conn)
        with kiosk.db.write() as conn:
            out.drift, out.aligned = ledger_mirror.check_balance(conn, align=True,
                                                                 measured=measured)
            state.put(conn, state.LAST_SYNC, utc_now().isoformat())
            out.balance = deposit.balance(conn)
    announce(kiosk.events, out.status_changes,
             out.balance if out.balance != old_balance else None)
    complaints.announce(kiosk.db, kiosk.events, out.answered)
    return out
