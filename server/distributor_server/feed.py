"""The per-kiosk change feed and ledger (mutasi) rows.

Callers hold the kiosk row lock (db.lock_kiosk), so ``seq`` numbers are assigned in commit
order per kiosk: a cursor can never skip a row that commits late. (PostgreSQL's signed
submit numbers its rows from an unlocked read, and its one write goes in only while the
kiosk's counters are still the ones read, under the lock its update takes until it commits:
:mod:`distributor_server.pg_submit_sql`.)
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from sqlalchemy import JSON, String, bindparam, cast, column, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import Insert, Update
from sqlalchemy.sql.schema import Table

from distributor_server.clock import utcnow
from distributor_server.db import KioskRow
from distributor_server.models import Change, Kiosk, LedgerEntry, TopUp
from distributor_server.notify import DUE, FEED, notify_on_commit

if TYPE_CHECKING:
    from distributor_server.context import ServerContext

_CHANGES = Change.__table__
_LEDGER = LedgerEntry.__table__
_KIOSKS = Kiosk.__table__
_TOPUPS = TopUp.__table__
PAGE = (select(_CHANGES.c.seq, _CHANGES.c.kind, _CHANGES.c.payload, _CHANGES.c.created_at)
         .where(_CHANGES.c.kiosk_id == bindparam("kiosk_id"),
                _CHANGES.c.seq > bindparam("cursor"))
         .order_by(_CHANGES.c.seq).limit(bindparam("limit")))
"""A kiosk's feed rows after ``cursor``, at most ``limit`` (the long poll's read)."""
_PUT_COUNTERS = (update(_KIOSKS).where(_KIOSKS.c.id == bindparam("kiosk_id"))
                 .values(balance=bindparam("balance"), ledger_seq=bindparam("ledger_seq"),
                         change_seq=bindparam("change_seq")))


@lru_cache(maxsize=16)
def _insert(table: Table) -> Insert:
    return insert(table)


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, object]]) -> None:
    """Insert ``rows``: one row as a plain execute, more through the driver's executemany
    (one round trip: a psycopg pipeline). A one-row list handed to executemany cost about
    twice a plain execute in issue 14's profile. (A multi-row ``VALUES`` statement would
    save the pipeline, but SQLAlchemy compiles those afresh on every call.)"""
    conn.execute(_insert(table), rows[0] if len(rows) == 1 else rows)


LEDGER_COLUMNS = ("kiosk_id", "seq", "amount", "balance_before", "balance_after", "reason",
                  "reference", "created_at")
CHANGE_COLUMNS = ("kiosk_id", "seq", "kind", "payload", "created_at")


def rows_from_json(table: Table, names: tuple[str, ...], param: str,
                   gate: Callable[[Any], Any] | None = None) -> Insert:
    """PostgreSQL: insert the rows of the JSON array bound as ``param`` (their types read
    off the model's columns); with ``gate``, only those whose ``kiosk_id`` passes it."""
    rows = (func.json_to_recordset(cast(bindparam(param, type_=String), JSON))
            .table_valued(*(column(name, table.c[name].type) for name in names))
            .render_derived(name="r", with_types=True))
    chosen = select(*(rows.c[name] for name in names))
    if gate is not None:
        chosen = chosen.where(gate(rows.c.kiosk_id))
    return insert(table).from_select(list(names), chosen)


def flush_statement(due: bool) -> Update:
    """PostgreSQL: the ledger rows, the feed rows and the kiosk's counters (with the
    ``pg_notify`` call) in ONE statement, each batch of rows as one JSON parameter. Three
    round trips and three executes cost a fifth of a submit's server CPU (issue 14). (The
    signed submit writes its rows with :mod:`distributor_server.pg_submit_sql`.)"""
    # ``due``: one notice, DUE with the kiosk's id, wakes the senders and the kiosk's long
    # polls alike (notify.DUE), rather than a FEED and a DUE notice
    channel = bindparam("due_channel" if due else "feed_channel", type_=String)
    return (update(_KIOSKS).where(_KIOSKS.c.id == bindparam("kiosk_id"))
            .values(balance=bindparam("balance"), ledger_seq=bindparam("ledger_seq"),
                    change_seq=bindparam("change_seq"))
            .returning(func.pg_notify(channel, bindparam("feed_payload", type_=String)))
            .add_cte(rows_from_json(_LEDGER, LEDGER_COLUMNS, "ledger_rows").cte("ledger"),
                     rows_from_json(_CHANGES, CHANGE_COLUMNS, "change_rows").cte("feed")))


_FLUSH_IN_ONE = {False: flush_statement(False), True: flush_statement(True)}


def as_json(rows: list[dict[str, object]]) -> str:
    """Rows as a JSON array; datetimes in ISO 8601 with their offset (a naive one taken as
    UTC, as :class:`distributor_server.models.UTCDateTime` does), which timestamptz reads."""
    return json.dumps([{k: _iso(v) if isinstance(v, datetime) else v
                        for k, v in row.items()} for row in rows])


def _iso(value: datetime) -> str:
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()


class FeedNotifier:
    """In-process 'something changed for kiosk N' counters, and the long polls waiting on
    them: a bump (from any thread) wakes exactly the waiters of that kiosk, so an idle long
    poll costs no CPU until its kiosk changes or its re-read falls due.

    :meth:`bump_all` wakes every waiter (a kiosk's tick is its own count plus a global
    epoch): the LISTEN connection calls it when it is lost or comes back, because notices
    sent meanwhile are lost, so a poll that relies on them reads the feed again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ticks: dict[int, int] = defaultdict(int)
        self._epoch = 0
        self._waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def bump(self, kiosk_id: int) -> None:
        with self._lock:
            self._ticks[kiosk_id] += 1
            waiters = list(self._waiters.get(kiosk_id, ()))
        _wake(waiters)

    def bump_all(self) -> None:
        """Every kiosk changed, as far as its waiters know: each reads its feed again."""
        with self._lock:
            self._epoch += 1
            waiters = [key for keys in self._waiters.values() for key in keys]
        _wake(waiters)

    def tick(self, kiosk_id: int) -> int:
        with self._lock:
            return self._ticks.get(kiosk_id, 0) + self._epoch

    def waiting(self, kiosk_id: int) -> int:
        """How many long polls of ``kiosk_id`` wait in this process now."""
        with self._lock:
            return len(self._waiters.get(kiosk_id, ()))

    async def changed_since(self, kiosk_id: int, tick: int, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a bump of ``kiosk_id`` after ``tick``; True if so."""
        event = asyncio.Event()
        key = (asyncio.get_running_loop(), event)
        with self._lock:
            if self._ticks.get(kiosk_id, 0) + self._epoch != tick:
                return True
            self._waiters.setdefault(kiosk_id, set()).add(key)
        try:
            await asyncio.wait_for(event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            with self._lock:
                waiting = self._waiters.get(kiosk_id)
                if waiting is not None:
                    waiting.discard(key)
                    if not waiting:
                        del self._waiters[kiosk_id]


def _wake(waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]]) -> None:
    for loop, event in waiters:
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # that loop has closed; its waiter is gone
            pass


