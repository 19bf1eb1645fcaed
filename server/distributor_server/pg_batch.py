"""The submits' WRITEs of one API process, several in one statement when they arrive together.

A submit's WRITE (:data:`distributor_server.pg_submit_sql.WRITE`) is one statement and one
durable commit. Under load most of its cost is per statement, not per row: the round trip,
starting the plan of six tables, the commit's WAL flush, the notices. Requests that reach
their WRITE while another batch is on its way wait for the next one, which takes them all
(at most :data:`MOST` a batch). A kiosk is in one batch on its way at most, once: a
second request of the kiosk waits for the next batch after it, as one would overtake the
other. So two batches share no row and never wait for each other; any other writer of a
kiosk (a request writing alone, one retried under the kiosk's lock, the upstream sender)
holds that one kiosk's rows only, so nobody waits in a circle. Alone, a request's WRITE goes
at once on its own connection: nothing waits for company.

Each request keeps its own outcome (``fresh``, ``count``, ``written``): the statement's
guards are per kiosk, so one kiosk overtaken by another writer leaves the others' rows
written. A batch that fails (a lost connection) fails every request in it, each as its own
statement would have; a request retried then decides again from a new READ.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from distributor_server.clock import utcnow
from distributor_server.feed import as_json
from distributor_server.notify import DUE
from distributor_server.pg_raw import HotPool, compiled
from distributor_server.pg_submit_sql import REQUEST_NAMES, WRITE

MOST = 64
"""Requests a batch carries at most."""
AT_ONCE = 2
"""Batches of one process on their way at the same time (each on a connection of its own);
a request arriving while they are all out waits for the next."""
_WRITE = compiled(WRITE)


@dataclass
class Write:
    """One request's WRITE: its values by :data:`REQUEST_NAMES`, and its rows."""

    values: dict[str, Any]
    topups: list[dict[str, object]]
    ledger: list[dict[str, object]]
    changes: list[dict[str, object]]
    outcome: asyncio.Future[tuple[bool, int | None, bool]] = field(init=False)

    @property
    def kiosk_id(self) -> int:
        return int(self.values["kiosk_id"])


async def write_batch(conn: asyncpg.Connection, writes: list[Write], bucket: str | None
                      ) -> dict[int, tuple[bool, int | None, bool]]:
    """Run ``writes`` (each of another kiosk) as one WRITE on ``conn``: (fresh, count,
    written) by kiosk id."""
    rows = await conn.fetch(_WRITE.sql, *_WRITE.args(
        **{f"each_{name}": [w.values[name] for w in writes] for name in REQUEST_NAMES},
        now=utcnow(), bucket=bucket, due_channel=DUE,
        topup_rows=_as_json(w.topups for w in writes),
        ledger_rows=_as_json(w.ledger for w in writes),
        change_rows=_as_json(w.changes for w in writes)))
    return {kiosk_id: (fresh, count, written) for kiosk_id, fresh, count, written in rows}


def _as_json(batches: Any) -> str:
    return as_json([row for rows in batches for row in rows])


class WriteBatcher:
    """An API process's WRITEs on ``pool`` (the module's docstring)."""

    def __init__(self, pool: HotPool, bucket: str | None) -> None:
        self._pool = pool
        self._bucket = bucket
        self._waiting: deque[Write] = deque()
        self._busy: set[int] = set()
        self._out = 0

    @property
    def idle(self) -> bool:
        """True when no WRITE is on its way and none waits."""
        return self._out == 0 and not self._waiting

    async def alone(self, conn: asyncpg.Connection, write: Write
                    ) -> tuple[bool, int | None, bool]:
        """``write`` at once on ``conn``, the caller's (when :attr:`idle`: a request alone
        waits for no batch nor a connection); the requests arriving meanwhile batch."""
        self._out += 1
        try:
            return (await write_batch(conn, [write], self._bucket))[write.kiosk_id]
        finally:
            self._out -= 1
            self._start()

    async def write(self, write: Write) -> tuple[bool, int | None, bool]:
        """``write`` in the next batch: its (fresh, count, written)."""
        write.outcome = asyncio.get_running_loop().create_future()
        self._waiting.append(write)
        self._start()
        return await write.outcome

    def _start(self) -> None:
        """Send what waits, on one more connection, unless :data:`AT_ONCE` are out or all
        that waits is for kiosks on their way (their batch's sender takes them after)."""
        if self._out < AT_ONCE and any(w.kiosk_id not in self._busy for w in self._waiting):
            self._out += 1
            asyncio.ensure_future(self._send())

    def _next_batch(self) -> list[Write]:
        """Up to :data:`MOST` of the waiting writes, first come first, of kiosks in no batch
        on its way (those marked busy until their batch is done)."""
        batch: list[Write] = []
        later: deque[Write] = deque()
        while self._waiting and len(batch) < MOST:
            write = self._waiting.popleft()
            if write.kiosk_id in self._busy:
                later.append(write)
            else:
                self._busy.add(write.kiosk_id)
                batch.append(write)
        later.extend(self._waiting)
        self._waiting = later
        return batch

    async def _send(self) -> None:
        try:
            while batch := self._next_batch():
                try:
                    async with self._pool.autocommit() as conn:
                        outcomes = await write_batch(conn, batch, self._bucket)
                except BaseException as exc:  # every request of the batch gets it
                    for write in batch:
                        if write.outcome.done():
                            continue
                        if isinstance(exc, asyncio.CancelledError):  # the server stopping
                            write.outcome.cancel()
                        else:
                            write.outcome.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
                    continue
                finally:
                    self._busy.difference_update(write.kiosk_id for write in batch)
                for write in batch:
                    if not write.outcome.done():
                        write.outcome.set_result(outcomes[write.kiosk_id])
        finally:
            self._out -= 1
