"""Many kiosks idle on the change feed's long poll: a wake-up reaches its own kiosk only.

300 kiosks each hold a signed ``GET /v1/changes?wait=25`` open on one real server (SQLite
and PostgreSQL); one of them is sold a top-up. Its poll answers with that top-up's feed
rows, no other poll is woken, and nobody gets a 5xx or a broken connection. The speed of
all this is measured in ``bench/idle_polls.py`` (10,000 polls), not here.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

import pytest
from distributor_server.embedded import EmbeddedServer
from pulsa_protocol import wire

from bench.idle_poll_client import Outcome, Pollers
from bench.idle_polls import add_idle_kiosks
from tests.server.conftest import KioskClient

IDLE = 300
LIVENESS_BOUND = 60.0  # s: a stuck test fails here; no assertion is made about speed


def _held(server: EmbeddedServer, kiosk_id: int) -> bool:
    return server.ctx.notifier.waiting(kiosk_id) > 0


async def _until(what: str, predicate: object) -> None:
    deadline = time.monotonic() + LIVENESS_BOUND
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {LIVENESS_BOUND:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.mark.slow
def test_a_top_up_wakes_its_own_kiosk_among_300_idle_polls(server: EmbeddedServer) -> None:
    idle = add_idle_kiosks(server.ctx, IDLE)
    creds = server.create_kiosk("Konter Ramai")
    server.credit_deposit(creds.kiosk_id, 50_000)  # feed row 1: its poll waits past it
    buyer = KioskClient(server.url, creds.kiosk_id, creds.secret)
    address = urlsplit(server.url)
    everyone = [*idle, (creds.kiosk_id, creds.secret, 1)]

    async def scenario() -> tuple[Outcome, int]:
        pollers = Pollers(address.hostname or "127.0.0.1", address.port or 80, everyone,
                          wire.MAX_WAIT_SECONDS)
        pollers.start()
        try:
            await _until("all polls to be sent", pollers.all_sent.is_set)
            await _until("the buyer's poll to be held",
                         lambda: _held(server, creds.kiosk_id))
            # most of the idle ones are held too (SQLite re-reads each every second)
            await _until("the idle polls to be held",
                         lambda: sum(_held(server, k) for k, _s, _c in idle) >= IDLE // 2)
            loop = asyncio.get_running_loop()
            sold = await loop.run_in_executor(
                None, lambda: buyer.put_topup("sale-1", "TSEL10", "081234567890"))
            assert sold.status_code == 201, sold.text
            await _until("the buyer's poll to answer",
                         lambda: creds.kiosk_id in pollers.outcome.woken)
            still_held = sum(_held(server, k) for k, _s, _c in idle)
        finally:
            outcome = await pollers.stop()
        return outcome, still_held

    outcome, still_held = asyncio.run(scenario())
    assert list(outcome.woken) == [creds.kiosk_id]
    rows = {(c["kind"], c["topup"]["ref_id"] if c["kind"] == "topup"
             else c["ledger"]["reference"]) for c in outcome.pages[creds.kiosk_id]["changes"]}
    assert {("ledger", "sale-1"), ("topup", "sale-1")} <= rows, rows
    assert outcome.errors == []
    assert outcome.server_errors == 0
    assert still_held > 0  # the others went on waiting: the wake-up was for one kiosk only