def topup_to_wire(tx: Any) -> wire.TopUp:
    """A TopUp (ORM object, or a Core row with the same column names) as the wire has it."""
    return wire.TopUp(
        ref_id=tx.ref_id, sku=tx.sku, destination=tx.destination, price=tx.price,
        status=wire.TopUpStatus(tx.status), sn=tx.sn or "", message=tx.message or "",
        created_at=tx.created_at, updated_at=tx.updated_at, kiosk_created_at=tx.kiosk_created_at,
    )


def ledger_to_wire(entry: LedgerEntry) -> wire.LedgerEntry:
    return wire.LedgerEntry(
        seq=entry.seq, amount=entry.amount, balance_before=entry.balance_before,
        balance_after=entry.balance_after, reason=entry.reason, reference=entry.reference,
        created_at=entry.created_at,
    )


def append_change(session: Session, kiosk: Kiosk, kind: str, payload: str) -> Change:
    kiosk.change_seq += 1
    notify_on_commit(session, FEED, str(kiosk.id))
    change = Change(
        kiosk_id=kiosk.id, seq=kiosk.change_seq, kind=kind, payload=payload,
        created_at=utcnow(),
    )
    session.add(change)
    return change


def record_topup(session: Session, kiosk: Kiosk, tx: TopUp) -> None:
    append_change(session, kiosk, "topup", topup_to_wire(tx).model_dump_json())


def post_ledger(
    session: Session, kiosk: Kiosk, amount: int, reason: str, reference: str = ""
) -> LedgerEntry:
    """Move the kiosk's balance by ``amount`` (negative = debit) with its own ledger row."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("ledger amounts are int rupiah")
    before = kiosk.balance
    kiosk.balance = before + amount
    kiosk.ledger_seq += 1
    entry = LedgerEntry(
        kiosk_id=kiosk.id, seq=kiosk.ledger_seq, amount=amount, balance_before=before,
        balance_after=kiosk.balance, reason=reason, reference=reference, created_at=utcnow(),
    )
    session.add(entry)
    append_change(session, kiosk, "ledger", ledger_to_wire(entry).model_dump_json())
    return entry


def change_of(kind: str, payload: str, seq: int, created_at: object) -> cw.Change:
    """A stored feed row as the wire's change (top-up, ledger or complaint answer)."""
    change = cw.Change(seq=seq, kind=kind, created_at=created_at)
    if kind == "topup":
        change.topup = wire.TopUp.model_validate_json(payload)
    elif kind == cw.COMPLAINT_KIND:
        change.complaint = cw.ComplaintAnswer.model_validate_json(payload)
    else:
        change.ledger = wire.LedgerEntry.model_validate_json(payload)
    return change


