"""Running a command line in-process as a shell would, and what it left behind.

:func:`run_cli` calls a CLI's ``main(argv)`` with stdin empty, stdout as strict UTF-8 bytes
(what a pipe gives; ``receipt --escpos -`` writes to its buffer) and stderr with
backslashreplace (Python's own setting). It returns the exit status whichever way the
command ended: returned, or ``SystemExit`` from argparse. Any other exception propagates
as the traceback a user would have seen.

:func:`kiosk_fingerprint` and :func:`server_fingerprint` are cheap summaries of the data a
refusal must not touch: row counts of the money tables, the settings, and the files in the
folders the command could write to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

KIOSK_TABLES = ("sales", "sale_lines", "topups", "outbox", "deposit_ledger", "stock_movements",
                "users", "products")
SERVER_TABLES = ("kiosks", "ledger_entries", "topups", "deposit_tickets", "products")


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def run_cli(main: Callable[[Sequence[str]], int], argv: Sequence[str]) -> Outcome:
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace")
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), \
            _stdin(io.StringIO("")):
        try:
            code = main(list(argv))
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    stdout.flush()
    stderr.flush()
    return Outcome(code, _text(stdout), _text(stderr))


def _text(stream: io.TextIOWrapper) -> str:
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode("utf-8", errors="replace")


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Iterator[None]:
    import sys

    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


def files_in(*folders: Path) -> frozenset[str]:
    """Every file under ``folders`` except SQLite's own -wal/-shm/-journal files and locks."""
    found = set()
    for folder in folders:
        for root, _dirs, names in os.walk(folder):
            for name in names:
                if not name.endswith(("-wal", "-shm", "-journal", ".lock")):
                    found.add(os.path.relpath(os.path.join(root, name), folder))
    return frozenset(found)


def _counts(conn: sqlite3.Connection, tables: Sequence[str]) -> tuple[tuple[str, int], ...]:
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return tuple((t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                 for t in tables if t in present)


def kiosk_fingerprint(db_file: Path, *folders: Path) -> tuple[object, ...]:
    """Row counts of the kiosk's money tables, a hash of its settings, and the files."""
    if not db_file.exists():
        return ("no database", files_in(*folders))
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        settings = conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        return (_counts(conn, KIOSK_TABLES),
                hashlib.sha256(repr(settings).encode()).hexdigest(), files_in(*folders))
    finally:
        conn.close()


def server_fingerprint(db_url: str, *folders: Path) -> tuple[object, ...]:
    """Row counts of the distributor's tables (SQLite or PostgreSQL) and the files."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            counts = tuple((t, conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar())
                           for t in SERVER_TABLES if t in present)
    finally:
        engine.dispose()
    return (counts, files_in(*folders))
