"""The back office at a big shop's scale (issue 9).

- Scan a barcode -> a checked cart line, with 50,000 goods (each with two barcodes): the
  catalogue's look-up plus ``SaleService.check_lines``; a bare dict look-up beside it.
- Import a 10,000-row goods CSV (dry run + apply, one transaction) against a bare
  ``executemany`` of the rows it writes (goods, their barcodes, their opening stock) on an
  equally empty kiosk; the goods rows alone are reported beside it.
- The low-stock list (with each item's 28-day sales rate) and the stock value, on 50,000
  goods and 1,000,000 stock movements.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core.clock import db_text
from kiosk_pos.core.goods_csv import GoodsCsv
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine
from kiosk_pos.core.setup import init_kiosk

NAME = "back_office"
GOODS = 50_000
MOVEMENTS = 1_000_000
IMPORT_ROWS = 10_000
SCAN_LIMIT_S = 0.001
IMPORT_RATIO = 3.0
LOW_LIMIT_S = 0.050
LOW_SHARE = 50  # one item in 50 is at or below its minimum


def _csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = ["sku;name;category;barcode;price;cost;min_stock;stock"]
    for i in range(rows):
        cost = rng.randrange(1_000, 200_000, 100)
        lines.append(f"B{i:06d};Barang nomor {i};Kategori {i % 40};{8990000000000 + i} "
                     f"Q{i:07d};{cost + cost // 4};{cost};{rng.randrange(0, 20)};"
                     f"{rng.randrange(0, 200)}")
    return ("\n".join(lines) + "\n").encode()


def _fresh(folder: Path) -> Kiosk:
    if folder.exists():
        shutil.rmtree(folder)
    return init_kiosk(folder, "Bench", "9999")


def _big_shop() -> Path:
    """A kiosk with 50,000 goods and 1,000,000 movements over 120 days, made once."""
    folder = DATA_DIR / f"back-office-{GOODS}-{MOVEMENTS}"
    if (folder / "kiosk.db").exists():
        return folder
    say(f"  generating {GOODS:,} goods and {MOVEMENTS:,} movements (once) ...")
    kiosk = _fresh(folder)
    owner = kiosk.users.authenticate("9999")
    GoodsCsv(kiosk.db, kiosk.catalog, kiosk.events).apply(owner, _csv(GOODS))
    kiosk.close()
    rng = random.Random(11)
    end = datetime.now(UTC)
    conn = sqlite3.connect(folder / "kiosk.db")
    try:
        stock = dict(conn.execute("SELECT id, stock FROM products"))
        ids = list(stock)
        batch = []
        for n in range(MOVEMENTS - len(ids)):  # mostly sales, a delivery when it runs low
            pid = rng.choice(ids)
            delta, reason = (-rng.randint(1, 3), "sale") if stock[pid] >= 3 else (48, "receive")
            stock[pid] += delta
            when = db_text(end - timedelta(minutes=rng.randrange(0, 120 * 24 * 60)))
            batch.append((pid, delta, stock[pid], reason, when))
            if len(batch) == 50_000 or n == MOVEMENTS - len(ids) - 1:
                conn.executemany("INSERT INTO stock_movements (product_id, delta, stock_after, "
                                 "reason, created_at) VALUES (?, ?, ?, ?, ?)", batch)
                batch.clear()
        conn.executemany("UPDATE products SET stock = ?, min_stock = ? WHERE id = ?",
                         [(s, s + 1 if pid % LOW_SHARE == 0 else 0, pid)
                          for pid, s in stock.items()])
        conn.commit()
    finally:
        conn.close()
    return folder


def _scan(kiosk: Kiosk, rounds: int) -> list[Result]:
    kiosk.catalog.invalidate()
    start = time.perf_counter()
    catalog = kiosk.catalog.catalog
    load_s = time.perf_counter() - start
    codes = [f"{8990000000000 + i}" for i in range(0, GOODS, 97)]
    codes += [f"Q{i:07d}" for i in range(0, GOODS, 89)]

    def scan(code: str) -> object:
        product = catalog.by_barcode[code]
        return kiosk.sales.check_lines([CartLine(product.sku, 1)])

    def bare(code: str) -> object:
        return catalog.by_barcode[code]

    scans, dicts = [], []
    for _ in range(rounds):
        for code in codes:
            t0 = time.perf_counter()
            bare(code)
            t1 = time.perf_counter()
            scan(code)
            t2 = time.perf_counter()
            dicts.append(t1 - t0)
            scans.append(t2 - t1)
    value = median(scans)
    return [
        Result(NAME, f"scan a barcode -> checked cart line, {GOODS:,} goods, median", value,
               median(dicts), "s", f"<= {SCAN_LIMIT_S * 1e3:g} ms", value <= SCAN_LIMIT_S,
               "baseline: bare dict look-up (reference only)"),
        Result(NAME, f"catalogue load with {GOODS:,} goods", load_s, None, "s", "reported",
               None, "after a goods change"),
    ]


def _import(rounds: int) -> list[Result]:
    data = _csv(IMPORT_ROWS, seed=3)
    rows = [line.split(";") for line in data.decode().splitlines()[1:]]
    ours, bare, products_only = [], [], []
    for _ in range(rounds):
        kiosk = _fresh(DATA_DIR / "back-office-import")
        owner = kiosk.users.authenticate("9999")
        service = GoodsCsv(kiosk.db, kiosk.catalog, kiosk.events)
        start = time.perf_counter()
        plan = service.dry_run(owner, data)
        service.apply(owner, data)
        ours.append(time.perf_counter() - start)
        assert len(plan.added) == IMPORT_ROWS and not plan.refused
        kiosk.close()
        kiosk = _fresh(DATA_DIR / "back-office-import")
        stamp = db_text(datetime.now(UTC))
        start = time.perf_counter()
        with kiosk.db.write_raw() as cur:
            cur.executemany(
                "INSERT INTO products (id, sku, name, kind, category, barcode, price, cost, "
                "min_stock, stock, active, updated_at, nominal) "
                "VALUES (?, ?, ?, 'physical', ?, ?, ?, ?, ?, ?, 1, ?, 0)",
                [(n, r[0], r[1], r[2], r[3].split()[0], int(r[4]), int(r[5]), int(r[6]),
                  int(r[7]), stamp) for n, r in enumerate(rows, start=1)])
        products_only.append(time.perf_counter() - start)
        with kiosk.db.write_raw() as cur:
            cur.executemany("INSERT INTO product_barcodes (product_id, barcode) VALUES (?, ?)",
                            [(n, code) for n, r in enumerate(rows, start=1)
                             for code in r[3].split()])
            cur.executemany(
                "INSERT INTO stock_movements (product_id, delta, stock_after, reason, "
                "created_at) VALUES (?, ?, ?, 'opening', ?)",
                [(n, int(r[7]), int(r[7]), stamp) for n, r in enumerate(rows, start=1)
                 if int(r[7])])
        bare.append(time.perf_counter() - start)
        kiosk.close()
    return [
        ratio_result(NAME, f"import {IMPORT_ROWS:,} CSV rows (dry run + apply), median",
                     median(ours), median(bare), "s", IMPORT_RATIO,
                     note="baseline: bare executemany of the rows the import writes: goods, "
                          "their barcodes, their opening stock"),
        Result(NAME, "the same import against the goods rows alone", median(ours),
               median(products_only), "s", "reported", None,
               "baseline: bare executemany into products only"),
    ]


def _low(kiosk: Kiosk, rounds: int) -> list[Result]:
    lows, values, counts = [], [], []
    found = kiosk.stock.low_stock()
    for _ in range(rounds):
        t0 = time.perf_counter()
        kiosk.stock.low_stock()
        t1 = time.perf_counter()
        kiosk.stock.value()
        t2 = time.perf_counter()
        with kiosk.db.read_raw() as cur:
            cur.execute("SELECT count(*) FROM products").fetchone()
        t3 = time.perf_counter()
        lows.append(t1 - t0)
        values.append(t2 - t1)
        counts.append(t3 - t2)
    say(f"  {len(found)} goods low (the list is bounded at 500)")
    low, value = median(lows), median(values)
    return [
        Result(NAME, f"low-stock list, {GOODS:,} goods / {MOVEMENTS:,} movements, median", low,
               median(counts), "s", f"<= {LOW_LIMIT_S * 1e3:g} ms", low <= LOW_LIMIT_S,
               "baseline: count(*) of products (reference only)"),
        Result(NAME, f"stock value on {GOODS:,} goods, median", value, median(counts), "s",
               f"<= {LOW_LIMIT_S * 1e3:g} ms", value <= LOW_LIMIT_S,
               "baseline: count(*) of products (reference only)"),
    ]


def run(quick: bool) -> list[Result]:
    rounds = 2 if quick else 5
    results = _import(1 if quick else 3)
    kiosk = Kiosk.open(_big_shop())
    try:
        results += _scan(kiosk, rounds)
        results += _low(kiosk, rounds * 4)
    finally:
        kiosk.close()
    return results
