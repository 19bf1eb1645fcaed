"""The distributor server against its floor (issue 14), on PostgreSQL.

The floor is ``bench/floor_app.py``: bare FastAPI + asyncpg doing one insert-and-return per
request, run in the same benchmark on the same machine. The server runs as
``distributor-server serve --no-sender`` (the API alone; senders are separate processes in
a deployment), and its figures are:

- database round trips of one signed top-up submit, counted on the wire by a relay in
  front of PostgreSQL (:class:`WireCounter`), reported only;
- a signed submit's latency with one client, p50, against the floor's (target <= 2x);
- the server's CPU time per signed submit with one client, against the floor's per insert
  (reported: on a shared machine it moves less than latency does);
- throughput with 200 concurrent kiosks in a closed loop, against the floor's
  (target >= 0.5x, p99 < 300 ms);
- throughput of ``serve --workers 2`` against ``--workers 1`` (target >= 1.5x).

The closed-loop kiosks are ``bench/load_client.py`` (asyncio, requests built as bytes,
~0.1 ms of CPU a request) in CLIENT_PROCESSES processes of their own on the same 2 cores,
so every throughput figure is shared with its load generator, with PostgreSQL and with
whatever else runs. Each throughput figure's note splits the CPU a request cost among the
API process(es), PostgreSQL and the load generator: on two cores that split, not the
code alone, decides how far a second process can go.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from bench.common import REPO_DIR, Result, postgres_cpu_seconds, ratio_result, tree_cpu_seconds
from bench.sync_push import pg_database

NAME = "server_submit"
KIOSKS = 200
CLIENT_PROCESSES = 2
_PIDS: dict[str, int] = {}
"""url -> pid of the server process started for it (for its CPU time)."""
ENV = dict(os.environ, PYTHONPATH=f"{REPO_DIR}:{REPO_DIR / 'protocol'}:{REPO_DIR / 'server'}")



def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _process(cmd: list[str], probe: str) -> Iterator[str]:
    """Start a server process, wait until ``probe`` answers, end it (SIGTERM) afterwards."""
    port = _free_port()
    cmd = [part.replace("{port}", str(port)) for part in cmd]
    proc = subprocess.Popen(cmd, env=ENV, cwd=REPO_DIR, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[2:4]} exited at start")
            try:
                if requests.get(url + probe, timeout=2).status_code < 500:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not up yet (a connection to a worker still starting waits)
            if time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[2:4]} did not start")
            time.sleep(0.1)
        _PIDS[url] = proc.pid
        yield url
    finally:
        _PIDS.pop(url, None)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _server(db_url: str, key: Path, workers: int) -> Any:
    return _process([sys.executable, "-m", "distributor_server", "serve", "--db", db_url,
                     "--key-file", str(key), "--port", "{port}", "--no-sender",
                     "--workers", str(workers)], "/v1/health")


def _floor(db_url: str, workers: int) -> Any:
    return _process([sys.executable, "-m", "bench.floor_app", db_url, "{port}", str(workers)],
                    "/health")


def _kiosks(db_url: str, key: Path, count: int) -> list[dict]:
    from distributor_server.config import Settings
    from distributor_server.context import ServerContext
    from distributor_server.kiosks import create_kiosk, credit_deposit

    ctx = ServerContext(Settings.for_db(db_url, key))
    try:
        out = []
        for n in range(count):
            c = create_kiosk(ctx, f"Bench {n}")
            credit_deposit(ctx, c.kiosk_id, 1_000_000_000)
            out.append({"kiosk_id": c.kiosk_id, "secret": c.secret})
        return out
    finally:
        ctx.close()


def _load(mode: str, url: str, creds: list[dict], seconds: float, processes: int) -> dict:
    procs = [subprocess.Popen([sys.executable, "-m", "bench.load_client", mode, url,
                               str(seconds)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              env=ENV, cwd=REPO_DIR) for _ in range(processes)]
    for i, proc in enumerate(procs):
        proc.stdin.write(json.dumps(creds[i::processes]) + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]
    server_cpu, pg_cpu = tree_cpu_seconds(_PIDS[url]), postgres_cpu_seconds()
    for proc in procs:
        proc.stdin.write("go\n")  # type: ignore[union-attr]
        proc.stdin.close()  # type: ignore[union-attr]
    lat: list[float] = []
    errors = 0
    client_cpu = 0.0
    for proc in procs:
        out = proc.stdout.read()  # type: ignore[union-attr]
        proc.wait(timeout=120)
        part = json.loads(out.strip().splitlines()[-1])
        lat += part["latencies"]
        errors += part["error_count"]
        client_cpu += part["cpu"]
    server_cpu = tree_cpu_seconds(_PIDS[url]) - server_cpu
    pg_cpu = postgres_cpu_seconds() - pg_cpu
    lat.sort()
    per = 1000 / max(1, len(lat))  # ms of CPU per answered request
    return {"rps": len(lat) / seconds, "errors": errors, "cpu_ms": {
                "server": server_cpu * per, "postgres": pg_cpu * per, "clients": client_cpu * per},
            "p50": lat[len(lat) // 2] if lat else float("nan"),
            "p99": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")}


class WireCounter:
    """A TCP relay in front of PostgreSQL that counts, whichever layer of the client sent
    what: ``trips``, the server's ReadyForQuery messages (one per wait of the client: a
    statement, a BEGIN or a COMMIT waited for on its own is one, a pipeline up to its Sync
    is one); ``flights``, the times a client sent after the server last spoke (a pipeline
    whose statements go out while the first answers come back counts more than one).
    The relayed URL must say ``sslmode=disable`` (the relay reads the protocol)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 5432) -> None:
        self.trips = 0
        self.flights = 0
        self._target = (host, port)
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _addr = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._target)
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            last = ["server"]  # who spoke last on this connection
            for src, dst, side in ((client, server, "client"), (server, client, "server")):
                threading.Thread(target=self._pump, args=(src, dst, side, last),
                                 daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, side: str, last: list[str]
              ) -> None:
        pending = b""  # the server's bytes not yet split into messages
        try:
            while data := src.recv(65536):
                with self._lock:  # noted before it is passed on, so no reply can overtake
                    if side == "client" and last[0] == "server":
                        self.flights += 1
                    last[0] = side
                    if side == "server":
                        pending = self._count_ready(pending + data)
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _count_ready(self, data: bytes) -> bytes:
        """Count the ReadyForQuery ('Z') messages in ``data``; the incomplete tail."""
        at = 0
        while len(data) - at >= 5:
            size = int.from_bytes(data[at + 1:at + 5], "big")
            if len(data) - at < 1 + size:
                break
            if data[at:at + 1] == b"Z":
                self.trips += 1
            at += 1 + size
        return data[at:]

    def close(self) -> None:
        self._listener.close()


