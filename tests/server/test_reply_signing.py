"""The server signs every reply to an identified kiosk, bound to that request's nonce.

A kiosk believes a reply only when its signature checks out (signing.verify_reply); these tests
hold the server to its half: success and refusals alike are signed, unidentified refusals
cannot be, and a signature proves nothing for another request, status or body.
"""

from __future__ import annotations

import json
import time
import uuid

import requests
from pulsa_protocol import signing

TSEL = "081234567890"


def _send(k, method: str, path: str, body: bytes = b"", *, secret: str | None = None,
          timestamp: int | None = None, headers: dict[str, str] | None = None
          ) -> tuple[requests.Response, dict[str, str]]:
    signed = headers or signing.sign_request(k.kiosk_id, secret or k.secret, method, path, body,
                                          timestamp=timestamp)
    sent = {**signed, "Content-Type": "application/json"} if body else dict(signed)
    reply = requests.request(method, k.base_url + path, data=body or None, headers=sent,
                             timeout=10)
    return reply, signed


def _proof(k, reply: requests.Response, nonce: str) -> str | None:
    return signing.verify_reply(k.secret, reply.status_code, nonce, reply.content,
                             reply.headers.get(signing.HEADER_REPLY_TIMESTAMP),
                             reply.headers.get(signing.HEADER_REPLY_SIGNATURE))


def test_success_and_refusals_are_signed_for_this_request_only(make_kiosk):
    k = make_kiosk(deposit=50_000)
    reply, sent = _send(k, "GET", "/v1/ping")
    nonce = sent[signing.HEADER_NONCE]
    assert reply.status_code == 200 and _proof(k, reply, nonce) is None
    # the same signature proves nothing for another request, status or body
    assert _proof(k, reply, signing.new_nonce()) == "bad_signature"
    assert signing.verify_reply(k.secret, 201, nonce, reply.content,
                             reply.headers[signing.HEADER_REPLY_TIMESTAMP],
                             reply.headers[signing.HEADER_REPLY_SIGNATURE]) == "bad_signature"
    assert signing.verify_reply(k.secret, 200, nonce, reply.content.replace(b"1", b"2"),
                             reply.headers[signing.HEADER_REPLY_TIMESTAMP],
                             reply.headers[signing.HEADER_REPLY_SIGNATURE]) == "bad_signature"
    assert signing.verify_reply("another secret", 200, nonce, reply.content,
                             reply.headers[signing.HEADER_REPLY_TIMESTAMP],
                             reply.headers[signing.HEADER_REPLY_SIGNATURE]) == "bad_signature"

    refusals = [
        ("GET", f"/v1/topups/{uuid.uuid4().hex}", b"", 404),
        ("PUT", f"/v1/topups/{uuid.uuid4().hex}",
         json.dumps({"sku": "NOPE", "destination": TSEL}).encode(), 422),
        ("POST", "/v1/deposit-tickets", json.dumps({"amount": 5}).encode(), 422),
    ]
    for method, path, body, status in refusals:
        reply, sent = _send(k, method, path, body)
        assert reply.status_code == status, (path, reply.text)
        assert _proof(k, reply, sent[signing.HEADER_NONCE]) is None, (path, reply.headers)
    assert k.balance() == 50_000


def test_stale_and_replayed_requests_get_signed_refusals(make_kiosk):
    k = make_kiosk()
    reply, sent = _send(k, "GET", "/v1/balance", timestamp=int(time.time()) - 400)
    assert reply.status_code == 401 and reply.json()["code"] == "stale_timestamp"
    assert _proof(k, reply, sent[signing.HEADER_NONCE]) is None
    first, sent = _send(k, "GET", "/v1/balance")
    again, _ = _send(k, "GET", "/v1/balance", headers=sent)
    assert first.status_code == 200 and again.status_code == 401
    assert again.json()["code"] == "replayed_nonce"
    assert _proof(k, again, sent[signing.HEADER_NONCE]) is None


def test_unidentified_refusals_are_unsigned(make_kiosk):
    k = make_kiosk()
    reply, _ = _send(k, "GET", "/v1/ping", secret="0" * 64)
    assert reply.status_code == 401
    assert signing.HEADER_REPLY_SIGNATURE not in reply.headers
    reply = requests.get(k.base_url + "/v1/ping", timeout=10)
    assert reply.status_code == 401 and signing.HEADER_REPLY_SIGNATURE not in reply.headers
    # unparsable JSON is refused before the route's dependencies run: nobody identified yet
    reply, _ = _send(k, "PUT", f"/v1/topups/{uuid.uuid4().hex}", b"{not json")
    assert reply.status_code == 400 and signing.HEADER_REPLY_SIGNATURE not in reply.headers
    health = requests.get(k.base_url + "/v1/health", timeout=10)
    assert health.status_code == 200 and signing.HEADER_REPLY_SIGNATURE not in health.headers


def test_verify_reply_refuses_unsigned_and_stale():
    body = b'{"kiosk_id": 7}'
    nonce = signing.new_nonce()
    assert signing.verify_reply("s", 200, nonce, body, None, None) == "unsigned"
    old = signing.sign_reply("s", 200, nonce, body, timestamp=int(time.time()) - 301)
    assert signing.verify_reply("s", 200, nonce, body, old[signing.HEADER_REPLY_TIMESTAMP],
                             old[signing.HEADER_REPLY_SIGNATURE]) == "stale"
    fresh = signing.sign_reply("s", 200, nonce, body)
    assert signing.verify_reply("s", 200, nonce, body, fresh[signing.HEADER_REPLY_TIMESTAMP],
                             "é" + fresh[signing.HEADER_REPLY_SIGNATURE][1:]) == "bad_signature"
