"""Push 10,000 queued top-ups to the distributor through the outbox relay's batch endpoint,
against 10,000 bare signed ``/v1/ping`` round trips to the same server (the baseline).

Both are also set against the **bare floor**: as many raw HTTP round trips (a keep-alive
``GET`` from a ``requests`` session) to a minimal standard-library HTTP server in a child
process, which answers a fixed small JSON body: what one round trip costs on this machine
with no signing, no database and no framework, so the ping's ratio means something.

Target: push time <= 0.5 x the ping baseline, on SQLite and on PostgreSQL (127.0.0.1:5432,
trust auth; a uniquely named database, dropped afterwards; skipped when unreachable).

What is measured: ``kiosk_pos.sync.relay.relay_all`` (read unsent outbox rows, POST
``/v1/topups`` in batches of up to 1000, write the answers back to the kiosk's SQLite store)
until the queue is empty. The kiosk's 10,000 sales are made beforehand with the normal
``sell()`` (with fsync off while seeding only). The server's background worker starts
relaying to the simulator as soon as items arrive, as it would in production.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NAME = "sync_push"
N_TOPUPS = 10_000
QUICK_TOPUPS = 2_000
MAX_RATIO = 0.5
PG_HOST, PG_PORT = "127.0.0.1", 5432
# rate limits off: 10,000 pings from one kiosk measure throughput, not the abuse guard
FAST = {"simulator_latency": 0.0, "simulator_pending_seconds": 0.2, "poll_base_seconds": 0.05,
        "rate_limits": {"default": 0}}


# ----------------------------------------------------------------------------- shared helpers


@contextlib.contextmanager
def pg_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database URL (dropped afterwards), or None when unreachable."""
    try:
        import psycopg
    except ImportError:
        yield None
        return
    admin = None
    user = ""
    for user in ("postgres", "root"):
        try:
            admin = psycopg.connect(host=PG_HOST, port=PG_PORT, user=user, dbname="test",
                                    autocommit=True, connect_timeout=3)
            break
        except Exception:
            continue
    if admin is None:
        yield None
        return
    name = f"bench_sync_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def backends(folder: Path) -> Iterator[tuple[str, str | None]]:
    """("sqlite", url) then ("postgres", url or None)."""
    yield "sqlite", f"sqlite:///{folder / 'server.sqlite3'}"
    with pg_database() as url:
        yield "postgres", url


def make_kiosk(folder: Path, server: Any, n_sales: int, deposit: int = 0) -> tuple[Any, Any]:
    """A demo kiosk connected to ``server`` with ``n_sales`` queued pulsa top-ups."""
    from kiosk_pos.core.records import CartLine, Payment
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.sync.client import DistributorClient

    kiosk = init_kiosk(folder, "Konter Bench", "9999", demo=True)
    creds = server.create_kiosk(f"Bench {uuid.uuid4().hex[:6]}")
    need = deposit or (n_sales * 12_000 + 1_000_000)
    server.credit_deposit(creds.kiosk_id, need)
    kiosk.deposit.credit(need)
    clerk = kiosk.users.authenticate("1111")
    _synchronous(kiosk, "OFF")  # seeding only: no fsync per sale
    for i in range(n_sales):
        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, f"0812{i:08d}"[:12])], Payment())
    _synchronous(kiosk, "FULL")
    client = DistributorClient(server.url, creds.kiosk_id, creds.secret, timeout=(3.05, 60.0))
    return kiosk, client


def _synchronous(kiosk: Any, level: str) -> None:
    """Set the writer connection's fsync level (outside any transaction; one shared conn)."""
    raw = kiosk.db._engine(0).raw_connection()  # noqa: SLF001 - bench seeding only
    try:
        raw.driver_connection.execute(f"PRAGMA synchronous={level}")
    finally:
        raw.close()


def row(name: str, value: float, unit: str, baseline: float | None, target: str,
        passed: bool | None, note: str = "") -> dict[str, Any]:
    ratio = None if not baseline else value / baseline
    out = {"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio,
           "target": target, "passed": passed}
    if note:
        out["note"] = note
    return out


