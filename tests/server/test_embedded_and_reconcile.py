"""The embedded starter's helpers, and the day's reconciliation lists with from/to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import requests
from distributor_server.embedded import create_kiosk, credit_deposit, start_embedded

from tests.server.conftest import KioskClient


def test_embedded_helpers_without_and_with_a_server(tmp_path):
    url, key = f"sqlite:///{tmp_path / 'e.sqlite3'}", tmp_path / "e.key"
    creds = create_kiosk(url, "Konter Offline", key_file=key)
    assert credit_deposit(url, creds.kiosk_id, 30_000, key_file=key).balance_after == 30_000
    with start_embedded(url, key_file=key) as handle:
        assert handle.url.startswith("http://127.0.0.1:")
        client = KioskClient(handle.url, creds.kiosk_id, creds.secret)
        assert client.balance() == 30_000
    try:
        requests.get(handle.url + "/v1/health", timeout=2)
        raise AssertionError("the server should be stopped")
    except requests.ConnectionError:
        pass


def test_transactions_and_ledger_by_time_window(make_kiosk):
    k = make_kiosk(deposit=50_000)
    ref = uuid.uuid4().hex
    assert k.put_topup(ref, "TSEL10", "081234567890").status_code == 201
    now = datetime.now(UTC)
    start = quote((now - timedelta(hours=1)).isoformat())
    end = quote((now + timedelta(hours=1)).isoformat())
    later = quote((now + timedelta(hours=2)).isoformat())
    topups = k.get(f"/v1/transactions?from={start}&to={end}").json()["topups"]
    assert [t["ref_id"] for t in topups] == [ref]
    assert k.get(f"/v1/transactions?from={end}&to={later}").json()["topups"] == []
    ledger = k.get(f"/v1/ledger?from={start}&to={end}").json()
    assert [e["reason"] for e in ledger["entries"]] == ["deposit", "topup"]
    assert k.get(f"/v1/ledger?from={end}").json()["entries"] == []
    assert k.get("/v1/ledger?from=yesterday").status_code == 422


def test_embedded_server_replies_without_nagle_delay(tmp_path):
    """Every accepted connection has TCP_NODELAY on (asyncio's loop sets it only when the
    listening socket says IPPROTO_TCP, uvloop always); without it every reply stalled
    ~40 ms on delayed ACKs."""
    import socket

    import requests
    from distributor_server.embedded import start_embedded

    with start_embedded(f"sqlite:///{tmp_path / 's.db'}") as srv, requests.Session() as http:
        assert http.get(srv.url + "/v1/health", timeout=10).status_code == 200  # kept open
        accepted = [conn.transport.get_extra_info("socket")
                    for conn in srv._server.server_state.connections]
        assert accepted and all(
            sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in accepted)
