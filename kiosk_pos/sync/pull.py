"""Pull the distributor's change feed (``/v1/changes``) into the kiosk's store.

This module reads the feed page by page; :func:`kiosk_pos.core.change_feed.apply_page`
applies each page in ONE write transaction together with the new cursor (so after a crash
the kiosk re-reads exactly the rows it had not applied) and announces what changed.

When the feed has more pages, the next one is fetched while this one is applied (one
helper thread for the pull, made only then): the fetch needs nothing the apply writes,
only the page's ``next_cursor``, so a long catch-up costs about the larger of the two
instead of their sum. The client is used by one thread at a time, and a pull never returns
with a fetch still in flight.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from pulsa_protocol import complaints as complaints_wire

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
    if not keep_going():
        return result
    page = client.changes(result.cursor, limit, wait)
    ahead: ThreadPoolExecutor | None = None
    pending: Future[complaints_wire.ChangesPage] | None = None
    try:
        while keep_going():
            if page.has_more:
                ahead = ahead or ThreadPoolExecutor(1, thread_name_prefix="pull-ahead")
                pending = ahead.submit(client.changes, page.next_cursor, limit, 0)
            done = change_feed.apply_page(kiosk, [convert.change(ch) for ch in page.changes],
                                          page.next_cursor, last=not page.has_more)
            _add(result, done)
            if not page.has_more:
                result.complete = True
                result.drift, result.aligned = done.drift, done.aligned
                break
            assert pending is not None
            page, pending = pending.result(), None
    finally:
        if ahead is not None:
            ahead.shutdown(wait=True)  # a fetch in flight ends before the client is reused
    return result


def _add(result: PullResult, done: change_feed.PageOutcome) -> None:
    result.cursor = done.cursor
    result.changes_applied += done.changes_applied
    result.ledger_rows += done.ledger_rows
    result.status_changes += done.status_changes
    result.conflicts += done.conflicts
    result.balance = done.balance
