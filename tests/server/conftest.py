"""Server test fixtures: every test that takes ``db_url`` runs on SQLite and PostgreSQL.

PostgreSQL: 127.0.0.1:5432, trust auth, as ``postgres`` (or ``root``) via database ``test``;
one uniquely named database per session, dropped at the end. Unreachable -> those params
skip, except with CI=true where they fail loudly.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from distributor_server.embedded import EmbeddedServer, start_embedded
from distributor_server.products import demo_price_rows
from pulsa_protocol import signing

from tests.aids.waiting import wait_for

PG_HOST = "127.0.0.1"
PG_PORT = 5432
FAST = {"simulator_latency": 0.005, "simulator_pending_seconds": 0.4, "poll_base_seconds": 0.05}


def demo_price(sku: str) -> int:
    """What the demo distributor charges for ``sku`` (the kiosk demo catalogue's cost)."""
    return next(row.price for row in demo_price_rows() if row.sku == sku)


def _pg_admin() -> tuple[object, str] | None:
    try:
        import psycopg
    except ImportError:
        return None
    for user in ("postgres", "root"):
        try:
            conn = psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="test",
                                   autocommit=True, connect_timeout=3)
            return conn, user
        except Exception:
            continue
    return None


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    admin = _pg_admin()
    if admin is None:
        message = f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI=true: the PostgreSQL tests must run)")
        pytest.skip(message)
    conn, user = admin
    name = f"distsrv_test_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:

        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="session")
def pg_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pgkey") / "master.key"


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """(database URL, master key file) for a fresh SQLite file or the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "master.key"
    return request.getfixturevalue("pg_url"), request.getfixturevalue("pg_key_file")


@pytest.fixture
def server(db: tuple[str, Path]) -> Iterator[EmbeddedServer]:
    url, key_file = db
    handle = start_embedded(url, key_file=key_file, **FAST)
    try:
        yield handle
    finally:
        handle.stop()


class KioskClient:
    """A minimal signed HTTP client (the real one lives in kiosk_pos/sync)."""

    def __init__(self, base_url: str, kiosk_id: int, secret: str) -> None:
        self.base_url = base_url
        self.kiosk_id = kiosk_id
        self.secret = secret
        self.http = requests.Session()

    def request(self, method: str, path: str, body: object = None, *, raw: bytes | None = None,
                headers: dict | None = None, sign: bool = True, timeout: float = 30
                ) -> requests.Response:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        hdrs = {"Content-Type": "application/json"}
        if sign:
            hdrs.update(signing.sign_request(self.kiosk_id, self.secret, method, path, data))
        hdrs.update(headers or {})
        return requests.request(method, self.base_url + path, data=data, headers=hdrs,
                                timeout=timeout)

    def get(self, path: str, **kw: object) -> requests.Response:
        return self.request("GET", path, **kw)

    def put_topup(self, ref_id: str, sku: str, destination: str, **extra: object
                  ) -> requests.Response:
        return self.request("PUT", f"/v1/topups/{ref_id}",
                            {"sku": sku, "destination": destination, **extra})

    def balance(self) -> int:
        reply = self.get("/v1/balance")
        assert reply.status_code == 200, reply.text
        return reply.json()["balance"]

    def ledger(self) -> list[dict]:
        return self.get("/v1/ledger").json()["entries"]


@pytest.fixture
def make_kiosk(server: EmbeddedServer) -> Callable[..., KioskClient]:
    def make(deposit: int = 0, name: str | None = None) -> KioskClient:
        creds = server.create_kiosk(name or f"Konter {uuid.uuid4().hex[:6]}")
        if deposit:
            server.credit_deposit(creds.kiosk_id, deposit)
        return KioskClient(server.url, creds.kiosk_id, creds.secret)

    return make


def wait_final(client: KioskClient, ref_id: str, timeout: float = 10.0) -> dict:
    def final() -> dict | None:
        body = client.get(f"/v1/topups/{ref_id}").json()
        return body if body.get("status") in ("success", "failed") else None

    return wait_for(final, timeout)
