"""Thousands of kiosks holding change-feed long polls open on one server (issue 14).

One ``distributor-server serve --no-sender`` process on a fresh PostgreSQL database, and a
client process (``bench/idle_poll_client.py``) holding signed ``GET /v1/changes?wait=25``
polls open on 127.0.0.1 (10,000; 2,000 with --quick), one connection per kiosk, re-polling
when a wait runs out as the kiosk app does. Then, once every poll was admitted (its nonce
is stored: the server holds it):

- the server's memory per idle poll: (RSS with the polls open - RSS before) / polls;
- the server's CPU over IDLE_SPAN s of idling alone (renewals and feed reads), per second
  and per renewed poll;
- 50 signed top-ups a second for LOAD_SECONDS from other kiosks: p99 submit latency
  against the same submits with no polls open (measured first, same run);
- WAKES kiosks among the idle ones get a top-up each: the time from the submit to that
  kiosk's poll answering with the change, and that no other poll was woken;
- errors: 5xx answers and broken connections, which must be 0.

Bounded: kiosks are inserted in one statement, the polls are opened a few hundred at a
time, every wait is bounded, and the run ends after one load phase and WAKES wake-ups.
"""

from __future__ import annotations

import json
import statistics
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

from bench.common import REPO_DIR, Result, tree_cpu_seconds, tree_rss_kb
from bench.server_submit import ENV, _free_port
from bench.sync_push import pg_database

NAME = "idle_polls"
WAKES = 5
LOAD_KIOSKS = 20
LOAD_RATE = 50.0
WAIT = 25.0
IDLE_SPAN = 25.0
"""Seconds of pure idling measured (one whole wait: every poll is renewed once in it)."""


def _kiosks_admitted(db_url: str, kiosk_ids: list[int]) -> int:
    """How many of ``kiosk_ids`` had a signed request admitted (each stores its nonce): a
    kiosk's poll is held by the server from then on, until its wait runs out."""
    import psycopg

    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return int(conn.execute(
            "SELECT count(DISTINCT kiosk_id) FROM seen_nonces WHERE kiosk_id = ANY(%s)",
            (kiosk_ids,)).fetchone()[0])


def _admitted(db_url: str, kiosk_ids: list[int], limit: float) -> bool:
    """Wait (up to ``limit`` s) until every one of ``kiosk_ids`` had a poll admitted."""
    deadline = time.monotonic() + limit
    while _kiosks_admitted(db_url, kiosk_ids) < len(kiosk_ids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def _settle(pid: int, limit: float) -> float:
    """Wait (up to ``limit`` s) until the server uses under a fifth of a core; the seconds."""
    start = time.monotonic()
    last = tree_cpu_seconds(pid)
    while time.monotonic() - start < limit:
        time.sleep(1.0)
        now = tree_cpu_seconds(pid)
        if now - last < 0.2:
            break
        last = now
    return time.monotonic() - start


@contextmanager
def _server(db_url: str, key: Path) -> Iterator[tuple[str, int, subprocess.Popen]]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "distributor_server", "serve", "--db", db_url, "--key-file",
         str(key), "--port", str(port), "--no-sender"],
        env=ENV, cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("the server exited at start")
            try:
                if requests.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.1)
        yield url, port, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def add_idle_kiosks(ctx: Any, count: int) -> list[tuple[int, str, int]]:
    """``count`` kiosks in one insert, with no deposit and an empty feed (so their polls
    wait): [(kiosk_id, secret, cursor 0)]."""
    from distributor_server.clock import utcnow
    from distributor_server.models import Kiosk
    from sqlalchemy import insert

    now = utcnow()
    rows = [{"name": f"Idle {n}", "secret_generation": 1, "balance": 0, "ledger_seq": 0,
             "change_seq": 0, "active": True, "created_at": now} for n in range(count)]
    with ctx.db.write() as session:
        ids = list(session.execute(insert(Kiosk).returning(Kiosk.id), rows).scalars())
    return [(kid, ctx.secret_for(kid, 1), 0) for kid in ids]


def _kiosks(db_url: str, key: Path, idle: int) -> tuple[list[tuple[int, str, int]], list[dict]]:
    """``idle`` idle kiosks (:func:`add_idle_kiosks`) and LOAD_KIOSKS + WAKES funded ones."""
    from distributor_server.config import Settings
    from distributor_server.context import ServerContext
    from distributor_server.kiosks import create_kiosk, credit_deposit

    ctx = ServerContext(Settings.for_db(db_url, key))
    try:
        idle_creds = add_idle_kiosks(ctx, idle)
        funded = []
        for n in range(LOAD_KIOSKS + WAKES):
            c = create_kiosk(ctx, f"Funded {n}")
            credit_deposit(ctx, c.kiosk_id, 1_000_000_000)
            # cursor 1: past its deposit's feed row, so its poll waits
            funded.append({"kiosk_id": c.kiosk_id, "secret": c.secret, "cursor": 1})
        return idle_creds, funded
    finally:
        ctx.close()