def print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.3f}x"
        base = "-" if r["baseline"] is None else f"{r['baseline']:.4g}"
        verdict = "-" if r["passed"] is None else ("PASS" if r["passed"] else "FAIL")
        print(f"{r['name']:<44} {r['value']:>12.4g} {r['unit']:<4} baseline {base:>10} "
              f"ratio {ratio:>8}  target {r['target']:<12} {verdict}"
              + (f"  ({r['note']})" if r.get("note") else ""), flush=True)


# ----------------------------------------------------------------------------- bare floor

_BARE_SERVER = """
import http.server, socket, sys
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b'{"ok":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()
server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def bare_round_trips(n: int) -> float:
    """Seconds for ``n`` keep-alive GETs to a minimal HTTP server in a child process."""
    import requests

    proc = subprocess.Popen([sys.executable, "-c", _BARE_SERVER], stdout=subprocess.PIPE,
                            text=True)
    try:
        port = int(proc.stdout.readline())  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/"
        with requests.Session() as http:
            http.get(url, timeout=10).raise_for_status()  # warm the connection
            start = time.perf_counter()
            for _ in range(n):
                http.get(url, timeout=10)
            return time.perf_counter() - start
    finally:
        proc.kill()
        proc.wait(timeout=10)


# ----------------------------------------------------------------------------- benchmark


def measure(db_url: str, folder: Path, n: int) -> tuple[float, float, int]:
    """(push seconds, ping seconds, pushed) for one server database."""
    from distributor_server.embedded import start_embedded

    from kiosk_pos.sync.relay import relay_all

    server = start_embedded(db_url, key_file=folder / "master.key", **FAST)
    try:
        kiosk, client = make_kiosk(folder / "kiosk", server, n)
        try:
            client.ping()  # warm the connection
            start = time.perf_counter()
            result = relay_all(kiosk, client, batch_size=1000)
            push = time.perf_counter() - start
            if kiosk.sales.queue_length():
                raise RuntimeError(f"queue not empty after the push: {result}")
            start = time.perf_counter()
            for _ in range(n):
                client.ping()
            ping = time.perf_counter() - start
            return push, ping, result.pushed
        finally:
            client.close()
            kiosk.close()
    finally:
        server.stop()


def main(quick: bool = False) -> list[dict[str, Any]]:
    n = QUICK_TOPUPS if quick else N_TOPUPS
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-push-") as tmp:
        for backend, url in backends(Path(tmp)):
            name = f"push {n} top-ups via relay ({backend})"
            if url is None:
                rows.append(row(name, float("nan"), "s", None, f"<= {MAX_RATIO}x", None,
                                "PostgreSQL unreachable: skipped"))
                continue
            folder = Path(tmp) / backend
            folder.mkdir()
            push, ping, pushed = measure(url, folder, n)
            rows.append(row(name, push, "s", ping, f"<= {MAX_RATIO}x",
                            push <= MAX_RATIO * ping,
                            f"baseline = {n} signed /v1/ping round trips; {pushed} pushed; "
                            f"{n / push:.0f} top-ups/s"))
    bare = bare_round_trips(n)
    rows.append(row(f"{n} bare HTTP round trips (the floor)", bare, "s", None, "reported",
                    None, f"{bare / n * 1e6:.0f} us each: keep-alive GET to a minimal "
                    "standard-library server in a child process"))
    for r in list(rows[:-1]):
        if r["baseline"]:
            rows.append(row(f"signed /v1/ping vs a bare round trip ({r['name'].split('(')[-1]}",
                            r["baseline"], "s", bare, "reported", None,
                            f"{r['baseline'] / n * 1e6:.0f} us vs {bare / n * 1e6:.0f} us"))
            rows.append(row(f"push per top-up vs a bare round trip "
                            f"({r['name'].split('(')[-1]}", r["value"], "s", bare, "reported",
                            None, f"{r['value'] / n * 1e6:.0f} us per top-up"))
    print_rows(rows)
    return rows


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
