"""The supplier balance the dashboard shows: Digiflazz's cek-saldo request as its reference
documents it, and a reply that is not a balance is 'unavailable', never a number."""

from __future__ import annotations

import hashlib

import pytest
from distributor_server.config import DigiflazzSettings
from distributor_server.upstream import UpstreamUnavailable
from distributor_server.upstream.digiflazz import Digiflazz


class _Reply:
    def __init__(self, data: object) -> None:
        self._data = data

    def json(self) -> object:
        if isinstance(self._data, Exception):
            raise self._data
        return self._data


class _Http:
    def __init__(self, data: object) -> None:
        self.data = data
        self.sent: list[tuple[str, dict]] = []

    def post(self, url: str, json: dict, timeout: float) -> _Reply:
        self.sent.append((url, json))
        return _Reply(self.data)

    def close(self) -> None:
        pass


def test_digiflazz_balance_is_asked_with_the_depo_signature():
    http = _Http({"data": {"deposit": 1_234_567}})
    adapter = Digiflazz(DigiflazzSettings(username="u", api_key="k"), session=http)
    assert adapter.balance() == 1_234_567
    url, body = http.sent[0]
    assert url.endswith("/cek-saldo")
    assert body == {"cmd": "deposit", "username": "u",
                    "sign": hashlib.md5(b"ukdepo").hexdigest()}


@pytest.mark.parametrize("data", [{"data": {}}, {"data": {"deposit": True}}, ValueError("x"),
                                  {"data": {"deposit": "banyak"}}, {"nope": 1}])
def test_a_reply_that_is_not_a_balance_is_unavailable(data):
    adapter = Digiflazz(DigiflazzSettings(username="u", api_key="k"), session=_Http(data))
    with pytest.raises(UpstreamUnavailable):
        adapter.balance()
