"""Pull the distributor's change feed (``/v1/changes``) into the kiosk's store.

Each page is applied in ONE write transaction together with the new cursor, so after a
crash the kiosk re-reads exactly the rows it had not applied. Top-up status changes go
through :func:`kiosk_pos.core.topups.apply_status` (source ``server``, with SN and the
server's price); ledger rows through :mod:`kiosk_pos.sync.ledger_mirror`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from pulsa_protocol import wire
from sqlalchemy import Connection, bindparam, select, update

from kiosk_pos.core import deposit
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.events import DEPOSIT_CHANGED, TOPUP_CHANGED
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import StatusChange, apply_status
from kiosk_pos.store.schema import outbox, topups
from kiosk_pos.sync import ledger_mirror, state
from kiosk_pos.sync.client import DistributorClient

log = logging.getLogger(__name__)


@dataclass
class PullResult:
    changes_applied: int = 0
    ledger_rows: int = 0
    status_changes: list[StatusChange] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    cursor: int = 0
    complete: bool = False       # reached the end of the feed
    drift: int | None = None     # local - expected after a complete pull
    aligned: int = 0             # amount of the first-sync opening adjust row (0 if none)
    balance: int = 0


_LOCAL = select(topups.c.sku, topups.c.destination).where(topups.c.ref_id == bindparam("ref"))
_SENT = (update(outbox)
         .where(outbox.c.ref_id == bindparam("ref"), outbox.c.sent_at.is_(None))
         .values(sent_at=bindparam("now"), last_error=None))


def cursor(kiosk: Kiosk) -> int:
    with kiosk.db.read() as conn:
        return int(state.get(conn, state.CHANGES_CURSOR, 0))


def _apply_topup(conn: Connection, t: wire.TopUp, result: PullResult) -> None:
    local = conn.execute(_LOCAL, {"ref": t.ref_id}).first()
    if local is None:
        log.warning("change feed names top-up %s that this kiosk does not know", t.ref_id)
        return
    if local.sku != t.sku or local.destination != t.destination:
        log.error("REF CONFLICT: server holds %s as %s/%s, kiosk sold %s/%s", t.ref_id,
                  t.sku, t.destination, local.sku, local.destination)
        result.conflicts.append(t.ref_id)
        return
    # Any server word about this ref_id is a definite answer: it left the queue.
    conn.execute(_SENT, {"ref": t.ref_id, "now": to_db(utc_now())})
    change = apply_status(conn, t.ref_id, TopUpStatus(t.status.value), sn=t.sn or None,
                          message=t.message or None, source="server", server_price=t.price)
    if change is not None:
        result.status_changes.append(change)


def apply_page(conn: Connection, page: wire.ChangesPage, result: PullResult) -> int:
    """Apply a page after the stored cursor; returns the new cursor (caller's transaction)."""
    current = int(state.get(conn, state.CHANGES_CURSOR, 0))
    mirror = ledger_mirror.MirrorOutcome()
    last_ledger: wire.LedgerEntry | None = None
    for ch in sorted(page.changes, key=lambda c: c.seq):
        if ch.seq <= current:
            continue  # applied already (another process, or a repeated page)
        if ch.kind == "topup" and ch.topup is not None:
            _apply_topup(conn, ch.topup, result)
        elif ch.kind == "ledger" and ch.ledger is not None:
            ledger_mirror.mirror_entry(conn, ch.ledger, mirror)
            last_ledger = ch.ledger
            result.ledger_rows += 1
        else:
            log.warning("change %s of unknown kind %r skipped", ch.seq, ch.kind)
        current = ch.seq
        result.changes_applied += 1
    current = max(current, page.next_cursor if page.changes else current)
    if last_ledger is not None:  # once per page, in the same transaction as the rows
        state.put(conn, state.SERVER_BALANCE, last_ledger.balance_after)
        state.put(conn, state.SERVER_LEDGER_SEQ, last_ledger.seq)
    state.put(conn, state.CHANGES_CURSOR, current)
    result.status_changes.extend(mirror.status_changes)
    return current


def pull(kiosk: Kiosk, client: DistributorClient, *, wait: float = 0, limit: int = 500,
         keep_going: Callable[[], bool] = lambda: True) -> PullResult:
    """Read the feed to its end (long-polling ``wait`` seconds on the first page).

    Raises the client's errors; what was applied before an error stays applied.
    """
    result = PullResult(cursor=cursor(kiosk))
    first = True
    while keep_going():
        page = kiosk_page = client.changes(result.cursor, limit, wait if first else 0)
        first = False
        if not keep_going():
            break
        before = len(result.status_changes)
        with kiosk.db.write() as conn:
            old_balance = deposit.balance(conn)
            result.cursor = apply_page(conn, kiosk_page, result)
            if not page.has_more:
                result.complete = True
                result.drift, result.aligned = ledger_mirror.check_balance(conn, align=True)
                state.put(conn, state.LAST_SYNC, utc_now().isoformat())
            result.balance = deposit.balance(conn)
        for change in result.status_changes[before:]:
            kiosk.events.trigger(TOPUP_CHANGED, change.topup)
        if result.balance != old_balance:
            kiosk.events.trigger(DEPOSIT_CHANGED, result.balance)
        if not page.has_more:
            break
    return result
