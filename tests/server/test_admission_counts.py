"""Admitting a signed request stores its nonce and counts it against the endpoint's budget
(on PostgreSQL in one statement): a replay is refused and uses up none of the budget, and an
expired nonce may be used again."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from distributor_server.auth import NONCE_LIFETIME, store_nonce
from distributor_server.embedded import start_embedded
from pulsa_protocol import signing

from tests.server.conftest import FAST, KioskClient


@pytest.fixture
def strict(db):
    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0, "balance": 3},
                        **FAST) as handle:
        yield handle


def test_a_replay_is_refused_and_spends_none_of_the_budget(strict):
    creds = strict.create_kiosk("Konter Ulang")
    kiosk = KioskClient(strict.url, creds.kiosk_id, creds.secret)
    headers = signing.sign_request(creds.kiosk_id, creds.secret, "GET", "/v1/balance", b"")
    first = requests.get(strict.url + "/v1/balance", headers=headers, timeout=30)
    assert first.status_code == 200, first.text
    for _ in range(4):
        replay = requests.get(strict.url + "/v1/balance", headers=headers, timeout=30)
        assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"
    # budget 3 a minute: the first request and these two; the replays counted nothing
    assert [kiosk.get("/v1/balance").status_code for _ in range(2)] == [200, 200]


def test_a_nonce_is_refused_while_live_and_reusable_once_expired(strict, monkeypatch):
    from distributor_server import auth

    kiosk_id = strict.create_kiosk("Konter Kedaluwarsa").kiosk_id
    nonce = "ab" * 16
    with strict.ctx.db.write() as session:
        assert store_nonce(session, kiosk_id, nonce)
    with strict.ctx.db.write() as session:
        assert not store_nonce(session, kiosk_id, nonce.upper())  # the same nonce
    later = auth.utcnow() + NONCE_LIFETIME + timedelta(seconds=1)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    with strict.ctx.db.write() as session:
        assert store_nonce(session, kiosk_id, nonce)
    with strict.ctx.db.write() as session:
        assert not store_nonce(session, kiosk_id, nonce)
