"""The name check (``POST /v1/inquiries``) over real HTTP, on SQLite and PostgreSQL: the
simulator's deterministic names, the Digiflazz adapter against the fake Digiflazz, refusals,
"could not check", the rate budget and reply signing."""

from __future__ import annotations

import pytest
from distributor_server.config import DigiflazzSettings
from distributor_server.embedded import start_embedded
from pulsa_protocol import signing
from pulsa_protocol.inquiry import InquiryReply, tidy_segment_power

from tests.server.conftest import FAST, KioskClient
from tests.server.fake_digiflazz import FakeDigiflazz

PATH = "/v1/inquiries"


def ask(client: KioskClient, sku: str, destination: str) -> tuple[int, dict]:
    reply = client.request("POST", PATH, {"sku": sku, "destination": destination})
    return reply.status_code, reply.json()


def test_simulator_names_a_pln_customer_with_daya_the_same_every_time(make_kiosk) -> None:
    client = make_kiosk()
    status, body = ask(client, "PLN20", "5234 5678 9011")
    assert status == 200, body
    reply = InquiryReply.model_validate(body)
    assert reply.status == "found" and reply.destination == "523456789011"
    assert reply.name and reply.name == reply.name.upper()
    assert reply.segment_power.endswith("VA") and "/" in reply.segment_power
    assert reply.subscriber_id == "523456789011" and len(reply.meter_no) == 11
    assert ask(client, "pln20", "523456789011")[1] == body  # deterministic; SKU any case
    other = ask(client, "PLN20", "523456789015")[1]
    assert other["destination"] == "523456789015"


def test_simulator_names_an_ewallet_account_without_daya(make_kiosk) -> None:
    client = make_kiosk()
    status, body = ask(client, "DANA50", "+62 812-3456-7890")
    assert status == 200, body
    assert body["status"] == "found" and body["destination"] == "081234567890"
    assert body["name"] and body["segment_power"] == "" and body["kind"] == "ewallet"


def test_unknown_id_and_a_silent_upstream_are_told_apart(make_kiosk) -> None:
    client = make_kiosk()
    status, body = ask(client, "PLN20", "52345678901" + "2")
    assert (status, body["status"], body["name"]) == (200, "not_found", "")
    assert body["message"]
    status, body = ask(client, "PLN20", "12345678908")
    assert (status, body["status"], body["name"]) == (200, "unavailable", "")
    assert "could not" in body["message"]


@pytest.mark.parametrize("sku, destination, code", [
    ("PLN20", "081234567890", "bad_destination"),      # a phone number is no PLN id
    ("PLN20", "1234567", "invalid_request"),           # not the shape of any destination
    ("PLN20", "5234567890１", "invalid_request"),       # a full-width digit
    ("NOPE1", "52345678901", "unknown_sku"),
    ("TSEL10", "081234567890", "no_inquiry"),           # pulsa has no name to check
    ("DANA20", "7812 3456 7890", "bad_destination"),    # an e-wallet needs a phone number
])
def test_bad_requests_are_one_clear_refusal(make_kiosk, sku: str, destination: str,
                                            code: str) -> None:
    client = make_kiosk()
    status, body = ask(client, sku, destination)
    assert status == 422 and body["code"] == code, body
    assert body["message"]


def test_extra_fields_and_money_look_alikes_are_refused(make_kiosk) -> None:
    client = make_kiosk()
    reply = client.request("POST", PATH, {"sku": "PLN20", "destination": "52345678901",
                                          "amount": 1})
    assert reply.status_code == 422 and reply.json()["code"] == "invalid_request"


