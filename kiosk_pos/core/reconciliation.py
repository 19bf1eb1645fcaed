"""What reconciliation (rekonsiliasi) changes in the kiosk's books, and what it keeps.

:mod:`kiosk_pos.sync.reconcile` compares a day's top-ups with the distributor's and decides,
per top-up, what to fix; :func:`apply_fixes` writes those fixes in ONE transaction and
announces the status changes after the commit. Top-ups the distributor has and the kiosk
does not are kept as flagged records in ``sync_state`` (core tables keep their meaning)
until the owner dismisses them; the last run's summary is kept there too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import update

from kiosk_pos.core import deposit
from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.topups import ServerTopUp, StatusChange, announce, apply_status
from kiosk_pos.store.schema import outbox, topups

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

UNKNOWN_KEY = "reconcile.unknown"
LAST_KEY = "reconcile.last"
REQUEUE_NOTE = "reconcile: not at server"


@dataclass(frozen=True, slots=True)
class TopUpFix:
    """What reconciliation changes about one local top-up.

    ``requeue``: the distributor never got it; its outbox row goes back in the queue (same
    ref_id). ``sent``: the distributor has it; its outbox row need not be resent.
    ``server_price``: the price the distributor charged, to note on the top-up.
    ``status``: the distributor's view, applied with source ``reconcile``.
    """

    ref_id: str
    topup_id: int
    outbox_id: int | None = None
    requeue: bool = False
    sent: bool = False
    server_price: int | None = None
    status: ServerTopUp | None = None


def apply_fixes(kiosk: Kiosk, fixes: Sequence[TopUpFix],
                unknown: Mapping[str, dict[str, Any]]) -> list[StatusChange]:
    """Write the fixes (in order) and flag the ``unknown`` ref_ids not flagged yet, in one
    transaction; announce the changes after it. Returns the status changes."""
    changes: list[StatusChange] = []
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        flagged = state.get(conn, UNKNOWN_KEY, {})
        flagged_before = dict(flagged)
        for ref, record in unknown.items():
            flagged.setdefault(ref, record)
        for fix in fixes:
            if fix.requeue and fix.outbox_id is not None:
                conn.execute(update(outbox).where(outbox.c.id == fix.outbox_id)
                             .values(sent_at=None, last_error=REQUEUE_NOTE))
            if fix.sent and fix.outbox_id is not None:
                conn.execute(update(outbox).where(outbox.c.id == fix.outbox_id)
                             .values(sent_at=now))
            if fix.server_price is not None:
                conn.execute(update(topups).where(topups.c.id == fix.topup_id)
                             .values(server_price=fix.server_price))
            if fix.status is not None:
                s = fix.status
                change = apply_status(conn, fix.ref_id, s.status, sn=s.sn, message=s.message,
                                      source="reconcile", server_price=s.price)
                if change is not None:
                    changes.append(change)
        if flagged != flagged_before:
            state.put(conn, UNKNOWN_KEY, flagged)
        balance = deposit.balance(conn)
    announce(kiosk.events, changes, balance if any(c.refunded for c in changes) else None)
    return changes


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


def save_summary(kiosk: Kiosk, summary: dict[str, Any]) -> None:
    """Keep the last run's summary (for the status screen)."""
    with kiosk.db.write() as conn:
        state.put(conn, LAST_KEY, summary)


def last_reconciliation(kiosk: Kiosk) -> dict[str, Any] | None:
    with kiosk.db.read() as conn:
        return state.get(conn, LAST_KEY)
