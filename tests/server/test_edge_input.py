"""Out-of-range input at the edges: a 4xx with a sentence, never a 5xx, nothing written."""

from __future__ import annotations

import uuid

import pytest
import requests
from pulsa_protocol import wire
from pulsa_protocol.destinations import DestinationError, normalise_phone, normalise_pln_id

TSEL = "081234567890"


@pytest.mark.parametrize("kiosk_id", ["2147483648", "9223372036854775808", "-1", "99" * 40,
                                      "abc", "١٢".encode(), "0", "+5"])
def test_out_of_range_kiosk_id_is_401_before_auth(make_kiosk, kiosk_id):
    k = make_kiosk()
    reply = k.get("/v1/balance", headers={"X-Kiosk-Id": kiosk_id})
    assert reply.status_code == 401, reply.text
    assert reply.json()["message"]


@pytest.mark.parametrize("query", [
    "/v1/prices?since=9223372036854775808", "/v1/prices?since=-1",
    "/v1/changes?cursor=9223372036854775808",
    "/v1/ledger?from=0001-01-01T00:00:00%2B05:00", "/v1/ledger?to=9999-12-31T23:59:59-05:00",
    "/v1/transactions?from=0001-01-01T00:00:00%2B05:00",
    "/v1/transactions?to=9999-12-31T23:59:59-05:00",
])
def test_out_of_range_query_is_422(make_kiosk, query):
    k = make_kiosk()
    reply = k.get(query)
    assert reply.status_code == 422, reply.text
    assert reply.json()["code"] == "invalid_request" and reply.json()["message"]


@pytest.mark.parametrize("fields", [
    {"sku": "TSEL10\x00", "destination": TSEL},
    {"sku": "TSEL10", "destination": "0812\x0034567890"},
    {"sku": "TSEL10", "destination": TSEL, "expected_price": 2 ** 63},
    {"sku": "TSEL10", "destination": TSEL, "created_at": "0001-01-01T00:00:00+05:00"},
    {"sku": "TSEL10", "destination": TSEL, "created_at": "9999-12-31T23:59:59-05:00"},
])
def test_out_of_range_body_is_422_and_nothing_is_debited(make_kiosk, fields):
    k = make_kiosk(deposit=50_000)
    reply = k.put_topup(uuid.uuid4().hex, **fields)
    assert reply.status_code == 422, reply.text
    assert k.balance() == 50_000
    batch = k.request("POST", "/v1/topups", {"items": [{"ref_id": "r1", **fields}]})
    assert batch.status_code == 422, batch.text
    assert k.balance() == 50_000


@pytest.mark.parametrize("destination", ["١٢٣٤٥٦٧٨٩٠١", "0812٣٤٥٦٧٨٩٠", "０８１２３４５６７８９０"])
def test_non_ascii_digits_are_not_a_destination(make_kiosk, destination):
    k = make_kiosk(deposit=50_000)
    reply = k.put_topup(uuid.uuid4().hex, "TSEL10", destination)
    assert reply.status_code == 422, reply.text
    assert k.balance() == 50_000


@pytest.mark.parametrize("raw", ["١٢٣٤٥٦٧٨٩٠١", "0812٣٤٥٦٧٨٩٠", "٠٨١٢٣٤٥٦٧٨٩٠"])
def test_protocol_destinations_accept_ascii_digits_only(raw):
    with pytest.raises(DestinationError):
        normalise_phone(raw)
    with pytest.raises(DestinationError):
        normalise_pln_id(raw)


def test_a_pln_token_for_a_phone_number_is_refused_and_not_debited(make_kiosk):
    k = make_kiosk(deposit=50_000)
    reply = k.put_topup(uuid.uuid4().hex, "PLN20", "081234567890")
    assert reply.status_code == 422, reply.text
    assert "phone number" in reply.text
    assert k.balance() == 50_000


def test_deep_json_is_400(make_kiosk):
    k = make_kiosk(deposit=50_000)
    deep = b'{"items": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    reply = k.request("POST", "/v1/topups", raw=deep)
    assert reply.status_code == 400, reply.text
    assert reply.json()["code"] == "malformed_json"
    assert k.balance() == 50_000


def test_docs_are_off_unless_turned_on(db):
    from distributor_server.embedded import start_embedded

    url, key_file = db
    with start_embedded(url, key_file=key_file, api_docs=False) as server:
        assert requests.get(server.url + "/openapi.json").status_code == 404
        assert requests.get(server.url + "/docs").status_code == 404
        assert requests.get(server.url + wire.API_PREFIX + "/health").status_code == 200
