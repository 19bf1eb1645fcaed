"""200 concurrent kiosks against one distributor server for 60 s (``--quick``: 10 s).

The server runs in its own process (``start_embedded`` in a child Python), and the kiosks
run as threads spread over CLIENT_PROCESSES further processes: 200 client threads in one
Python measured their own GIL queue more than the server. Each kiosk has its own signed
``DistributorClient`` doing what a busy counter does, in a loop: submit one top-up
(``PUT /v1/topups/{ref_id}``), read its status, read the balance. Reported: p50 and p99
latency of every request and the error count (target: zero errors). PostgreSQL is used when
reachable at 127.0.0.1:5432 (what a distributor deploys), SQLite otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import stop_server_child
from bench.sync_push import pg_database, print_rows, row

NAME = "sync_load"
KIOSKS = 200
SECONDS = 60.0
QUICK_SECONDS = 10.0
CLIENT_PROCESSES = 4

_CLIENTS = """
import json, sys, threading, time
from types import SimpleNamespace
from bench.sync_load import _kiosk_loop
url, seconds = sys.argv[1], float(sys.argv[2])
creds = [SimpleNamespace(**c) for c in json.loads(sys.stdin.readline())]
sys.stdin.readline()  # go
stop = threading.Event()
lat = [[] for _ in creds]
errors = []
threads = [threading.Thread(target=_kiosk_loop, args=(url, c, stop, lat[i], errors), daemon=True)
           for i, c in enumerate(creds)]
for t in threads:
    t.start()
time.sleep(seconds)
stop.set()
for t in threads:
    t.join(timeout=60)
print(json.dumps({"latencies": [x for part in lat for x in part], "errors": errors}))
"""

_CHILD = """
import sys, time
from distributor_server.embedded import start_embedded
h = start_embedded(sys.argv[1], key_file=sys.argv[2], simulator_latency=0.0,
                   simulator_pending_seconds=0.2, poll_base_seconds=0.05,
                   rate_limits={"default": 0})
print(h.url, flush=True)
sys.stdin.read()
h.stop()
"""


def _kiosk_loop(url: str, creds: Any, stop: threading.Event, latencies: list[float],
                errors: list[str]) -> None:
    from pulsa_protocol import wire

    from kiosk_pos.sync.client import DistributorClient

    client = DistributorClient(url, creds.kiosk_id, creds.secret, timeout=(5.0, 30.0),
                               retries=0)
    i = 0
    try:
        while not stop.is_set():
            ref = uuid.uuid4().hex
            steps = (
                lambda r=ref, n=i: client.submit_topup(wire.TopUpRequest(
                    ref_id=r, sku="TSEL10", destination=f"08123{n % 10_000_000:07d}")),
                lambda r=ref: client.get_topup(r),
                client.balance,
            )
            for step in steps:
                t0 = time.perf_counter()
                try:
                    step()
                except Exception as exc:  # counted, never hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                else:
                    latencies.append(time.perf_counter() - t0)
            i += 1
    finally:
        client.close()


def run(db_url: str, folder: Path, kiosks: int, seconds: float) -> dict[str, Any]:
    from distributor_server.embedded import create_kiosk, credit_deposit

    key = folder / "master.key"
    creds = []
    for n in range(kiosks):
        c = create_kiosk(db_url, f"Load {n}", key_file=key)
        credit_deposit(db_url, c.kiosk_id, 1_000_000_000, key_file=key)
        creds.append(c)
    env = dict(os.environ)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, db_url, str(key)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        url = (child.stdout.readline() if child.stdout else "").strip()
        if not url.startswith("http"):
            raise RuntimeError("the load server did not start")
        repo = str(Path(__file__).resolve().parent.parent)
        clients = [subprocess.Popen([sys.executable, "-c", _CLIENTS, url, str(seconds)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    env=dict(env, PYTHONPATH=repo), cwd=repo)
                   for _ in range(CLIENT_PROCESSES)]
        for i, proc in enumerate(clients):
            share = [{"kiosk_id": c.kiosk_id, "secret": c.secret}
                     for c in creds[i::CLIENT_PROCESSES]]
            proc.stdin.write(json.dumps(share) + "\n")  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
        for proc in clients:  # start them together: the measured window itself
            proc.stdin.write("go\n")  # type: ignore[union-attr]
            proc.stdin.close()  # type: ignore[union-attr]
        flat: list[float] = []
        errors: list[str] = []
        for proc in clients:
            out = proc.stdout.read()  # type: ignore[union-attr]
            proc.wait(timeout=120)
            part = json.loads(out.strip().splitlines()[-1])
            flat += part["latencies"]
            errors += part["errors"]
        flat.sort()
        return {"requests": len(flat), "errors": errors, "seconds": seconds,
                "p50": flat[len(flat) // 2] if flat else float("nan"),
                "p99": flat[min(len(flat) - 1, int(len(flat) * 0.99))] if flat else float("nan")}
    finally:
        stop_server_child(child)


def main(quick: bool = False) -> list[dict[str, Any]]:
    seconds = QUICK_SECONDS if quick else SECONDS
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sync-load-") as tmp, pg_database() as pg:
        backend = "postgres" if pg else "sqlite"
        url = pg or f"sqlite:///{Path(tmp) / 'server.sqlite3'}"
        out = run(url, Path(tmp), KIOSKS, seconds)
        n_err = len(out["errors"])
        note = (f"{KIOSKS} kiosks in {CLIENT_PROCESSES} client processes, {seconds:g} s, "
                f"{backend}, closed loop without think time: latency = queueing at "
                f"saturation")
        rows.append(row("load throughput", out["requests"] / seconds, "req/s", None, "-", None,
                        f"{out['requests']} requests"))
        rows.append(row("load p50 latency", out["p50"], "s", None, "-", None, note))
        rows.append(row("load p99 latency", out["p99"], "s", None, "-", None))
        rows.append(row("load errors", float(n_err), "", None, "== 0", n_err == 0,
                        out["errors"][0][:160] if n_err else ""))
    print_rows(rows)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