def test_reply_is_signed_for_this_request(make_kiosk) -> None:
    client = make_kiosk()
    body = b'{"sku": "PLN20", "destination": "52345678901"}'
    headers = signing.sign_request(client.kiosk_id, client.secret, "POST", PATH, body)
    import requests

    reply = requests.post(client.base_url + PATH, data=body, timeout=30,
                          headers={**headers, "Content-Type": "application/json"})
    assert reply.status_code == 200
    assert signing.verify_reply(client.secret, 200, headers[signing.HEADER_NONCE], reply.content,
                             reply.headers.get(signing.HEADER_REPLY_TIMESTAMP),
                             reply.headers.get(signing.HEADER_REPLY_SIGNATURE)) is None
    unsigned = requests.post(client.base_url + PATH, data=body, timeout=30,
                             headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401


def test_inquiries_have_their_own_rate_budget(db) -> None:
    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0, "inquiry": 3},
                        **FAST) as handle:
        creds = handle.create_kiosk("Konter Cek")
        client = KioskClient(handle.url, creds.kiosk_id, creds.secret)
        answers = [client.request("POST", PATH, {"sku": "PLN20", "destination": "52345678901"})
                   for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert answers[-1].json()["code"] == "rate_limited"
        assert int(answers[-1].headers["Retry-After"]) >= 1
        assert client.get("/v1/balance").status_code == 200  # other routes unaffected


@pytest.fixture
def digiflazz(db):
    fake = FakeDigiflazz(hang_seconds=1.5)
    url, key_file = db
    settings = DigiflazzSettings(username=fake.username, api_key=fake.api_key,
                                 webhook_secret=fake.webhook_secret,
                                 base_url=fake.url + "/v1", timeout_seconds=0.5)
    handle = start_embedded(url, key_file=key_file, upstream="digiflazz", digiflazz=settings,
                            poll_base_seconds=0.05)
    creds = handle.create_kiosk("Konter DF")
    try:
        yield fake, KioskClient(handle.url, creds.kiosk_id, creds.secret)
    finally:
        handle.stop()
        fake.close()


def test_digiflazz_inquiry_pln_signed_and_mapped(digiflazz) -> None:
    fake, client = digiflazz
    status, body = ask(client, "PLN50", "52345678901")
    assert status == 200, body
    assert (body["status"], body["name"], body["segment_power"]) == (
        "found", "BUDI SANTOSO", "R1/1300VA")
    assert (body["meter_no"], body["subscriber_id"]) == ("14234567890", "523456789012")
    sent = fake.calls[-1]
    assert sent["customer_no"] == "52345678901" and "buyer_sku_code" not in sent


@pytest.mark.parametrize("destination, outcome", [
    ("52345678902", "not_found"),     # rc 60
    ("52345678907", "unavailable"),   # HTTP 500
    ("52345678908", "unavailable"),   # past the timeout
])
def test_digiflazz_not_found_and_down(digiflazz, destination: str, outcome: str) -> None:
    _fake, client = digiflazz
    status, body = ask(client, "PLN50", destination)
    assert (status, body["status"], body["name"]) == (200, outcome, "")


def test_digiflazz_has_no_ewallet_check(digiflazz) -> None:
    fake, client = digiflazz
    status, body = ask(client, "OVO20", "081234567890")
    assert (status, body["status"]) == (200, "unavailable")
    assert fake.calls == []  # nothing asked of a check Digiflazz does not offer


@pytest.mark.parametrize("raw, tidy", [
    ("R1 /000001300", "R1/1300VA"), ("r1/900", "R1/900VA"), ("R1M/900VA", "R1M/900VA"),
    ("unknown", "unknown"),
])
def test_segment_power_reads_as_daya(raw: str, tidy: str) -> None:
    assert tidy_segment_power(raw) == tidy


def test_the_route_is_in_the_openapi_schema_the_fuzzer_walks(db) -> None:
    url, key_file = db
    with start_embedded(url, key_file=key_file, **FAST) as handle:
        import requests

        spec = requests.get(handle.url + "/openapi.json", timeout=10).json()
    operation = spec["paths"][PATH]["post"]
    assert operation["requestBody"]["content"]["application/json"]
    assert "422" in operation["responses"]


def test_fuzzed_inquiries_never_5xx(db) -> None:
    """The schema's own cases (mostly refusals) and well-shaped ones that reach the upstream,
    bounded by count: every answer is 200 or a 4xx, never a 5xx."""
    import requests
    import schemathesis
    from hypothesis import given
    from hypothesis import strategies as st

    from tests.server.test_fuzz_signed_api import QUIET, _send_signed

    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0}, **FAST) as handle:
        creds = handle.create_kiosk("Konter Fuzz Cek")
        client = KioskClient(handle.url, creds.kiosk_id, creds.secret)
        spec = requests.get(handle.url + "/openapi.json", timeout=10).json()
        operation = next(op.ok() for op in schemathesis.openapi.from_dict(spec)
                         .get_all_operations() if op.ok().path == PATH)
        http = requests.Session()
        seen: set[int] = set()

        @QUIET
        @given(case=operation.as_strategy())
        def from_schema(case: object) -> None:
            reply = _send_signed(http, case, handle.url, creds.kiosk_id, creds.secret)
            seen.add(reply.status_code)
            assert reply.status_code < 500, reply.text

        @QUIET
        @given(sku=st.sampled_from(["PLN20", "pln100", "DANA20", "OVO50", "TSEL10", "X"]),
               destination=st.one_of(st.from_regex(r"[1-9][0-9]{10,11}", fullmatch=True),
                                     st.from_regex(r"(\+62 ?|0)8[0-9 \-]{8,12}", fullmatch=True)))
        def well_shaped(sku: str, destination: str) -> None:
            status, body = ask(client, sku, destination)
            seen.add(status)
            assert status in (200, 422), body

        from_schema()
        well_shaped()
        assert 200 in seen and 422 in seen
