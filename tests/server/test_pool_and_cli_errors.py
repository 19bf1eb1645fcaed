"""Connections are bounded: exhausted -> 503 with Retry-After; CLI errors are one sentence."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributor_server.cli import main
from distributor_server.embedded import start_embedded

from tests.server.conftest import FAST, PG_HOST, PG_PORT, KioskClient, _pg_admin

ROOT = Path(__file__).resolve().parents[2]


def test_exhausted_pool_is_503_with_retry_after(db):
    url, key_file = db
    with start_embedded(url, key_file=key_file, db_pool_size=1, db_pool_overflow=0,
                        db_pool_timeout=0.3, **FAST) as server:
        creds = server.create_kiosk("Konter Sibuk")
        client = KioskClient(server.url, creds.kiosk_id, creds.secret)
        assert client.get("/v1/balance").status_code == 200
        with server.ctx.db.engine.connect():  # the only connection is taken
            reply = client.get("/v1/balance")
        assert reply.status_code == 503, reply.text
        assert int(reply.headers["Retry-After"]) >= 1
        assert reply.json()["code"] == "unavailable" and reply.json()["message"]
        assert client.get("/v1/balance").status_code == 200


@pytest.mark.parametrize("url", [
    f"postgresql+psycopg://nobody:pw@{PG_HOST}:1/none",
    f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/no_such_db_{uuid.uuid4().hex[:8]}",
    "nonsense",
])
def test_cli_unusable_database_is_one_sentence(capsys, tmp_path, url):
    code = main(["--db", url, "--key-file", str(tmp_path / "k"), "kiosk", "list"])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("distributor-server: ") and err.count("\n") == 1
    assert "Traceback" not in err and "pw@" not in err


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    admin = _pg_admin()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable")
    conn, user = admin
    name = f"distsrv_fresh_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def test_parallel_desk_commands_on_a_fresh_database_never_crash(fresh_db, tmp_path):
    """Several 'deposit credit' at once on a new database: each a result or one sentence."""
    key = str(tmp_path / "master.key")
    env_path = f"{ROOT}:{ROOT / 'protocol'}:{ROOT / 'server'}"
    cmd = [sys.executable, "-m", "distributor_server", "--db", fresh_db, "--key-file", key,
           "deposit", "credit", "--kiosk", "1", "--amount", "10000"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
             for _ in range(4)]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, err
        assert err == "distributor-server: There is no kiosk 1.\n"


def test_pool_sizes_are_checked_against_max_connections(db):
    from distributor_server.db import Database, PoolLimits

    url, _key_file = db
    default, greedy = Database(url), Database(url, PoolLimits(size=40, overflow=20))
    try:
        assert default.pool_warning() is None
        warning = greedy.pool_warning()
        if url.startswith("sqlite"):
            assert warning is None
        else:
            assert warning is not None and "max_connections" in warning
    finally:
        default.dispose()
        greedy.dispose()


def test_the_documented_deployment_fits_postgresql_default_connections():
    """docs/deploy.md's example: 2 API processes (each with its hot paths' asyncpg pool),
    2 workers, 5 desk commands at once."""
    from distributor_server.config import Settings
    from distributor_server.db import PoolLimits, connections_needed

    assert connections_needed(2, PoolLimits(), workers=2, worker_threads=8) == 64 <= 97
    assert connections_needed(1, PoolLimits(size=1, overflow=0, hot=1), desk_commands=0) == 3
    defaults = Settings.for_db("sqlite:///unused.sqlite3")
    assert PoolLimits() == PoolLimits(defaults.db_pool_size, defaults.db_pool_overflow,
                                      defaults.db_pool_timeout, defaults.db_hot_pool_size)
