"""Applying a page of the distributor's change feed to the kiosk's store.

A page is applied in write transactions of at most ``WRITE_CHUNK`` changes, each together
with the cursor of its last change, so after a crash the kiosk re-reads exactly the rows it
had not applied, and a sale never waits behind a whole page (500 changes held the writer
for ~0.3 s). Those transactions, and the balance check's result, are copies of what the
distributor holds: they are committed ``relaxed`` (no flush of the disk of their own,
:meth:`kiosk_pos.store.Database.write`), since a power cut that takes one takes its cursor
with it and the kiosk reads the same changes again; a sale's commit waits for no flush but
its own. Top-up status changes go
through :func:`kiosk_pos.core.topups.apply_status` (source ``server``, with SN and the
server's price); ledger rows through :mod:`kiosk_pos.core.ledger_mirror`. What changed is
announced once, after the commit. Fetching the pages is :mod:`kiosk_pos.sync.pull`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from kiosk_pos.core import complaints, deposit, ledger_mirror, outbox
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.ledger_mirror import ServerLedgerRow
from kiosk_pos.core.topups import (
    ServerTopUp,
    StatusChange,
    announce,
    apply_found,
    find_for_feed,
)

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Conn, Writer
    from kiosk_pos.core.kiosk import Kiosk

log = logging.getLogger(__name__)

# Changes per write transaction. A change now holds the writer ~15-40 us (one read per
# top-up or ledger row), so 256 hold it ~9 ms (median; p95 ~24 ms, at load 2 on the 2-core
# bench machine, with 108,801 changes into a 34,000-sale day). Each commit writes the
# chunk's dirty index pages to the WAL: at 32 a chunk the commits were a third of a
# catch-up's CPU, at 128 a fifth (see docs/benchmarks.md, issue 12's last target).
WRITE_CHUNK = 256
LAST_SYNC_EVERY = 60.0  # seconds: a complete pull with nothing else to write notes its time
#                        at most this often (a write, and a flush, per poll otherwise)


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
    with kiosk.db.read_raw() as cur:
        return int(state.get(cur, state.CHANGES_CURSOR, 0))


def _apply_topup(conn: Writer, t: ServerTopUp, out: PageOutcome) -> None:
    local = find_for_feed(conn, t.ref_id)  # the top-up, and whether its outbox row waits
    if local is None:
        log.warning("change feed names top-up %s that this kiosk does not know", t.ref_id)
        return
    sku, destination, unsent = local[2], local[3], local[9]
    if sku != t.sku or destination != t.destination:
        log.error("REF CONFLICT: server holds %s as %s/%s, kiosk sold %s/%s", t.ref_id,
                  t.sku, t.destination, sku, destination)
        out.conflicts.append(t.ref_id)
        return
    if unsent:
        outbox.mark_sent(conn, t.ref_id)
    change = apply_found(conn, local, t.status, sn=t.sn, message=t.message,
                         source="server", server_price=t.price)
    if change is not None:
        out.status_changes.append(change)


def _apply_changes(conn: Connection, changes: Sequence[FeedChange], next_cursor: int,
                   out: PageOutcome) -> None:
    current = int(state.get(conn, state.CHANGES_CURSOR, 0))
    db = raw(conn)  # the top-up and ledger writes below take the sqlite3 connection once
    mirror = ledger_mirror.MirrorOutcome()
    last_ledger: ServerLedgerRow | None = None
    moment = utc_now()  # the chunk's new ledger rows share one time (one transaction)
    mirrored = ledger_mirror.mirrored_among(
        db, [ch.ledger.seq for ch in changes if ch.ledger is not None])
    for ch in sorted(changes, key=lambda c: c.seq):
        if ch.seq <= current:
            continue  # applied already (another process, or a repeated page)
        if ch.topup is not None:
            _apply_topup(db, ch.topup, out)
        elif ch.ledger is not None:
            ledger_mirror.mirror_entry(db, ch.ledger, mirror, mirrored=mirrored,
                                       moment=moment)
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
    never waits for it; only its small result is written, and only when it says something
    new (see :func:`_note_check`): an empty page writes nothing.
    """
    out = PageOutcome()
    if changes:
        ordered = sorted(changes, key=lambda c: c.seq)
        with kiosk.db.read_raw() as cur:
            old_balance = deposit.balance(cur)
        for start in range(0, len(ordered), WRITE_CHUNK):
            chunk = ordered[start:start + WRITE_CHUNK]
            last_chunk = start + WRITE_CHUNK >= len(ordered)
            with kiosk.db.write(relaxed=True) as conn:
                _apply_changes(conn, chunk, next_cursor if last_chunk else chunk[-1].seq, out)
                if last_chunk:
                    out.balance = deposit.balance(conn)
        if last:
            _note_check(kiosk, out)
    else:  # the empty poll: the check only, in the same read as the cursor
        with kiosk.db.read_raw() as cur:  # plain sqlite3: no SQLAlchemy per poll
            old_balance = out.balance = deposit.balance(cur)
            out.cursor = int(state.get(cur, state.CHANGES_CURSOR, 0))
            check = _read_check(cur) if last else None
        if check is not None:
            _note_check(kiosk, out, check)
    announce(kiosk.events, out.status_changes,
             out.balance if out.balance != old_balance else None)
    complaints.announce(kiosk.db, kiosk.events, out.answered)
    return out


@dataclass(frozen=True, slots=True)
class _Check:
    """The balance check measured in a read snapshot, and whether it says anything new."""

    measured: ledger_mirror.BalanceMeasure
    balance: int
    news: bool  # not aligned yet, a drift other than the one stored, or a stale sync time


def _stale(noted: object) -> bool:
    """Whether the stored sync time is due again (missing, unreadable, or not within
    ``LAST_SYNC_EVERY`` of now either way, so a clock set back does not freeze it)."""
    try:
        at = datetime.fromisoformat(str(noted))
        return abs((utc_now() - at).total_seconds()) >= LAST_SYNC_EVERY
    except (TypeError, ValueError):  # None, or a time without its zone
        return True


def _read_check(conn: Conn) -> _Check:
    measured = ledger_mirror.measure(conn)
    news = (_stale(state.get(conn, state.LAST_SYNC)) or not state.get(conn, state.ALIGNED, False)
            or state.get(conn, state.DRIFT) != measured.drift)
    return _Check(measured, deposit.balance(conn), news)


def _note_check(kiosk: Kiosk, out: PageOutcome, check: _Check | None = None) -> None:
    """Write the balance check's result and the sync time, unless neither changed.

    A kiosk that polls with nothing new (or sells and syncs all day without drift) takes
    the writer, and the disk's flush, for nothing: the drift stored is already this one,
    and the sync time only needs ``LAST_SYNC_EVERY`` of precision (it shows as HH:MM; the
    running service also keeps its own). Writing is left to :func:`check_balance`, which
    measures again whenever something moved the drift since the read.
    """
    if check is None:
        with kiosk.db.read_raw() as cur:
            check = _read_check(cur)
    if not check.news:
        out.drift, out.aligned, out.balance = check.measured.drift, 0, check.balance
        return
    with kiosk.db.write(relaxed=True) as conn:
        out.drift, out.aligned = ledger_mirror.check_balance(conn, align=True,
                                                             measured=check.measured)
        state.put(conn, state.LAST_SYNC, utc_now().isoformat())
        out.balance = deposit.balance(conn)
