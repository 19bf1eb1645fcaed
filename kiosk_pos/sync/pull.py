"""Pull the distributor's change feed (``/v1/changes``) into the kiosk's store.

This module reads the feed page by page; :func:`kiosk_pos.core.change_feed.apply_page`
applies each page in ONE write transaction together with the new cursor (so after a crash
the kiosk re-reads exactly the rows it had not applied) and announces what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import cursor
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.sync import convert
from kiosk_pos.sync.client import DistributorClient

__all__ = ["PullResult", "pull"]


@dataclass
class PullResult(change_feed.PageOutcome):
    """The pages of one pull added up; ``complete`` when it reached the end of the feed
    (``drift`` and ``aligned`` are then the last page's)."""

    complete: bool = False


def pull(kiosk: Kiosk, client: DistributorClient, *, wait: float = 0, limit: int = 500,
         keep_going: Callable[[], bool] = lambda: True) -> PullResult:
    """Read the feed to its end (long-polling ``wait`` seconds on the first page).

    Raises the client's errors; what was applied before an error stays applied.
    """
    result = PullResult(cursor=cursor(kiosk))
    first = True
    while keep_going():
        page = client.changes(result.cursor, limit, wait if first else 0)
        first = False
        if not keep_going():
            break
        done = change_feed.apply_page(kiosk, [convert.change(ch) for ch in page.changes],
                                      page.next_cursor, last=not page.has_more)
        result.cursor = done.cursor
        result.changes_applied += done.changes_applied
        result.ledger_rows += done.ledger_rows
        result.status_changes += done.status_changes
        result.conflicts += done.conflicts
        result.balance = done.balance
        if not page.has_more:
            result.complete = True
            result.drift, result.aligned = done.drift, done.aligned
            break
    return result
