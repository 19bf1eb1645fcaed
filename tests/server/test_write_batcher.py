"""How an API process's submit WRITEs are grouped (distributor_server.pg_batch), the database
left out: which requests share a statement, how many statements are on their way, and what
each request gets back when its statement fails.

The statement is replaced by a stand-in that records each batch and holds it on its way until
the test lets it finish, so the order of events is the test's, not the clock's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from distributor_server import pg_batch
from distributor_server.pg_batch import AT_ONCE, Write, WriteBatcher


class _Pool:
    """Stands in for the hot pool: a connection is a token."""

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[str]:
        yield "conn"


class _Statements:
    """The WRITE stand-in: records batches (kiosk ids) and holds each until released."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.gates: list[asyncio.Event] = []
        self.failure: BaseException | None = None

    async def __call__(self, conn: Any, writes: list[Write], bucket: str | None
                       ) -> dict[int, tuple[bool, int | None, bool]]:
        gate = asyncio.Event()
        self.batches.append([w.kiosk_id for w in writes])
        self.gates.append(gate)
        await gate.wait()
        if self.failure is not None:
            raise self.failure
        return {w.kiosk_id: (True, 1, True) for w in writes}

    def release(self, n: int) -> None:
        self.gates[n].set()


def _write(kiosk_id: int) -> Write:
    return Write({"kiosk_id": kiosk_id}, [], [], [])


async def _settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> _Statements:
    stand_in = _Statements()
    monkeypatch.setattr(pg_batch, "write_batch", stand_in)
    return stand_in


def test_writes_arriving_together_share_a_statement_and_a_busy_kiosk_waits(
        statements: _Statements) -> None:
    async def scenario() -> None:
        batcher = WriteBatcher(_Pool(), "topups")  # type: ignore[arg-type]
        first = asyncio.ensure_future(batcher.write(_write(1)))
        await _settle()
        assert statements.batches == [[1]]  # nothing else on its way: it goes at once
        later = [asyncio.ensure_future(batcher.write(_write(k))) for k in (2, 3, 1, 4)]
        await _settle()
        # a second statement takes what waits, except kiosk 1, whose write is on its way
        assert statements.batches == [[1], [2, 3, 4]]
        assert len(statements.batches) == AT_ONCE
        statements.release(0)
        assert await first == (True, 1, True)
        await _settle()
        assert statements.batches[2:] == [[1]]  # kiosk 1's second write, after its first
        statements.release(1)
        statements.release(2)
        assert await asyncio.gather(*later) == [(True, 1, True)] * 4
        assert batcher.idle

    asyncio.run(scenario())


def test_at_most_two_statements_are_on_their_way(statements: _Statements) -> None:
    async def scenario() -> None:
        batcher = WriteBatcher(_Pool(), None)  # type: ignore[arg-type]
        waiting = []
        for kiosk in range(1, 8):
            waiting.append(asyncio.ensure_future(batcher.write(_write(kiosk))))
            await _settle()
        assert len(statements.batches) == AT_ONCE
        statements.release(0)
        await _settle()
        assert len(statements.batches) == AT_ONCE + 1  # the rest, in one statement
        assert sorted(k for batch in statements.batches for k in batch) == list(range(1, 8))
        for n in range(1, len(statements.batches)):
            statements.release(n)
        await asyncio.gather(*waiting)

    asyncio.run(scenario())


def test_a_failed_statement_fails_each_of_its_requests(statements: _Statements) -> None:
    async def scenario() -> None:
        batcher = WriteBatcher(_Pool(), None)  # type: ignore[arg-type]
        writes = [asyncio.ensure_future(batcher.write(_write(k))) for k in (1, 2, 3)]
        await _settle()
        statements.failure = ConnectionResetError("the database went away")
        for n in range(len(statements.batches)):
            statements.release(n)
        outcomes = await asyncio.gather(*writes, return_exceptions=True)
        assert all(isinstance(o, ConnectionResetError) for o in outcomes)
        assert batcher.idle  # nothing left waiting, no kiosk left marked busy
        statements.failure = None
        again = asyncio.ensure_future(batcher.write(_write(1)))
        await _settle()
        statements.release(len(statements.batches) - 1)
        assert await again == (True, 1, True)

    asyncio.run(scenario())
