"""The deposit tickets (tiket deposit) last seen, kept so the screen works offline.

Tickets come from the distributor (:mod:`kiosk_pos.sync.tickets` asks for them); the kiosk
keeps the newest ones as JSON objects keyed by ``id`` in ``sync_state``. Statuses may be
out of date until the next time the distributor is asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kiosk_pos.core import sync_state as state

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

CACHE_KEY = "deposit.tickets"
KEEP = 50


def remember(kiosk: Kiosk, tickets: Iterable[dict[str, Any]]) -> None:
    """Merge ``tickets`` (each with an ``id``) into the kept ones; the newest are kept."""
    with kiosk.db.write() as conn:
        known = {t["id"]: t for t in state.get(conn, CACHE_KEY, [])}
        for t in tickets:
            known[t["id"]] = t
        newest = sorted(known.values(), key=lambda t: t["id"], reverse=True)[:KEEP]
        state.put(conn, CACHE_KEY, newest)


def remembered(kiosk: Kiosk) -> list[dict[str, Any]]:
    """The kept tickets, newest first."""
    with kiosk.db.read() as conn:
        return list(state.get(conn, CACHE_KEY, []))
