"""The documented "try later" contract (pulsa_protocol.wire docstring): a 429 is the
distributor's signed answer with ``rate_limited`` and a whole-seconds Retry-After."""

from __future__ import annotations

import requests
from distributor_server.embedded import start_embedded
from pulsa_protocol import signing, wire

from tests.server.conftest import FAST


def test_rate_limited_reply_is_signed_and_says_when(db) -> None:
    url, key_file = db
    with start_embedded(url, key_file=key_file, rate_limits={"default": 0, "ping": 1},
                        **FAST) as server:
        creds = server.create_kiosk("Konter Sabar")
        statuses = []
        for _ in range(3):  # a minute may turn between two of them: one more window
            headers = signing.sign_request(creds.kiosk_id, creds.secret, "GET", "/v1/ping", b"")
            reply = requests.get(server.url + "/v1/ping", headers=headers, timeout=30)
            statuses.append(reply.status_code)
            if reply.status_code in wire.RETRY_LATER_STATUSES:
                break
        assert reply.status_code == 429, statuses
        assert wire.ErrorBody.model_validate(reply.json()).code == wire.ErrorCode.RATE_LIMITED
        assert 1 <= int(reply.headers[wire.HEADER_RETRY_AFTER]) <= 60
        assert signing.verify_reply(creds.secret, 429, headers[signing.HEADER_NONCE], reply.content,
                                 reply.headers.get(signing.HEADER_REPLY_TIMESTAMP),
                                 reply.headers.get(signing.HEADER_REPLY_SIGNATURE)) is None
