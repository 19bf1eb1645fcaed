"""Sale commit: one-line electronic sale vs a bare sqlite3 INSERT+COMMIT on the same disk.

``SaleService.sell`` writes the sale, its line, the top-up, its first event, the
outbox row and the deposit ledger row in one BEGIN IMMEDIATE transaction, committed
with ``synchronous=FULL`` in WAL mode. The baseline is the least a durable write can
cost here: one row, same pragmas, same directory. The two are measured in alternate
batches so that disk noise lands on both.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path

from bench.common import DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import DEMO_CLERK, DEMO_OWNER_PIN, init_kiosk
from kiosk_pos.store.database import PRAGMAS

NAME = "sale_commit"
TARGET_RATIO = 2.0
BATCH = 25
SKU, DESTINATION = "TSEL10", "081234567890"


def _bare_connection(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, created_at TEXT, "
                 "amount INTEGER NOT NULL)")
    return conn


def _bare_insert(conn: sqlite3.Connection) -> float:
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t (created_at, amount) VALUES (?, ?)",
                 ("2026-01-01 00:00:00.000000", 12000))
    conn.execute("COMMIT")
    return time.perf_counter() - start


def run(quick: bool) -> list[Result]:
    rounds = 4 if quick else 12
    work = DATA_DIR / "sale_commit"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    kiosk = init_kiosk(work / "kiosk", "Bench Kiosk", DEMO_OWNER_PIN, demo=True)
    bare = _bare_connection(work / "bare.db")
    try:
        clerk = kiosk.users.authenticate(DEMO_CLERK[1])
        kiosk.deposit.credit(10**12, reference="bench")
        cart = [CartLine(SKU, 1, DESTINATION)]
        payment = Payment(PaymentMethod.CASH, None)

        def sell() -> float:
            start = time.perf_counter()
            kiosk.sales.sell(clerk, cart, payment)
            return time.perf_counter() - start

        for _ in range(10):  # warm caches, the catalogue, both files' WAL
            sell()
            _bare_insert(bare)
        sale_times: list[float] = []
        bare_times: list[float] = []
        for i in range(rounds):
            # Alternate which side goes first too, so drift within a round is shared.
            order = (sell, lambda: _bare_insert(bare))
            for fn in order if i % 2 == 0 else order[::-1]:
                target = sale_times if fn is sell else bare_times
                target.extend(fn() for _ in range(BATCH))
        sale_med, bare_med = median(sale_times), median(bare_times)
        say(f"  {len(sale_times)} sales and {len(bare_times)} bare commits in "
            f"{rounds} alternating rounds of {BATCH}")
        sorted_sales = sorted(sale_times)
        p90 = sorted_sales[int(len(sorted_sales) * 0.9)]
        return [ratio_result(NAME, "sell() one electronic line, median", sale_med, bare_med, "s",
                             TARGET_RATIO, note=f"p90 {p90 * 1e3:.2f} ms; baseline: bare "
                             "INSERT+COMMIT, WAL, synchronous=FULL, same dir")]
    finally:
        bare.close()
        kiosk.close()
        shutil.rmtree(work, ignore_errors=True)
