"""Per-kiosk limits: open deposit tickets are capped, and each endpoint has a per-minute budget
counted in the database (429 with Retry-After), shared by every server process."""

from __future__ import annotations

import pytest
from distributor_server.embedded import start_embedded
from distributor_server.rate_limit import take

from tests.server.conftest import FAST, KioskClient


def test_one_kiosk_cannot_take_every_code_for_an_amount(server, make_kiosk):
    greedy, other = make_kiosk(), make_kiosk()
    cap = server.ctx.settings.max_open_tickets
    codes = [greedy.request("POST", "/v1/deposit-tickets", {"amount": 50_000})
             for _ in range(cap + 3)]
    assert [r.status_code for r in codes] == [201] * cap + [409] * 3
    refused = codes[-1].json()
    assert refused["code"] == "too_many_open_tickets" and "open deposit tickets" in \
        refused["message"]
    mine = other.request("POST", "/v1/deposit-tickets", {"amount": 50_000})
    assert mine.status_code == 201, mine.text
    taken = {r.json()["amount_to_transfer"] for r in codes[:cap]}
    assert mine.json()["amount_to_transfer"] not in taken


@pytest.fixture
def strict(db):
    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0, "balance": 3},
                        **FAST) as handle:
        yield handle


def test_over_budget_is_429_with_retry_after_per_kiosk_and_endpoint(strict):
    creds = [strict.create_kiosk(f"Konter {i}") for i in range(2)]
    a, b = (KioskClient(strict.url, c.kiosk_id, c.secret) for c in creds)
    replies = [a.get("/v1/balance") for _ in range(5)]
    assert [r.status_code for r in replies[:3]] == [200] * 3
    over = replies[3]
    if over.status_code == 200:  # the minute turned between the requests: one more window
        over = replies[4]
    assert over.status_code == 429, over.text
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert over.json()["code"] == "rate_limited" and "try again" in over.json()["message"]
    assert b.get("/v1/balance").status_code == 200  # another kiosk has its own budget
    assert a.get("/v1/ping").status_code == 200  # another endpoint has its own budget


def test_budget_is_shared_through_the_database(strict, db):
    """A second process (another ServerContext on the same database) sees the same count."""
    from distributor_server.config import Settings
    from distributor_server.context import ServerContext

    kiosk = strict.create_kiosk("Konter Dua Proses").kiosk_id
    url, key_file = db
    other = ServerContext(Settings.for_db(url, key_file))
    try:
        now = 120 * 60 + 1.0
        assert take(strict.ctx, kiosk, "x", 2, now) == 0
        assert take(other, kiosk, "x", 2, now) == 0
        assert take(strict.ctx, kiosk, "x", 2, now) == 59
        assert take(other, kiosk, "x", 2, now + 60) == 0  # next window
    finally:
        other.close()
