"""A busy counter never waits for the sync: sell() while the kiosk pulls, on a long history.

For each history size (datagen: 10k and 1M sales; ``--quick``: 10k and 100k) a copy of the
generated kiosk is connected to an embedded distributor server running in a child process
(so the server's own threads do not queue on this process's GIL). Measured:

- first sync: the kiosk's first ``pull`` with its whole history unsynced (every local
  ledger row without a ``server_seq``): the ledger mirror's balance check and the one-time
  opening alignment. Reported with the ratio to 10k.
- sell() median and p99 while a sync thread loops relay + pull (no long-poll wait: far more
  often than the app's 15 s) so the mirror's balance check runs again and again, against
  sell() with sync off, in alternating rounds. Target: median <= 1.2x, p99 <= 50 ms.
  Before this run the history is marked as mirrored (``server_seq = -id``, never a server's
  number): a kiosk that has synced all along.
- reconcile of today (the sales made above, all on the server) on the 1M-sale history
  against the same on the 10k one. Target: <= 1.2x.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import datagen
from bench.common import DATA_DIR, Result, ratio_result, say, stop_server_child

NAME = "sync_busy_counter"
SIZES = (datagen.SMALL, datagen.LARGE)
QUICK_SIZES = (datagen.SMALL, 100_000)
MEDIAN_RATIO = 1.2
P99_LIMIT = 0.050
RECONCILE_RATIO = 1.2
SERVER_CREDIT = 10**12

_CHILD = """
import sys
from distributor_server.embedded import start_embedded
h = start_embedded(sys.argv[1], key_file=sys.argv[2], simulator_latency=0.0,
                   simulator_pending_seconds=0.2, poll_base_seconds=0.05)
