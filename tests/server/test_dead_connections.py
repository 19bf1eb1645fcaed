"""Without a pre-ping per session, a pooled connection that PostgreSQL dropped (a restart,
an idle timeout) must not cost the kiosk a refusal: the request runs again on a fresh one.

The API process runs without a sender (``serve --no-sender``), so the first to meet the
dead connections is the kiosk's own request, not the sender's polling."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from sqlalchemy.engine import make_url

from tests.server.cluster import Cluster, fresh_pg_database
from tests.server.conftest import KioskClient


def _drop_connections(db_url: str) -> int:
    """Terminate every connection to the database; return how many, once they are gone."""
    url = make_url(db_url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="test",
                         autocommit=True) as admin:
        pids = [row[0] for row in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (url.database,)).fetchall()]
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    return len(pids)


def test_requests_after_the_database_dropped_every_connection_succeed(tmp_path: Path):
    with fresh_pg_database() as url:
        key = tmp_path / "master.key"
        ctx = ServerContext(Settings.for_db(url, key))
        creds = create_kiosk(ctx, "Konter Tahan Banting")
        credit_deposit(ctx, creds.kiosk_id, 50_000)
        ctx.close()
        cluster = Cluster(url, key)
        try:
            kiosk = KioskClient(cluster.start_api(), creds.kiosk_id, creds.secret)
            assert kiosk.put_topup(uuid.uuid4().hex, "TSEL10", "081234567890").status_code == 201
            assert _drop_connections(url) >= 2  # the pool's and the LISTEN connection
            reply = kiosk.put_topup(uuid.uuid4().hex, "TSEL10", "081234567890")
            assert reply.status_code == 201, reply.text
            assert _drop_connections(url) >= 1
            assert kiosk.get("/v1/balance").status_code == 200
        finally:
            cluster.close()
