"""The kiosk's own top-ups of a day, read once, and its side of the day's summary
(``GET /v1/transactions/summary``): its rows summed up as the distributor sums up its own
(:mod:`pulsa_protocol.day_summary`).

:mod:`kiosk_pos.sync.reconcile` asks for the summary and, where a side agrees, decides
from these rows without downloading that side's list; where it differs, the same rows are
compared with the list. The reads are plain SQL on the read transaction's sqlite3
connection (a day holds tens of thousands of rows; see :mod:`kiosk_pos.core.dbapi`), each
bounded by an index: ``ix_topups_created_at`` for the day's top-ups, the unique ref_id for
those of another day (the outbox joined by its unique ``topup_id``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pulsa_protocol import day_summary, wire

from kiosk_pos.core.clock import db_text
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.reconciliation import TopUpFix

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Conn

__all__ = ["DayTopUp", "day_topups", "mirrored_agree", "sent_fixes", "topups_agree",
           "topups_by_refs"]

_TOPUPS = ("SELECT t.id, t.ref_id, t.sku, t.destination, t.status, t.cost, t.sn, "
           "t.server_price, o.id, o.id IS NOT NULL AND o.sent_at IS NULL, "
           "o.sent_at IS NOT NULL FROM topups AS t "
           "LEFT JOIN outbox AS o ON o.topup_id = t.id ")
DAY_TOPUPS = _TOPUPS + "WHERE t.created_at >= ? AND t.created_at < ?"
BY_REFS = _TOPUPS + "WHERE t.ref_id IN ({})"
REFS_PER_READ = 500  # under SQLite's limit on a statement's parameters


class DayTopUp(NamedTuple):
    """A kiosk's top-up as reconciling needs it. ``unsent``: its outbox row still waits
    for a definite answer; ``sent``: its outbox row was sent (SQLite's 1 or 0 both)."""

    id: int
    ref_id: str
    sku: str
    destination: str
    status: str
    cost: int
    sn: str | None
    server_price: int | None
    outbox_id: int | None
    unsent: int
    sent: int


def day_topups(conn: Conn, start: datetime, end: datetime) -> dict[str, DayTopUp]:
    """The kiosk's top-ups made in [start, end), by ref_id."""
    rows = raw(conn).execute(DAY_TOPUPS, (db_text(start), db_text(end)))
    return {t.ref_id: t for t in map(DayTopUp._make, rows)}


def topups_by_refs(conn: Conn, refs: Iterable[str]) -> dict[str, DayTopUp]:
    """The kiosk's top-ups with these ref_ids (made on another day), by ref_id."""
    refs, found = list(refs), {}
    for i in range(0, len(refs), REFS_PER_READ):
        chunk = refs[i:i + REFS_PER_READ]
        rows = raw(conn).execute(BY_REFS.format(", ".join("?" * len(chunk))), chunk)
        found.update((t.ref_id, t) for t in map(DayTopUp._make, rows))
    return found


def topups_agree(local: dict[str, DayTopUp], theirs: wire.TopUpDigest) -> bool:
    count, digest = day_summary.topup_digest(
        (t.ref_id, t.status, t.cost, t.sn) for t in local.values())
    return count == theirs.count and digest == theirs.digest


def sent_fixes(local: Iterable[DayTopUp]) -> list[TopUpFix]:
    """The fixes the full comparison writes for top-ups both sides agree on: an outbox row
    still waiting is marked sent (the distributor has the top-up). Its other fixes for an
    agreeing top-up change nothing, so they are left out."""
    return [TopUpFix(t.ref_id, t.id, t.outbox_id, sent=True)
            for t in sorted(local, key=lambda t: t.ref_id) if t.unsent]


def mirrored_agree(local_rows: list[tuple[Any, ...]], theirs: wire.LedgerDigest) -> bool:
    """Whether the local ledger rows (amount, reason, reference, server_seq) that carry a
    server seq are, as (seq, amount), exactly the server's rows of the window."""
    count, total, digest = day_summary.ledger_digest(
        (seq, amount) for amount, _reason, _ref, seq in local_rows if seq is not None)
    return (count, total, digest) == (theirs.count, theirs.total, theirs.digest)
