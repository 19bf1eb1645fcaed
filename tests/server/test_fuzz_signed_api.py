"""Fuzz the signed API from its own OpenAPI schema (schemathesis), each request signed with a
real kiosk's secret, and the raw auth headers before authentication (hypothesis): never a 5xx.

Bounded by count and time: at most EXAMPLES per operation and BUDGET seconds per backend.
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from distributor_server.embedded import start_embedded
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pulsa_protocol import signing

from tests.server.conftest import FAST

EXAMPLES = 25
BUDGET = 15.0
QUIET = settings(max_examples=EXAMPLES, deadline=None, database=None,
                 phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzz_server(db):
    url, key_file = db
    # limits off: a 429 is a fine answer, but it would stop the fuzzer reaching the handlers
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0}, **FAST) as handle:
        creds = handle.create_kiosk("Konter Fuzz")
        handle.credit_deposit(creds.kiosk_id, 10_000_000)
        yield handle, creds


def _send_signed(http: requests.Session, case: object, base_url: str, kiosk_id: int,
                 secret: str) -> requests.Response:
    kwargs = case.as_transport_kwargs(base_url=base_url)
    prepared = requests.Request(
        method=kwargs["method"], url=kwargs["url"], headers=kwargs.get("headers"),
        params=kwargs.get("params"), json=kwargs.get("json"), data=kwargs.get("data"),
        cookies=kwargs.get("cookies"),
    ).prepare()
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    prepared.headers.update(signing.sign_request(kiosk_id, secret, prepared.method,
                                              prepared.path_url, body))
    return http.send(prepared, timeout=30)


def test_signed_api_fuzz_never_5xx(fuzz_server):
    handle, creds = fuzz_server
    spec = requests.get(handle.url + "/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(spec)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    http = requests.Session()
    deadline = time.monotonic() + BUDGET
    crashes: list[str] = []
    sent = 0

    for operation in operations:
        if time.monotonic() > deadline:
            break

        @QUIET
        @given(case=operation.as_strategy())
        def exercise(case: object) -> None:
            nonlocal sent
            if time.monotonic() > deadline:
                return
            reply = _send_signed(http, case, handle.url, creds.kiosk_id, creds.secret)
            sent += 1
            if reply.status_code >= 500:
                crashes.append(f"{case.method} {case.formatted_path} -> {reply.status_code}: "
                               f"{reply.text[:200]}")

        exercise()
    assert sent >= min(len(operations), 5)
    assert crashes == []


HEADER_TEXT = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=80)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(kiosk_id=st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                          HEADER_TEXT),
       timestamp=st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70)
                           .map(str), HEADER_TEXT),
       nonce=st.one_of(st.none(), HEADER_TEXT))
def test_raw_auth_headers_before_auth_are_4xx(fuzz_server, kiosk_id, timestamp, nonce):
    handle, creds = fuzz_server
    headers = signing.sign_request(creds.kiosk_id, creds.secret, "GET", "/v1/balance")
    headers[signing.HEADER_KIOSK_ID] = kiosk_id
    if timestamp is not None:
        headers[signing.HEADER_TIMESTAMP] = timestamp
    if nonce is not None:
        headers[signing.HEADER_NONCE] = nonce
    encoded = {name: value.encode("latin-1") for name, value in headers.items()}
    reply = requests.get(handle.url + "/v1/balance", headers=encoded, timeout=30)
    assert reply.status_code < 500, reply.text
    if reply.status_code == 400 and any("\x7f" in value for value in headers.values()):
        return  # DEL is not allowed in a header value: the HTTP parser refuses the request
    if reply.status_code != 200:
        assert reply.status_code == 401 and reply.json()["message"]
