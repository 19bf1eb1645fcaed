"""Several ``distributor-server`` processes on one fresh PostgreSQL database, for the tests
that run API processes and upstream workers side by side, as a deployment does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.aids.waiting import wait_for
from tests.server.conftest import PG_HOST, PG_PORT, _pg_admin

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """API processes (``serve --no-sender``) and workers against one database; every process
    it started is ended by ``close`` (by its pid)."""

    def __init__(self, db_url: str, key_file: Path, env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        self.key_file = key_file
        self.env = {"PYTHONPATH": f"{ROOT}:{ROOT / 'protocol'}:{ROOT / 'server'}",
                    "PATH": "/usr/bin:/bin", **(env or {})}
        self.api_urls: list[str] = []
        self.workers: list[subprocess.Popen] = []
        self._procs: list[subprocess.Popen] = []

    def _start(self, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, "-m", "distributor_server", "--db", self.db_url, "--key-file",
             str(self.key_file), *args],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._procs.append(proc)
        return proc

    def start_api(self, *extra: str) -> str:
        port = _free_port()
        proc = self._start("serve", "--port", str(port), "--no-sender", *extra)
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            assert proc.poll() is None, "an API process exited at start"
            try:
                return requests.get(url + "/v1/health", timeout=2).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                return False

        wait_for(up, timeout=30, what=f"the API process on port {port}")
        self.api_urls.append(url)
        return url

    def start_worker(self, *extra: str) -> subprocess.Popen:
        proc = self._start("worker", *extra)
        self.workers.append(proc)
        return proc

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "distributor_server", "--db", self.db_url, "--key-file",
             str(self.key_file), *args], env=self.env, capture_output=True, text=True,
            timeout=60)

    def close(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A PostgreSQL database of its own (no other test's pending top-ups), dropped after."""
    admin = _pg_admin()
    if admin is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable (CI=true: these tests must run)")
        pytest.skip("PostgreSQL is not reachable")
    conn, user = admin
    name = f"distsrv_cluster_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
