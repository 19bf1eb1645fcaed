"""Migration 0009 (issue 14): on PostgreSQL a submit's rows (top-ups, ledger, feed) no longer
carry foreign keys to ``kiosks``, so what keeps them from being orphaned is checked here: a
kiosk cannot be deleted on either engine, with or without history (it is deactivated
instead), and every writer locks the kiosk's row first (the submit's statement A, whose
refusal of an unknown kiosk is covered by test_signed_admission). ``rate_windows`` is
UNLOGGED there. The migration goes down to 0008 and up again on both engines."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from distributor_server.migrate import MIGRATIONS_DIR
from distributor_server.models import LEDGER_DEPOSITS
from distributor_server.topups import submit_topups
from pulsa_protocol import wire
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.server.conftest import PG_HOST, PG_PORT, _pg_admin

CHILDREN = ("topups", "ledger_entries", "changes")


@pytest.fixture(params=["sqlite", "postgres"])
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerContext]:
    """A server context on a database of this test's own (migrated to head)."""
    admin, name = None, ""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    else:
        found = _pg_admin()
        if found is None:
            if os.environ.get("CI") == "true":
                pytest.fail("PostgreSQL is not reachable (CI=true)")
            pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}")
        admin, user = found
        name = f"distsrv_0009_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    context = ServerContext(Settings.for_db(url, tmp_path / "master.key"))
    try:
        yield context
    finally:
        context.close()
        if admin is not None:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()


def _kiosk_with_history(ctx: ServerContext) -> int:
    kiosk_id = create_kiosk(ctx, "Konter Abadi").kiosk_id
    credit_deposit(ctx, kiosk_id, 100_000)
    batch = submit_topups(ctx, kiosk_id, [wire.TopUpRequest(
        ref_id=uuid.uuid4().hex, sku="TSEL10", destination="081234567890")])
    assert batch.results[0].code == "created"
    return kiosk_id


def _delete(ctx: ServerContext, kiosk_id: int) -> None:
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM kiosks WHERE id = :id"), {"id": kiosk_id})


def _counts(ctx: ServerContext, kiosk_id: int) -> dict[str, int]:
    """The kiosk's row and its rows in each child table."""
    with ctx.db.engine.connect() as conn:
        def count(table: str, column: str) -> int:
            return conn.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = :id"),
                                {"id": kiosk_id}).scalar_one()

        return {"kiosks": count("kiosks", "id")} | {t: count(t, "kiosk_id") for t in CHILDREN}


def _migrate(ctx: ServerContext, target: str, up: bool) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with ctx.db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.upgrade if up else command.downgrade)(cfg, target)


def _foreign_keys(ctx: ServerContext) -> set[str]:
    with ctx.db.engine.connect() as conn:
        return set(conn.execute(text(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid = 'kiosks'::regclass")).scalars())


def _persistence(ctx: ServerContext, table: str) -> str:
    with ctx.db.engine.connect() as conn:
        return conn.execute(text("SELECT relpersistence FROM pg_class WHERE oid = "
                                 "CAST(:t AS regclass)"), {"t": table}).scalar_one()


def test_a_kiosk_is_never_deleted_with_or_without_history(ctx: ServerContext) -> None:
    kiosk_id = _kiosk_with_history(ctx)
    before = _counts(ctx, kiosk_id)
    assert before == {"kiosks": 1, "topups": 1, "ledger_entries": 2, "changes": 3}
    blank = create_kiosk(ctx, "Konter Baru").kiosk_id
    for target in (kiosk_id, blank):
        with pytest.raises(DBAPIError, match="never deleted"):
            _delete(ctx, target)
    assert _counts(ctx, kiosk_id) == before
    assert _counts(ctx, blank)["kiosks"] == 1


def test_postgres_drops_the_submit_tables_foreign_keys_and_logs_no_rate_counts(
        ctx: ServerContext) -> None:
    if ctx.db.is_sqlite:
        pytest.skip("PostgreSQL's schema only: SQLite keeps its foreign keys")
    assert _foreign_keys(ctx).isdisjoint(CHILDREN)
    assert {"deposit_tickets", "complaints", "incidents"} <= _foreign_keys(ctx)
    assert _persistence(ctx, "rate_windows") == "u"
    assert _persistence(ctx, "seen_nonces") == "p"  # a lost nonce could be replayed


def test_0009_downgrades_and_upgrades_again(ctx: ServerContext) -> None:
    kiosk_id = _kiosk_with_history(ctx)
    _migrate(ctx, "0008", up=False)
    if not ctx.db.is_sqlite:
        assert set(CHILDREN) <= _foreign_keys(ctx)
        assert _persistence(ctx, "rate_windows") == "p"
    with pytest.raises(DBAPIError) as refused:  # by the foreign keys again, not a trigger
        _delete(ctx, kiosk_id)
    assert "never deleted" not in str(refused.value)
    _migrate(ctx, "head", up=True)
    if not ctx.db.is_sqlite:
        assert _foreign_keys(ctx).isdisjoint(CHILDREN)
        assert _persistence(ctx, "rate_windows") == "u"
    with pytest.raises(DBAPIError, match="never deleted"):
        _delete(ctx, kiosk_id)
    assert _kiosk_with_history(ctx) != kiosk_id  # submits work on the re-upgraded schema


def test_the_deposits_index_covers_what_the_models_call_deposits() -> None:
    """0009 wrote the partial index's predicate out (a migration is frozen); the models'
    predicate, which the desk's query repeats, must still be the same words."""
    spec = importlib.util.spec_from_file_location(
        "migration_0009", MIGRATIONS_DIR / "versions" / "0009_submit_writes.py")
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.DEPOSITS == LEDGER_DEPOSITS