def round_trips(db_url: str, key: Path, n: int = 50) -> tuple[float, float]:
    """(round trips, client flights) per signed submit, counted on the wire (:class:`WireCounter`)
    between an embedded API process (no sender, as ``serve --no-sender``) and PostgreSQL."""
    from distributor_server.embedded import start_embedded
    from pulsa_protocol import signing
    from sqlalchemy.engine import make_url

    creds = _kiosks(db_url, key, 1)[0]
    url = make_url(db_url)
    counter = WireCounter(url.host or "127.0.0.1", url.port or 5432)
    relayed = url.set(host="127.0.0.1", port=counter.port, query={
        **url.query, "sslmode": "disable", "gssencmode": "disable"}).render_as_string(
        hide_password=False)
    try:
        with start_embedded(relayed, key_file=key, rate_limits={"default": 0},
                            run_worker=False) as handle:
            http = requests.Session()

            def submit() -> None:
                ref = uuid.uuid4().hex
                body = json.dumps({"sku": "TSEL10", "destination": "081234567890"}).encode()
                path = f"/v1/topups/{ref}"
                auth = signing.sign_request(creds["kiosk_id"], creds["secret"], "PUT", path,
                                            body)
                headers = {"Content-Type": "application/json", **auth}
                assert http.put(handle.url + path, data=body, headers=headers
                                ).status_code == 201

            submit()  # warm the pool (a connection's start-up is not a submit's)
            start = counter.trips, counter.flights
            for _ in range(n):
                submit()
            trips, flights = counter.trips - start[0], counter.flights - start[1]
    finally:
        counter.close()
    return trips / n, flights / n


