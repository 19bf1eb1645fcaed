"""A signed ``PUT /v1/topups/{ref_id}`` answers the same in front of the framework or through it.

The server answers a well-formed submit before FastAPI's layers (api/fast_submit.py) and hands
anything else to the full application. ``Content-Type: application/json; charset=utf-8`` is
as valid a submit as ``application/json`` but takes the full path, so each case is sent both
ways, by two kiosks in the same state: the kiosk must get the same status, the same JSON and
a reply signed (or unsigned) alike.
"""

from __future__ import annotations

import json
import uuid

import requests
from pulsa_protocol import signing

TSEL = "081234567890"
FAST = "application/json"
FULL = "application/json; charset=utf-8"
VOLATILE = ("created_at", "updated_at")
PROGRESS = ("status", "sn", "message")
"""A stored top-up's progress: the upstream sender may move it on between the two runs."""


def _put(k, ref_id: str, fields: dict, content_type: str, *, secret: str | None = None,
         resend: dict[str, str] | None = None) -> tuple[requests.Response, dict[str, str]]:
    path = f"/v1/topups/{ref_id}"
    body = json.dumps(fields).encode()
    signed = resend or signing.sign_request(k.kiosk_id, secret or k.secret, "PUT", path, body)
    reply = requests.put(k.base_url + path, data=body,
                         headers={**signed, "Content-Type": content_type}, timeout=30)
    return reply, signed


def _seen(k, reply: requests.Response, signed: dict[str, str]) -> tuple:
    """What the kiosk sees: status, JSON (without times and progress), content type, signature
    check (None: signed for this request; "unsigned" when there is no signature at all)."""
    body = reply.json()
    for name in VOLATILE + (PROGRESS if "status" in body else ()):
        body.pop(name, None)
    stamp = reply.headers.get(signing.HEADER_REPLY_TIMESTAMP)
    mac = reply.headers.get(signing.HEADER_REPLY_SIGNATURE)
    proof = "unsigned" if stamp is None and mac is None else signing.verify_reply(
        k.secret, reply.status_code, signed[signing.HEADER_NONCE], reply.content, stamp, mac)
    return reply.status_code, body, reply.headers["content-type"], proof


def _both(make_kiosk, deposit: int, steps) -> list[tuple]:
    """Run ``steps(k, content_type)`` for a kiosk on each path; the two lists of what it saw."""
    seen = []
    for content_type in (FAST, FULL):
        k = make_kiosk(deposit=deposit)
        seen.append([_seen(k, reply, signed) for reply, signed in steps(k, content_type)])
    return seen


def test_created_exists_and_refused_items_reply_alike(make_kiosk):
    ref = f"fast-{uuid.uuid4().hex[:8]}"

    def steps(k, content_type: str) -> list:
        return [
            _put(k, ref, {"sku": "TSEL10", "destination": TSEL}, content_type),
            _put(k, ref, {"sku": "TSEL10", "destination": TSEL}, content_type),  # exists
            _put(k, ref, {"sku": "TSEL10", "destination": "081298765432"}, content_type),
            _put(k, ref + "x", {"sku": "NOPE", "destination": TSEL}, content_type),
            _put(k, ref + "y", {"sku": "TSEL10", "destination": TSEL, "expected_price": 1},
                 content_type),
        ]

    fast, full = _both(make_kiosk, 50_000, steps)
    assert fast == full
    assert [status for status, *_rest in fast] == [201, 200, 409, 422, 422]
    assert all(proof is None for *_rest, proof in fast)


def test_insufficient_deposit_replay_and_wrong_key_reply_alike(make_kiosk):
    ref = f"fast-{uuid.uuid4().hex[:8]}"

    def steps(k, content_type: str) -> list:
        first = _put(k, ref, {"sku": "TSEL10", "destination": TSEL}, content_type)
        return [
            first,
            _put(k, ref, {"sku": "TSEL10", "destination": TSEL}, content_type,
                 resend=first[1]),  # the same request again: a replay
            _put(k, ref + "z", {"sku": "TSEL10", "destination": TSEL}, content_type,
                 secret="not the kiosk's secret"),
        ]

    fast, full = _both(make_kiosk, 0, steps)
    assert fast == full
    assert [(status, body["code"], proof) for status, body, _type, proof in fast] == [
        (402, "insufficient_deposit", None), (401, "replayed_nonce", None),
        (401, "bad_signature", "unsigned")]


def test_bodies_the_fast_path_hands_over_get_the_full_paths_refusals(make_kiosk):
    k = make_kiosk(deposit=50_000)
    cases = [
        ({"destination": TSEL}, 422, "invalid_request"),  # no sku: signed, after admission
        ({"sku": "TSEL10", "destination": TSEL, "expected_price": 1.5}, 422,
         "invalid_request"),
    ]
    for fields, status, code in cases:
        reply, signed = _put(k, uuid.uuid4().hex, fields, FAST)
        assert (reply.status_code, reply.json()["code"]) == (status, code), reply.text
        assert _seen(k, reply, signed)[3] is None
    path = f"/v1/topups/{uuid.uuid4().hex}"
    body = b'{"sku": "TSEL10", "destination": '
    headers = {**signing.sign_request(k.kiosk_id, k.secret, "PUT", path, body),
               "Content-Type": FAST}
    reply = requests.put(k.base_url + path, data=body, headers=headers, timeout=30)
    assert (reply.status_code, reply.json()["code"]) == (400, "malformed_json")
    assert k.balance() == 50_000
