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