def fetch_changes(ctx: ServerContext, kiosk_id: int, cursor: int, limit: int
                  ) -> cw.ChangesPage:
    """Feed rows with seq > ``cursor`` (one Core statement on the kiosk's (kiosk_id, seq)
    index: the long poll's read)."""
    with ctx.db.read() as session:
        rows = session.connection().execute(
            PAGE, {"kiosk_id": kiosk_id, "cursor": cursor, "limit": limit + 1}).all()
    return page_of(rows, cursor, limit)


def page_of(rows: list[Any], cursor: int, limit: int) -> cw.ChangesPage:
    """The page of :data:`PAGE`'s ``rows`` (read with ``limit`` + 1: one more tells that
    there is more); each row (seq, kind, payload, created_at), created_at aware."""
    changes = [change_of(kind, payload, seq, created_at)
               for seq, kind, payload, created_at in rows[:limit]]
    next_cursor = changes[-1].seq if changes else cursor
    return cw.ChangesPage(changes=changes, next_cursor=next_cursor, has_more=len(rows) > limit)


class FeedWrites:
    """The Core twin of :func:`post_ledger` and :func:`record_topup` for the hot submit path:
    the same rows with the same sequence numbers, collected for one locked kiosk
    (:class:`KioskRow`) and written by :meth:`flush` in three statements (ledger rows, feed
    rows, the kiosk's counters), however many top-ups the request carried."""

    def __init__(self, kiosk: KioskRow) -> None:
        self.kiosk = kiosk
        self._ledger: list[dict[str, object]] = []
        self._changes: list[dict[str, object]] = []

    def _change(self, kind: str, payload: str, now: datetime) -> None:
        self.kiosk.change_seq += 1
        self._changes.append({"kiosk_id": self.kiosk.id, "seq": self.kiosk.change_seq,
                              "kind": kind, "payload": payload, "created_at": now})

    def ledger(self, amount: int, reason: str, reference: str, now: datetime) -> None:
        """Move the balance by ``amount`` (negative = debit) with its ledger and feed rows."""
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError("ledger amounts are int rupiah")
        kiosk = self.kiosk
        before = kiosk.balance
        kiosk.balance = before + amount
        kiosk.ledger_seq += 1
        row = {"kiosk_id": kiosk.id, "seq": kiosk.ledger_seq, "amount": amount,
               "balance_before": before, "balance_after": kiosk.balance, "reason": reason,
               "reference": reference, "created_at": now}
        self._ledger.append(row)
        entry = wire.LedgerEntry(**{k: v for k, v in row.items() if k != "kiosk_id"})
        self._change("ledger", entry.model_dump_json(), now)

    def topup(self, topup: wire.TopUp, now: datetime) -> None:
        self._change("topup", topup.model_dump_json(), now)

    def flush(self, session: Session, *, due: bool = False) -> None:
        """Write the rows; wake the kiosk's long polls (and, ``due``, the upstream senders)
        when the transaction commits. On PostgreSQL the ``pg_notify`` call rides on the
        kiosk's update (``RETURNING``), one round trip fewer than a statement of its own."""
        if not self._changes:
            return
        conn = session.connection()
        kiosk = self.kiosk
        counters: dict[str, object] = {
            "kiosk_id": kiosk.id, "balance": kiosk.balance, "ledger_seq": kiosk.ledger_seq,
            "change_seq": kiosk.change_seq}
        ledger, changes = self.take()
        if conn.dialect.name == "postgresql":
            counters.update(feed_channel=FEED, feed_payload=str(kiosk.id), due_channel=DUE,
                            ledger_rows=as_json(ledger), change_rows=as_json(changes))
            conn.execute(_FLUSH_IN_ONE[due], counters).all()
        else:  # SQLite: in-process statements; wake-ups in-process (ServerContext.changed)
            if ledger:
                insert_rows(conn, _LEDGER, ledger)
            insert_rows(conn, _CHANGES, changes)
            conn.execute(_PUT_COUNTERS, counters)

    def take(self) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        """The collected (ledger rows, feed rows), handed over to be written."""
        taken = self._ledger, self._changes
        self._ledger, self._changes = [], []
        return taken
