"""A PostgreSQL instance of a test's own (initdb + pg_ctl in a temporary folder, on a free
port of 127.0.0.1), so a test may stop and start it without touching the machine's shared
PostgreSQL that other tests use.

Needs the server binaries at /usr/lib/postgresql/*/bin (Debian's postgresql package). As
root, PostgreSQL refuses to run, so the instance runs as the ``postgres`` system user (via
``runuser``). Anything missing: the test is skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parts[4]) if Path(p).parts[4].isdigit() else 0)
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """One instance: :meth:`stop` and :meth:`start` it at will; its URL stays the same."""

    def __init__(self, bin_dir: Path, folder: Path, run_as: list[str]) -> None:
        self.bin_dir = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "postgres.log"
        self.port = _free_port()
        self._run_as = run_as

    def _run(self, tool: str, *args: str, timeout: float = 120) -> None:
        done = subprocess.run([*self._run_as, str(self.bin_dir / tool), *args],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8", "--no-locale")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   "-c unix_socket_directories='' -c max_connections=60")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-l",
                  str(self.log), "-o", options)

    def stop(self) -> None:
        """A fast shutdown: clients are disconnected, transactions in flight roll back."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", str(self.data))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A running private instance, stopped and deleted afterwards (or the test skipped)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries at /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql) to run a private instance")
    run_as: list[str] = []
    owner = None
    if os.geteuid() == 0:  # initdb and postgres refuse root
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run a private "
                        "PostgreSQL instance as")
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        if not Path(runuser).exists():
            pytest.skip("running as root without runuser to start PostgreSQL as 'postgres'")
        run_as = [runuser, "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="private-pg-", dir="/tmp"))
    if owner is not None:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    instance = PrivatePostgres(bin_dir, folder, run_as)
    try:
        instance.init()
        instance.start()
        yield instance
    finally:
        try:
            instance.stop()
        except (RuntimeError, subprocess.TimeoutExpired):
            pass  # already stopped, or never started
        shutil.rmtree(folder, ignore_errors=True)
