"""The hot paths' asyncpg pool (PostgreSQL, distributor_server.pg_raw): bounded like the
engine's pool, so a request that cannot get one of its connections within the timeout is
answered 503 with Retry-After, and the pool serves again once one is free."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from distributor_server.embedded import start_embedded
from sqlalchemy.engine import make_url

from tests.aids.waiting import wait_for
from tests.server.conftest import FAST, KioskClient


def _conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _waiting_for_a_lock(admin: psycopg.Connection, database: str) -> bool:
    return admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = "
        "'Lock'", (database,)).fetchone()[0] > 0


def test_exhausted_hot_pool_is_503_with_retry_after(pg_url: str, pg_key_file: Path):
    with start_embedded(pg_url, key_file=pg_key_file, db_hot_pool_size=1,
                        db_pool_timeout=0.5, **FAST) as server:
        busy, other = server.create_kiosk("Konter Antri"), server.create_kiosk("Konter Lain")
        server.credit_deposit(busy.kiosk_id, 50_000)
        waiting = KioskClient(server.url, busy.kiosk_id, busy.secret)
        client = KioskClient(server.url, other.kiosk_id, other.secret)
        assert client.get("/v1/balance").status_code == 200
        with psycopg.connect(_conninfo(pg_url)) as blocker, \
                psycopg.connect(_conninfo(pg_url), autocommit=True) as admin, \
                ThreadPoolExecutor(1) as running:
            # the kiosk's row locked here: its submit holds the pool's only connection
            blocker.execute("SELECT id FROM kiosks WHERE id = %s FOR UPDATE",
                            (busy.kiosk_id,))
            held = running.submit(waiting.put_topup, uuid.uuid4().hex, "TSEL10",
                                  "081234567890")
            wait_for(lambda: _waiting_for_a_lock(admin, make_url(pg_url).database),
                     what="the submit to wait for the kiosk's row lock")
            reply = client.get("/v1/balance")
            blocker.rollback()
            assert held.result().status_code == 201
        assert reply.status_code == 503, reply.text
        assert int(reply.headers["Retry-After"]) >= 1
        assert reply.json()["code"] == "unavailable" and reply.json()["message"]
        assert client.get("/v1/balance").status_code == 200


def _lock_waiter(admin: psycopg.Connection, database: str) -> int | None:
    row = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
        (database,)).fetchone()
    return row[0] if row is not None else None


def test_a_submit_whose_connection_dies_under_it_is_retried_once(pg_url: str,
                                                                pg_key_file: Path):
    """The connection is terminated while the submit's statement runs (it waits for the
    kiosk's row lock): the submit runs again on a fresh connection and is charged once."""
    with start_embedded(pg_url, key_file=pg_key_file, run_worker=False, **FAST) as server:
        creds = server.create_kiosk("Konter Putus")
        server.credit_deposit(creds.kiosk_id, 50_000)
        kiosk = KioskClient(server.url, creds.kiosk_id, creds.secret)
        database = make_url(pg_url).database
        with psycopg.connect(_conninfo(pg_url)) as blocker, \
                psycopg.connect(_conninfo(pg_url), autocommit=True) as admin, \
                ThreadPoolExecutor(1) as running:
            blocker.execute("SELECT id FROM kiosks WHERE id = %s FOR UPDATE",
                            (creds.kiosk_id,))
            ref = uuid.uuid4().hex
            held = running.submit(kiosk.put_topup, ref, "TSEL10", "081234567890")
            pid = wait_for(lambda: _lock_waiter(admin, database),
                           what="the submit to wait for the kiosk's row lock")
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
            blocker.rollback()
            reply = held.result()
        assert reply.status_code == 201, reply.text
        assert kiosk.balance() == 50_000 - reply.json()["price"]
        assert [e["reference"] for e in kiosk.ledger() if e["reason"] == "topup"] == [ref]


def test_the_hot_pool_takes_the_engine_url_without_libpq_only_options():
    from distributor_server.pg_raw import _dsn

    assert _dsn("postgresql+psycopg://u:p@db:6432/pulsa?sslmode=disable&gssencmode=disable"
                "&connect_timeout=3") == ("postgresql://u:p@db:6432/pulsa?sslmode=disable", 3.0)
    assert _dsn("postgresql+psycopg://u@db/pulsa") == ("postgresql://u@db/pulsa", 10.0)


class _DeadOnReturn:
    """A pool whose connections fail on their way back, as asyncpg's release does when the
    server went away after the request's last statement (the graceful close of an expired
    connection, or its reset, meets a dead socket)."""

    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> object:
        self.acquired += 1

        class _Conn:
            async def execute(self, _sql: str) -> str:
                return "OK"

        return _Conn()

    async def release(self, _conn: object) -> None:
        raise ConnectionResetError(104, "Connection reset by peer")


def test_a_connection_that_dies_on_its_way_back_is_not_the_requests_failure(caplog):
    """A request whose work is done keeps its outcome when its connection fails on the
    way back (a PostgreSQL restart at that moment): never a 500; the connection's turn is
    freed, and the failure is logged."""
    import asyncio

    from distributor_server.db import PoolLimits
    from distributor_server.pg_raw import HotPool

    async def two_requests() -> list[str]:
        hot = HotPool("postgresql+psycopg://u@127.0.0.1:9/none", PoolLimits(hot=1, timeout=1))
        hot._pool = _DeadOnReturn()  # type: ignore[assignment]
        done = []
        for _ in range(2):  # one turn only: the second waits for the first's to be freed
            async with hot.transaction() as conn:
                done.append(await conn.execute("COMMIT"))
        return done

    assert asyncio.run(two_requests()) == ["OK", "OK"]
    assert "failed on its way back to the pool" in caplog.text


class _Conn:
    def __init__(self, error: BaseException) -> None:
        self.error, self.terminated = error, False

    async def execute(self, sql: str) -> str:
        if sql == "BEGIN":
            return "BEGIN"
        raise self.error

    def is_closed(self) -> bool:
        return self.terminated

    def terminate(self) -> None:
        self.terminated = True


class _OnePool:
    def __init__(self, conn: _Conn) -> None:
        self.conn, self.expired = conn, 0

    async def acquire(self) -> _Conn:
        return self.conn

    async def release(self, _conn: object) -> None:
        return None

    async def expire_connections(self) -> None:
        self.expired += 1


def test_asyncpg_left_in_a_broken_state_is_a_lost_connection_retried_once():
    """CI's PostgreSQL restart: statement B of a submit met asyncpg's "cannot switch to
    state 12; another operation (2) is in progress" as the server shut down, and the kiosk
    got a 500. It is a lost connection: dropped, the pool renewed, and the error raised as
    one :func:`retrying` runs again (503 if the database is still away)."""
    import asyncio

    import asyncpg
    import pytest
    from distributor_server.db import PoolLimits
    from distributor_server.pg_raw import HotPool
    from sqlalchemy.exc import OperationalError

    conn = _Conn(asyncpg.exceptions.InternalClientError(
        "cannot switch to state 12; another operation (2) is in progress"))
    pool = _OnePool(conn)

    async def submit() -> None:
        hot = HotPool("postgresql+psycopg://u@127.0.0.1:9/none", PoolLimits(hot=1, timeout=1))
        hot._pool = pool  # type: ignore[assignment]
        async with hot.transaction() as c:
            await c.execute("SELECT 1")

    with pytest.raises(OperationalError) as raised:
        asyncio.run(submit())
    assert raised.value.connection_invalidated
    assert conn.terminated and pool.expired == 1
