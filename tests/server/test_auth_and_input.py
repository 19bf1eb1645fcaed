"""Authentication failures and bad input: clear 4xx, never 500, nothing written."""

from __future__ import annotations

import json
import time
import uuid

import requests
from pulsa_protocol import signing

TSEL = "081234567890"


def test_health_needs_no_auth_and_openapi_lists_v1(server):
    assert requests.get(server.url + "/v1/health").json()["status"] == "ok"
    paths = requests.get(server.url + "/openapi.json").json()["paths"]
    for path in ("/v1/ping", "/v1/balance", "/v1/topups", "/v1/topups/{ref_id}", "/v1/changes",
                 "/v1/prices", "/v1/deposit-tickets", "/v1/transactions", "/v1/ledger"):
        assert path in paths


def test_ping_round_trip(make_kiosk):
    k = make_kiosk()
    reply = k.get("/v1/ping")
    assert reply.status_code == 200 and reply.json()["kiosk_id"] == k.kiosk_id


def test_missing_headers_and_wrong_signature(make_kiosk):
    k = make_kiosk()
    unsigned = k.get("/v1/balance", sign=False)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "unauthorized"
    bad = k.get("/v1/balance", headers={"X-Signature": "0" * 64})
    assert bad.status_code == 401 and bad.json()["code"] == "bad_signature"
    other = type(k)(k.base_url, k.kiosk_id, "not-the-secret")
    assert other.get("/v1/balance").json()["code"] == "bad_signature"
    ghost = type(k)(k.base_url, 999_999, k.secret)
    assert ghost.get("/v1/balance").status_code == 401


def test_tampered_body_is_refused(make_kiosk):
    k = make_kiosk(deposit=50_000)
    path = f"/v1/topups/{uuid.uuid4().hex}"
    signed = json.dumps({"sku": "TSEL10", "destination": TSEL}).encode()
    sent = json.dumps({"sku": "TSEL100", "destination": TSEL}).encode()
    headers = signing.sign_request(k.kiosk_id, k.secret, "PUT", path, signed)
    reply = requests.put(k.base_url + path, data=sent, headers=headers)
    assert reply.status_code == 401
    assert k.balance() == 50_000


def test_stale_timestamp(make_kiosk):
    k = make_kiosk()
    # well past the 300 s window: a timestamp 301 s ahead turned fresh again when the
    # request took a second to be read on a loaded machine (int() also drops up to 1 s)
    for skew in (-330, 330):
        path = "/v1/balance"
        headers = signing.sign_request(k.kiosk_id, k.secret, "GET", path,
                                    timestamp=int(time.time()) + skew)
        reply = requests.get(k.base_url + path, headers=headers)
        assert reply.status_code == 401 and reply.json()["code"] == "stale_timestamp"


def test_replayed_nonce(make_kiosk):
    k = make_kiosk(deposit=50_000)
    path = f"/v1/topups/{uuid.uuid4().hex}"
    body = json.dumps({"sku": "TSEL10", "destination": TSEL}).encode()
    headers = signing.sign_request(k.kiosk_id, k.secret, "PUT", path, body)
    headers["Content-Type"] = "application/json"
    assert requests.put(k.base_url + path, data=body, headers=headers).status_code == 201
    replay = requests.put(k.base_url + path, data=body, headers=headers)
    assert replay.status_code == 401 and replay.json()["code"] == "replayed_nonce"


def test_malformed_json_and_bad_fields(make_kiosk):
    k = make_kiosk(deposit=50_000)
    r = uuid.uuid4().hex
    cases = [
        (b"{not json", 400, "malformed_json"),
        (b"", 422, "invalid_request"),
        (b"[]", 422, "invalid_request"),
        (json.dumps({"sku": "TSEL10"}).encode(), 422, "invalid_request"),
        (json.dumps({"sku": "TSEL10", "destination": TSEL, "expected_price": 10250.5}).encode(),
         422, "invalid_request"),
        (json.dumps({"sku": "TSEL10", "destination": TSEL, "expected_price": "10250"}).encode(),
         422, "invalid_request"),
        (json.dumps({"sku": 5, "destination": TSEL}).encode(), 422, "invalid_request"),
    ]
    for raw, status, code in cases:
        reply = k.request("PUT", f"/v1/topups/{r}", raw=raw)
        assert reply.status_code == status, (raw, reply.text)
        assert reply.json()["code"] == code and reply.json()["message"]
    assert k.request("PUT", "/v1/topups/bad%20ref", {"sku": "TSEL10", "destination": TSEL}
                     ).status_code == 422
    assert k.get("/v1/changes?cursor=-1").status_code == 422
    assert k.get("/v1/changes?wait=99").status_code == 422
    assert k.balance() == 50_000 and len(k.ledger()) == 1


def test_huge_body_and_too_many_items(make_kiosk):
    k = make_kiosk(deposit=50_000)
    huge = b'{"items": [' + b'"x",' * 400_000 + b'"x"]}'
    reply = k.request("POST", "/v1/topups", raw=huge)
    assert reply.status_code == 413 and reply.json()["code"] == "body_too_large"
    items = [{"ref_id": f"r{i}", "sku": "TSEL10", "destination": TSEL} for i in range(1001)]
    reply = k.request("POST", "/v1/topups", {"items": items})
    assert reply.status_code == 422
    assert k.request("POST", "/v1/topups", {"items": []}).status_code == 422
    assert k.balance() == 50_000 and k.get("/v1/transactions").json()["topups"] == []


def test_unknown_route_is_json_404(make_kiosk):
    k = make_kiosk()
    reply = k.get("/v1/nothing-here")
    assert reply.status_code == 404 and reply.json()["code"] == "not_found"