print(h.url, flush=True)
sys.stdin.read()
h.stop()
"""


@contextmanager
def _server(folder: Path, kiosks: int) -> Iterator[tuple[str, list[Any]]]:
    """(url, credentials) of a server in a child process with ``kiosks`` funded accounts."""
    from distributor_server.embedded import create_kiosk, credit_deposit

    db_url, key = f"sqlite:///{folder / 'server.sqlite3'}", folder / "master.key"
    creds = []
    for n in range(kiosks):
        c = create_kiosk(db_url, f"Busy {n}", key_file=key)
        credit_deposit(db_url, c.kiosk_id, SERVER_CREDIT, key_file=key)
        creds.append(c)
    child = subprocess.Popen([sys.executable, "-c", _CHILD, db_url, str(key)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = (child.stdout.readline() if child.stdout else "").strip()
        if not url.startswith("http"):
            raise RuntimeError("the distributor server did not start")
        yield url, creds
    finally:
        stop_server_child(child)


def _copy(n_sales: int) -> Path:
    """A private copy of the generated kiosk (through SQLite's backup API)."""
    source = datagen.ensure_database(n_sales) / datagen.DB_FILENAME
    folder = DATA_DIR / NAME / f"sales-{n_sales}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(folder / datagen.DB_FILENAME)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return folder


def _mark_mirrored(folder: Path) -> None:
    conn = sqlite3.connect(folder / datagen.DB_FILENAME)
    try:
        with conn:
            conn.execute("UPDATE deposit_ledger SET server_seq = -id WHERE server_seq IS NULL")
        # a million updated rows sit in the WAL: fold them into the file, or every later read
        # pays for searching a huge WAL index (the kiosk's own commits are small)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


class _SyncLoop:
    """What the sync service does, without its waits: relay, then pull to the end."""

    def __init__(self, kiosk: Any, client: Any) -> None:
        self.kiosk, self.client = kiosk, client
        self.stop = threading.Event()
        self.pulls = 0
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from kiosk_pos.sync.pull import pull
        from kiosk_pos.sync.relay import relay_once

        while not self.stop.is_set():
            try:
                relay_once(self.kiosk, self.client)
                if pull(self.kiosk, self.client, keep_going=lambda: not self.stop.is_set()
                        ).complete:
                    self.pulls += 1
            except Exception as exc:  # counted and reported, never hidden
                self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.1)

    def __enter__(self) -> _SyncLoop:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=600)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _measure(n_sales: int, url: str, creds: Any, rounds: int, batch: int) -> dict[str, Any]:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import CartLine, Payment
    from kiosk_pos.core.setup import DEMO_CLERK, DEMO_OWNER_PIN
    from kiosk_pos.sync.client import DistributorClient
    from kiosk_pos.sync.config import SyncConfig, save_config
    from kiosk_pos.sync.pull import pull
    from kiosk_pos.sync.reconcile import reconcile_day
    from kiosk_pos.sync.relay import relay_all

    folder = _copy(n_sales)
    client = DistributorClient(url, creds.kiosk_id, creds.secret, timeout=(3.05, 600.0))
    out: dict[str, Any] = {}
    try:
        kiosk = Kiosk.open(folder)
        try:
            save_config(kiosk, SyncConfig(url, creds.kiosk_id, creds.secret),
                        kiosk.users.authenticate(DEMO_OWNER_PIN))
            t0 = time.perf_counter()
            pull(kiosk, client)
            out["first_sync"] = time.perf_counter() - t0
        finally:
            kiosk.close()
        _mark_mirrored(folder)
        kiosk = Kiosk.open(folder)
        try:
            clerk = kiosk.users.authenticate(DEMO_CLERK[1])
            cart, payment = [CartLine("TSEL10", 1, "081234567890")], Payment()

            def sells() -> list[float]:
                times = []
                for _ in range(batch):
                    t = time.perf_counter()
                    kiosk.sales.sell(clerk, cart, payment)
                    times.append(time.perf_counter() - t)
                return times

            sells()  # warm the catalogue, the WAL, the connections
            off: list[float] = []
            on: list[float] = []
            pulls, errors = 0, []
            for r in range(rounds):
                if r % 2:
                    off += sells()
                with _SyncLoop(kiosk, client) as loop:
                    deadline = time.monotonic() + 600
                    while loop.pulls == 0 and not loop.errors and time.monotonic() < deadline:
                        time.sleep(0.01)  # one full pull (and balance check) first
                    on += sells()
                pulls, errors = pulls + loop.pulls, errors + loop.errors
                if not r % 2:
                    off += sells()
            relay_all(kiosk, client, batch_size=1000)
            pull(kiosk, client)
            recs = []
            for _ in range(rounds):
                t = time.perf_counter()
                result = reconcile_day(kiosk, client)
                recs.append(time.perf_counter() - t)
            out.update(off=off, on=on, pulls=pulls, errors=errors,
                       reconcile=statistics.median(recs), matched=len(result.matched))
        finally:
            kiosk.close()
    finally:
        client.close()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def run(quick: bool, sizes: tuple[int, ...] | None = None) -> list[Result]:
    import tempfile

    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    rounds, batch = (4, 20) if quick else (8, 30)
    found: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-busy-") as tmp:
        with _server(Path(tmp), len(sizes)) as (url, creds):
            for n, c in zip(sizes, creds, strict=True):
                say(f"  {n:,} sales of history ...")
                found[n] = _measure(n, url, c, rounds, batch)
                f = found[n]
                say(f"    first sync {f['first_sync']:.3f} s; sell() off median "
                    f"{statistics.median(f['off']) * 1e3:.2f} ms, during sync "
                    f"{statistics.median(f['on']) * 1e3:.2f} ms (p99 "
                    f"{_p99(f['on']) * 1e3:.2f} ms) over {f['pulls']} complete pulls; "
                    f"reconcile {f['reconcile'] * 1e3:.1f} ms; errors {len(f['errors'])}")
    results: list[Result] = []
    for n, f in found.items():
        on_med, off_med = statistics.median(f["on"]), statistics.median(f["off"])
        note = (f"{len(f['on'])} sales during {f['pulls']} complete pulls (each with the "
                f"balance check), {len(f['off'])} with sync off"
                + (f"; sync errors: {f['errors'][0][:120]}" if f["errors"] else ""))
        results.append(ratio_result(NAME, f"sell() median during pulls, {n:,} sales", on_med,
                                    off_med, "s", MEDIAN_RATIO, note=note))
        on_p99, off_p99 = _p99(f["on"]), _p99(f["off"])
        results.append(Result(NAME, f"sell() p99 during pulls, {n:,} sales", on_p99, off_p99,
                              "s", f"<= {P99_LIMIT * 1e3:g} ms", on_p99 <= P99_LIMIT))
    small, big = sizes[0], sizes[-1]
    if big != small:
        results.append(ratio_result(
            NAME, f"reconcile of one day, {big:,} vs {small:,} sales of history",
            found[big]["reconcile"], found[small]["reconcile"], "s", RECONCILE_RATIO,
            note=f"today's {found[big]['matched']} matched top-ups, both on the server"))
    for n in sizes:
        results.append(Result(NAME, f"first sync, {n:,} unsynced sales of history",
                              found[n]["first_sync"],
                              found[small]["first_sync"] if n != small else None, "s",
                              "reported", None, "baseline: the same at 10k" if n != small
                              else ""))
    return results
