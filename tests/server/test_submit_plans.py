"""PostgreSQL's submit finds a kiosk's repeated ref_ids by their unique key, whatever the kiosk's
history, and writes without reading any table that grows with it.

The hot pool prepares READ and WRITE (distributor_server.pg_submit_sql; WRITE carries a batch
of requests, distributor_server.pg_batch) once per connection and PostgreSQL then runs their
generic plans, so those are the plans checked here, on a kiosk with thousands of top-ups and
the planner's statistics up to date.
"""

from __future__ import annotations

import re

import pytest
from distributor_server import pg_batch, pg_hot
from distributor_server.embedded import EmbeddedServer
from psycopg import ClientCursor
from sqlalchemy import text

pytestmark = pytest.mark.parametrize("db", ["postgres"], indirect=True)
HISTORY = 5_000
GROWING = ("topups", "ledger_entries", "changes", "seen_nonces")


def _history(server: EmbeddedServer, kiosk_id: int) -> None:
    with server.ctx.db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO topups (kiosk_id, ref_id, sku, destination, price, status, sn, "
            "message, upstream, upstream_ref_id, upstream_reference, attempts, created_at, "
            "updated_at) SELECT :k, 'old-' || n, 'TSEL10', '081234567890', 10500, "
            "'success', 'SN' || n, '', 'simulator', md5(:k || '-' || n), '', 1, "
            "now() - n * interval '1 minute', now() FROM generate_series(1, :n) AS n"),
            {"k": kiosk_id, "n": HISTORY})
        conn.execute(text("ANALYZE"))


def _generic_plan(server: EmbeddedServer, sql: str, args: list[object]) -> str:
    """EXPLAIN of ``sql`` prepared with its parameters' types, as its generic plan."""
    count = len(args)
    with server.ctx.db.engine.connect() as conn:
        # the values as literals: a bound parameter of EXECUTE would have no type
        cur = ClientCursor(conn.connection.dbapi_connection)
        cur.execute("SET plan_cache_mode = force_generic_plan")
        cur.execute(f"PREPARE checked AS {sql}")
        cur.execute("EXPLAIN EXECUTE checked(" + ", ".join(["%s"] * count) + ")", args)
        plan = "\n".join(str(row[0]) for row in cur.fetchall())
        cur.execute("DEALLOCATE checked")
        cur.execute("RESET plan_cache_mode")
        conn.rollback()
    return plan


def _scanned(plan: str) -> set[str]:
    """The tables the plan reads row by row (sequential scans)."""
    return set(re.findall(r"Seq Scan on (\w+)", plan))


def test_read_finds_repeated_ref_ids_by_their_key(server: EmbeddedServer) -> None:
    creds = server.create_kiosk("Konter Riwayat")
    _history(server, creds.kiosk_id)
    read = pg_hot._READ
    plan = _generic_plan(server, read.sql, read.args(
        kiosk_id=creds.kiosk_id, refs=["old-7", "new-1"], skus=["TSEL10"]))
    assert not _scanned(plan) & set(GROWING), plan
    assert re.search(r"Index (Only )?Scan using \w+ on topups\b", plan), plan
    assert "ix_topups_kiosk_created" not in plan, plan  # would walk the kiosk's history


def test_write_reads_no_table_that_grows(server: EmbeddedServer) -> None:
    creds = server.create_kiosk("Konter Tulis")
    _history(server, creds.kiosk_id)
    write = pg_batch._WRITE
    request = {"kiosk_id": creds.kiosk_id, "nonce": "ab" * 16, "expires_at": None,
               "held": False, "writes": True, "balance": 0, "ledger_seq": 1, "change_seq": 1,
               "read_ledger_seq": 0, "read_change_seq": 0, "generation": 1, "limit": 10,
               "window": 1}
    plan = _generic_plan(server, write.sql, write.args(
        **{f"each_{name}": [value] for name, value in request.items()}, now=None,
        bucket="topups", due_channel="distributor_due", topup_rows="[]", ledger_rows="[]",
        change_rows="[]"))
    assert not _scanned(plan) & set(GROWING), plan