def _submit(http: requests.Session, url: str, kiosk: dict) -> tuple[int, float]:
    from pulsa_protocol import signing

    ref = uuid.uuid4().hex
    body = json.dumps({"sku": "TSEL10", "destination": "081234567890"}).encode()
    path = f"/v1/topups/{ref}"
    headers = {"Content-Type": "application/json",
               **signing.sign_request(kiosk["kiosk_id"], kiosk["secret"], "PUT", path, body)}
    t0 = time.perf_counter()
    try:
        status = http.put(url + path, data=body, headers=headers, timeout=30).status_code
    except requests.RequestException:
        status = 0
    return status, time.perf_counter() - t0


def _paced_load(url: str, kiosks: list[dict], seconds: float) -> dict:
    """LOAD_RATE submits a second (open loop, 4 threads) for ``seconds``."""
    lat: list[float] = []
    bad: list[int] = []
    stop = time.monotonic() + seconds
    interval = 4 / LOAD_RATE

    def run(part: list[dict]) -> None:
        http = requests.Session()
        due = time.monotonic()
        n = 0
        while due < stop and time.monotonic() < stop:  # a saturated server ends it on time
            time.sleep(max(0.0, due - time.monotonic()))
            status, took = _submit(http, url, part[n % len(part)])
            n += 1
            (lat.append(took) if status == 201 else bad.append(status))
            due += interval

    threads = [threading.Thread(target=run, args=(kiosks[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
    return {"p99": p99, "n": len(lat), "bad": bad}


def _read_json(proc: subprocess.Popen, key: str, timeout: float) -> dict:
    """The client's next stdout line that has ``key`` (waiting up to ``timeout`` s)."""
    box: list[dict] = []

    def read() -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            data = json.loads(line)
            if key in data:
                box.append(data)
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    if not box:
        raise RuntimeError(f"the poll client gave no '{key}' within {timeout:.0f} s")
    return box[0]


def _idle_cost(client: subprocess.Popen, pid: int) -> dict[str, float]:
    """The server's CPU while only the idle polls run (renewals, feed reads, waiting) over
    IDLE_SPAN s: per second, and per renewed poll."""
    client.stdin.write("mark\n")  # type: ignore[union-attr]
    client.stdin.flush()  # type: ignore[union-attr]
    answered = _read_json(client, "mark", 60)["mark"]
    cpu = tree_cpu_seconds(pid)
    time.sleep(IDLE_SPAN)
    cpu = tree_cpu_seconds(pid) - cpu
    client.stdin.write("mark\n")  # type: ignore[union-attr]
    client.stdin.flush()  # type: ignore[union-attr]
    renewed = _read_json(client, "mark", 60)["mark"] - answered
    return {"idle_cpu_ms_per_s": cpu / IDLE_SPAN * 1000, "idle_renewed_per_s":
            renewed / IDLE_SPAN, "idle_cpu_ms_per_renewal": cpu * 1000 / max(1, renewed)}


def measure(idle_count: int, load_seconds: float) -> dict[str, Any]:
    with pg_database() as db_url, tempfile.TemporaryDirectory() as tmp:
        if db_url is None:
            return {}
        key = Path(tmp) / "master.key"
        idle_creds, funded = _kiosks(db_url, key, idle_count)
        load, wakers = funded[:LOAD_KIOSKS], funded[LOAD_KIOSKS:]
        with _server(db_url, key) as (url, port, server):
            _paced_load(url, load, 5.0)  # warm up: connections, prepared statements
            alone = _paced_load(url, load, load_seconds)  # the baseline: no polls open
            _settle(server.pid, 10)
            rss_before = tree_rss_kb(server.pid)
            client = subprocess.Popen([sys.executable, "-m", "bench.idle_poll_client"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                      env=ENV, cwd=REPO_DIR)
            try:
                creds = [*idle_creds, *((w["kiosk_id"], w["secret"], w["cursor"])
                                        for w in wakers)]
                client.stdin.write(json.dumps({"host": "127.0.0.1", "port": port,  # type: ignore[union-attr]
                                               "creds": creds, "wait": WAIT}) + "\n")
                client.stdin.flush()  # type: ignore[union-attr]
                t_open = time.monotonic()
                _read_json(client, "sent", 300)
                held = _admitted(db_url, [c[0] for c in creds], 240)
                opened_in = time.monotonic() - t_open
                settle = _settle(server.pid, 10)
                rss_idle = tree_rss_kb(server.pid)
                idle = _idle_cost(client, server.pid)
                client.stdin.write("mark\n")  # type: ignore[union-attr]
                client.stdin.flush()  # type: ignore[union-attr]
                answered_before = _read_json(client, "mark", 60)["mark"]
                t_idle = time.monotonic()
                busy = _paced_load(url, load, load_seconds)
                wake_lat: list[float] = []
                wrong: list[tuple[int, int]] = []
                wake_failed: list[int] = []
                http = requests.Session()
                for w in wakers:
                    t0 = time.time()
                    status, _took = _submit(http, url, w)
                    woke = _read_json(client, "woke", 60)
                    if woke["woke"] != w["kiosk_id"]:
                        wrong.append((w["kiosk_id"], woke["woke"]))
                    if status != 201:  # e.g. timed out (30 s) though it was stored
                        wake_failed.append(status)
                    wake_lat.append(woke["at"] - t0)
                client.stdin.write("stop\n")  # type: ignore[union-attr]
                client.stdin.flush()  # type: ignore[union-attr]
                done = _read_json(client, "done", 120)
                idle_span = time.monotonic() - t_idle
            finally:
                client.kill()
                client.wait(timeout=10)
    statuses = {int(k): v for k, v in done["statuses"].items()}
    return {**idle, "idle": idle_count, "opened_in": opened_in, "settle": settle, "held": held,
            "renewals_per_s": (statuses.get(200, 0) - answered_before - WAKES)
            / max(idle_span, 1e-9),
            "kb_per_poll": (rss_idle - rss_before) / max(1, idle_count + WAKES),
            "rss_before_mb": rss_before / 1024, "rss_idle_mb": rss_idle / 1024,
            "alone": alone, "busy": busy, "wake_median": statistics.median(wake_lat),
            "wake_max": max(wake_lat), "wrong": wrong, "statuses": statuses,
            "errors": done["error_count"] + sum(n for s, n in statuses.items() if s >= 500)
            + len(busy["bad"]) + len(alone["bad"]) + len(wake_failed),
            "first_errors": done["errors"][:3]
            + [f"{len(busy['bad'])} submits failed under load"] * bool(busy["bad"])
            + [f"{len(wake_failed)} wake-up submits failed"] * bool(wake_failed)}


def run(quick: bool) -> list[Result]:
    idle = 2000 if quick else 10_000
    m = measure(idle, 5.0 if quick else 10.0)
    if not m:
        return [Result(NAME, "skipped", 0, None, "count", "PostgreSQL needed", None,
                       "PostgreSQL is not reachable at 127.0.0.1:5432")]
    note = (f"{m['idle']} polls admitted in {m['opened_in']:.0f} s"
            f"{'' if m['held'] else ' (NOT all within 240 s)'}; RSS {m['rss_before_mb']:.0f} -> "
            f"{m['rss_idle_mb']:.0f} MB; {m['renewals_per_s']:.0f} polls/s renewed "
            f"(wait ran out); answers {m['statuses']}")
    return [
        Result(NAME, f"server memory per idle long poll ({idle} open)", m["kb_per_poll"], None,
               "KB", "reported", None, note),
        Result(NAME, f"server CPU while {idle} polls idle", m["idle_cpu_ms_per_s"], None,
               "ms/s", "reported", None,
               f"{m['idle_renewed_per_s']:.0f} polls renewed a second, "
               f"{m['idle_cpu_ms_per_renewal']:.2f} ms of CPU per renewal, over "
               f"{IDLE_SPAN:g} s with no other load"),
        Result(NAME, f"submit p99 at {LOAD_RATE:g}/s with {idle} polls open",
               m["busy"]["p99"] * 1000, m["alone"]["p99"] * 1000, "ms", "reported", None,
               "baseline: the same load with no polls open"),
        Result(NAME, f"wake-up: submit to that kiosk's poll answer ({WAKES}, median)",
               m["wake_median"] * 1000, None, "ms", "right kiosk every time",
               not m["wrong"], f"slowest {m['wake_max'] * 1000:.0f} ms; wrong {m['wrong']}"),
        Result(NAME, "errors (5xx, broken connections, failed submits)", m["errors"], None,
               "count", "0", m["errors"] == 0, "; ".join(m["first_errors"])),
    ]


if __name__ == "__main__":
    for result in run("--quick" in sys.argv):
        print(result)