def _one_client(url: str, mode: str, creds: dict, n: int) -> tuple[float, float]:
    """(p50 latency, server CPU seconds per request) of ``n`` requests one after another."""
    from pulsa_protocol import signing

    http = requests.Session()
    lat = []
    cpu_start = 0.0
    for i in range(n + 20):
        if i == 20:
            cpu_start = tree_cpu_seconds(_PIDS[url])
        ref = uuid.uuid4().hex
        if mode == "floor":
            body = json.dumps({"ref_id": ref, "sku": "TSEL10",
                               "destination": "081234567890"}).encode()
            t0 = time.perf_counter()
            reply = http.post(url + "/insert", data=body,
                              headers={"Content-Type": "application/json"})
        else:
            body = json.dumps({"sku": "TSEL10", "destination": "081234567890"}).encode()
            path = f"/v1/topups/{ref}"
            t0 = time.perf_counter()
            headers = {"Content-Type": "application/json",
                       **signing.sign_request(creds["kiosk_id"], creds["secret"], "PUT", path,
                                           body)}
            reply = http.put(url + path, data=body, headers=headers)
        took = time.perf_counter() - t0
        assert reply.status_code == 201, reply.text
        if i >= 20:
            lat.append(took)
    cpu = (tree_cpu_seconds(_PIDS[url]) - cpu_start) / n
    lat.sort()
    return lat[len(lat) // 2], cpu


def _cpu_split(load: dict) -> str:
    cpu = load["cpu_ms"]
    return (f"API {cpu['server']:.2f} ms, PostgreSQL {cpu['postgres']:.2f} ms, "
            f"load generator {cpu['clients']:.2f} ms")


def run(quick: bool) -> list[Result]:
    seconds = 6.0 if quick else 15.0
    n_single = 100 if quick else 300
    with pg_database() as db_url, tempfile.TemporaryDirectory() as tmp:
        if db_url is None:
            return [Result(NAME, "skipped", 0, None, "count", "PostgreSQL needed", None,
                           "PostgreSQL is not reachable at 127.0.0.1:5432")]
        key = Path(tmp) / "master.key"
        trips, flights = round_trips(db_url, key)
        creds = _kiosks(db_url, key, KIOSKS)
        # both one-client figures first, on the same quiet database: measured after the
        # floor's loads, the server's met their aftermath (autovacuum of the floor's table,
        # a checkpoint's first writes of each page) and read 0.2-0.4x worse
        with _floor(db_url, 1) as floor_url:
            floor_single, floor_cpu = _one_client(floor_url, "floor", creds[0], n_single)
        with _server(db_url, key, 1) as url:
            single, cpu = _one_client(url, "signed", creds[0], n_single)
        with _floor(db_url, 1) as floor_url:
            floor_load = _load("floor", floor_url, creds, seconds, CLIENT_PROCESSES)
        with _floor(db_url, 2) as floor_url:  # what a second process gives on this machine
            floor_two = _load("floor", floor_url, creds, seconds, CLIENT_PROCESSES)
        with _server(db_url, key, 1) as url:
            one = _load("signed", url, creds, seconds, CLIENT_PROCESSES)
        with _server(db_url, key, 2) as url:
            two = _load("signed", url, creds, seconds, CLIENT_PROCESSES)
    errors = one["errors"] + two["errors"] + floor_load["errors"] + floor_two["errors"]
    note = (f"p50 {one['p50'] * 1000:.0f} ms, p99 {one['p99'] * 1000:.0f} ms at {KIOSKS} "
            f"kiosks (floor p99 {floor_load['p99'] * 1000:.0f} ms); errors {errors}; "
            f"CPU a request: {_cpu_split(one)} (floor: {_cpu_split(floor_load)})")
    throughput = Result(NAME, f"submits/s, {KIOSKS} kiosks, 1 API process", one["rps"],
                        floor_load["rps"], "req/s", ">= 0.5x and p99 < 300 ms",
                        one["rps"] >= 0.5 * floor_load["rps"] and one["p99"] < 0.3, note)
    scaling = Result(NAME, f"submits/s, {KIOSKS} kiosks, 2 API processes vs 1", two["rps"],
                     one["rps"], "req/s", ">= 1.5x", two["rps"] >= 1.5 * one["rps"],
                     f"2 processes: p50 {two['p50'] * 1000:.0f} ms, p99 "
                     f"{two['p99'] * 1000:.0f} ms; CPU a request: {_cpu_split(two)}")
    floor_scaling = Result(NAME, f"the floor at {KIOSKS} kiosks, 2 processes vs 1",
                           floor_two["rps"], floor_load["rps"], "req/s", "reported", None,
                           "the same machine's answer to a second process with the least "
                           "work per request: the load generator and PostgreSQL share its "
                           f"cores (CPU a request: {_cpu_split(floor_two)})")
    return [
        Result(NAME, "database round trips per signed submit", trips, None, "count",
               "reported", None, f"counted on the wire (ReadyForQuery); {flights:.2f} "
               "client flights (sends after the server spoke)"),
        ratio_result(NAME, "signed submit latency, one client (p50)", single * 1000,
                     floor_single * 1000, "ms", 2.0),
        Result(NAME, "server CPU per signed submit, one client", cpu * 1000, floor_cpu * 1000,
               "ms", "reported", None, "user + system time of the server process over "
               f"{n_single} submits, against the floor app's per insert (10 ms clock ticks)"),
        throughput,
        scaling,
        floor_scaling,
    ]


if __name__ == "__main__":
    for result in run("--quick" in sys.argv):
        print(result)
