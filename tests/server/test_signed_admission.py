"""What a refused signed request keeps, on both engines (on PostgreSQL the nonce is written
in the statement that reads the kiosk, before the signature is checked, issue 14): a
request that fails its signature or its clock keeps nothing, so its nonce stays free and
nothing is charged; a replay or a rate refusal keeps its nonce and charges nothing."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
from distributor_server.embedded import EmbeddedServer, start_embedded
from pulsa_protocol import signing

from tests.server.conftest import FAST, KioskClient, demo_price

TSEL = "081234567890"
PRICE = demo_price("TSEL10")
NONCE = "c0ffee" * 6


def _put(k: KioskClient, ref: str, *, secret: str | None = None, nonce: str = NONCE,
         skew: int = 0) -> requests.Response:
    path = f"/v1/topups/{ref}"
    body = json.dumps({"sku": "TSEL10", "destination": TSEL}).encode()
    headers = signing.sign_request(k.kiosk_id, secret or k.secret, "PUT", path, body,
                                   nonce=nonce, timestamp=int(time.time()) + skew)
    headers["Content-Type"] = "application/json"
    return requests.put(k.base_url + path, data=body, headers=headers, timeout=30)


def test_a_bad_signature_keeps_no_nonce_and_charges_nothing(make_kiosk):
    k = make_kiosk(deposit=50_000)
    ref = uuid.uuid4().hex
    bad = _put(k, ref, secret="not-the-secret")
    assert bad.status_code == 401 and bad.json()["code"] == "bad_signature"
    stale = _put(k, ref, skew=-400)
    assert stale.status_code == 401 and stale.json()["code"] == "stale_timestamp"
    assert k.balance() == 50_000
    # neither refusal kept the nonce: the kiosk's own request with it goes through
    good = _put(k, ref)
    assert good.status_code == 201, good.text
    assert k.balance() == 50_000 - PRICE


def test_a_replay_is_refused_and_charges_nothing(make_kiosk):
    k = make_kiosk(deposit=50_000)
    ref = uuid.uuid4().hex
    assert _put(k, ref).status_code == 201
    for _ in range(3):
        replay = _put(k, ref)
        assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"
    assert k.balance() == 50_000 - PRICE
    assert [e["reason"] for e in k.ledger()] == ["deposit", "topup"]


def test_a_repeat_answers_the_stored_top_up_as_first_sent(make_kiosk):
    k = make_kiosk(deposit=50_000)
    ref = uuid.uuid4().hex
    first = k.put_topup(ref, "TSEL10", TSEL)
    again = k.put_topup(ref, "TSEL10", TSEL)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()  # the same times, to the microsecond, in UTC


def test_a_submit_for_an_unknown_or_inactive_kiosk_is_401(make_kiosk, server):
    k = make_kiosk(deposit=50_000)
    ghost = KioskClient(k.base_url, 999_999, k.secret)
    reply = ghost.put_topup(uuid.uuid4().hex, "TSEL10", TSEL)
    assert reply.status_code == 401 and reply.json()["code"] == "bad_signature"
    from distributor_server.models import Kiosk

    with server.ctx.db.write() as session:
        session.get(Kiosk, k.kiosk_id).active = False
    reply = k.put_topup(uuid.uuid4().hex, "TSEL10", TSEL)
    assert reply.status_code == 401 and reply.json()["code"] == "bad_signature"


@pytest.fixture
def strict(db) -> Iterator[EmbeddedServer]:
    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0, "topups": 1},
                        **FAST) as handle:
        yield handle


def test_a_rate_refusal_keeps_its_nonce_and_charges_nothing(strict):
    creds = strict.create_kiosk("Konter Sabar")
    strict.credit_deposit(creds.kiosk_id, 50_000)
    k = KioskClient(strict.url, creds.kiosk_id, creds.secret)
    assert _put(k, uuid.uuid4().hex, nonce="ab" * 16).status_code == 201
    charged = 1
    nonce = NONCE
    limited = _put(k, uuid.uuid4().hex, nonce=nonce)
    if limited.status_code == 201:  # the minute turned between the two: once more
        charged, nonce = 2, "cd" * 16
        limited = _put(k, uuid.uuid4().hex, nonce=nonce)
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    replay = _put(k, uuid.uuid4().hex, nonce=nonce)
    assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"
    assert k.balance() == 50_000 - charged * PRICE


def test_a_long_poll_with_a_bad_query_is_admitted_and_answered_422_signed(make_kiosk):
    k = make_kiosk(deposit=50_000)
    for query in ("limit=abc", "limit=0", "cursor=-1", "limit=1001&wait=1"):
        reply = k.get(f"/v1/changes?{query}")
        assert reply.status_code == 422, (query, reply.text)
        assert reply.headers.get(signing.HEADER_REPLY_SIGNATURE), query
    first = k.get("/v1/changes?cursor=0&limit=1").json()  # the deposit, and nothing more
    assert [c["kind"] for c in first["changes"]] == ["ledger"] and not first["has_more"]
