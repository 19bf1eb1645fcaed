"""A kiosk's reconciliation asks for one day; the server answers from an index on both
SQLite and PostgreSQL, never by reading every row of the kiosk (or of every kiosk)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from distributor_server.embedded import EmbeddedServer
from distributor_server.kiosks import ledger
from distributor_server.topups import list_topups
from sqlalchemy import event, text


def _captured(server: EmbeddedServer, call: Callable[[], Any]) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    engine = server.ctx.db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return seen


def _plan(server: EmbeddedServer, statement: str, params: Any) -> str:
    with server.ctx.db.engine.connect() as conn:
        dbapi = conn.connection.dbapi_connection
        cur = dbapi.cursor()
        if server.ctx.db.is_sqlite:
            cur.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            return "\n".join(str(row[3]) for row in cur.fetchall())
        # tiny test tables make any plan cheapest as a sequential scan: ask what the
        # planner CAN do when it has to choose between indexes
        cur.execute("SET enable_seqscan = off")
        cur.execute(f"EXPLAIN {statement}", params)
        plan = "\n".join(str(row[0]) for row in cur.fetchall())
        conn.execute(text("RESET enable_seqscan"))
        return plan


DAYS = 60


def _history(server: EmbeddedServer, kiosk_id: int) -> None:
    """DAYS days of ledger rows (one a day) for the kiosk, and the planner's statistics."""
    for _ in range(DAYS):
        server.credit_deposit(kiosk_id, 1_000)
    now = datetime.now(UTC)
    with server.ctx.db.engine.begin() as conn:
        ids = conn.execute(text("SELECT id FROM ledger_entries WHERE kiosk_id = :k ORDER BY id"),
                           {"k": kiosk_id}).scalars().all()
        for age, row_id in enumerate(reversed(ids)):
            conn.execute(text("UPDATE ledger_entries SET created_at = :t WHERE id = :i"),
                         {"t": now - timedelta(days=age), "i": row_id})
        conn.execute(text("ANALYZE"))


def test_a_days_ledger_and_transactions_are_read_by_index(server: EmbeddedServer) -> None:
    creds = server.create_kiosk("Konter Hari")
    _history(server, creds.kiosk_id)
    start = datetime.now(UTC) - timedelta(hours=1)
    end = start + timedelta(days=1)
    calls = {
        "ledger": (lambda: ledger(server.ctx, creds.kiosk_id, start, end),
                   "ledger_entries", "ix_ledger_entries_kiosk_created"),
        "transactions": (lambda: list_topups(server.ctx, creds.kiosk_id, start, end),
                         "topups", "ix_topups_kiosk_created"),
    }
    for name, (call, table, index) in calls.items():
        day_queries = [(s, p) for s, p in _captured(server, call)
                       if f"FROM {table}" in s and "created_at >=" in s]
        assert day_queries, f"the {name} query was not captured"
        for statement, params in day_queries:
            plan = _plan(server, statement, params)
            assert "Seq Scan" not in plan and "SCAN" not in plan, f"{name} scans:\n{plan}"
            bounded = [line for line in plan.splitlines()
                       if ("Index Cond" in line or line.startswith("SEARCH " + table))
                       and "created_at" in line]
            assert bounded, f"{name} is not bounded by the day through an index:\n{plan}"
            if server.ctx.db.is_sqlite:  # no statistics: the planner takes the best fit
                assert index in plan, plan


def test_the_desks_deposits_of_today_are_read_from_the_deposits_index(
        server: EmbeddedServer) -> None:
    """The dashboard's "deposits today" reads the deposits' partial index (migration 0009:
    a submit's and a refund's ledger rows are not in it), on both engines."""
    from distributor_server.console.queries import dashboard
    from distributor_server.models import LEDGER_DEPOSITS

    creds = server.create_kiosk("Konter Setor")
    _history(server, creds.kiosk_id)
    reads = [(s, p) for s, p in _captured(server, lambda: dashboard(server.ctx))
             if "FROM ledger_entries" in s]
    assert len(reads) == 1 and LEDGER_DEPOSITS in reads[0][0], reads
    plan = _plan(server, *reads[0])
    assert "ix_ledger_entries_deposits_created" in plan, plan
    assert "Seq Scan" not in plan and "SCAN" not in plan, plan
