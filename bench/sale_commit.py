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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.common import DATA_DIR, Result, median, ratio_result, say
from kiosk_pos.core import sales as sale_sql
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import DEMO_CLERK, DEMO_OWNER_PIN, init_kiosk
from kiosk_pos.core.shifts import shift_for_sale
from kiosk_pos.store.database import PRAGMAS

NAME = "sale_commit"
TARGET_RATIO = 2.0
BATCH = 25
SKU, DESTINATION = "TSEL10", "081234567890"
SHIFT_MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


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


class RawSale:
    """The statements ``sell`` runs for a one-line top-up, with fixed values: the floor for
    this schema, on a sqlite3 connection of its own to the same kiosk database."""

    def __init__(self, path: Path, clerk_id: int, product_id: int) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in PRAGMAS:
            self.conn.execute(pragma)
        self.clerk_id, self.product_id = clerk_id, product_id
        self.n = 0

    def __call__(self) -> float:
        start = time.perf_counter()
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        self.statements(cur)
        cur.execute("COMMIT")
        return time.perf_counter() - start

    def in_database_write(self, kiosk: Kiosk) -> float:
        """The same statements inside ``Database.write()`` (SQLAlchemy begin/commit)."""
        start = time.perf_counter()
        with kiosk.db.write() as conn:
            self.statements(conn.connection.driver_connection.cursor())  # type: ignore[union-attr]
        return time.perf_counter() - start

    def statements(self, cur: sqlite3.Cursor) -> None:
        self.n += 1
        stamp, ref = "2026-01-01 00:00:00.000000", f"00000000-0000-4000-8000-{self.n:012d}"
        shift_id = shift_for_sale(cur, SHIFT_MOMENT, SHIFT_MOMENT.date())  # its 2 look-ups
        balance = cur.execute(sale_sql._SQL_BALANCE).fetchone()[0]
        sale_id = cur.execute(sale_sql._SQL_SALE, (stamp, "2026-01-01", self.clerk_id, "cash",
                                                    12000, 12000, 0)).lastrowid
        cur.execute(sale_sql._SQL_SHIFT_SALE, (sale_id, shift_id))
        line_id = cur.execute(sale_sql._SQL_LINE, (sale_id, self.product_id, SKU, "x", "pulsa",
                                                   "telkomsel", 1, 12000, 10350,
                                                   DESTINATION)).lastrowid
        topup_id = cur.execute(sale_sql._SQL_TOPUP, (line_id, ref, SKU, DESTINATION, 10350,
                                                     "queued", stamp, stamp)).lastrowid
        cur.execute(sale_sql._SQL_EVENT, (topup_id, "queued", stamp))
        cur.execute(sale_sql._SQL_OUTBOX, (topup_id, ref, sale_sql.outbox_payload(
            ref, SKU, DESTINATION, 10350, stamp), stamp))
        cur.execute(sale_sql._SQL_LEDGER, (stamp, -10350, balance - 10350, "topup", ref,
                                           sale_id))

def wal_pages_per_commit(conn: sqlite3.Connection, commit: Callable[[], object],
                         commits: int = 10) -> float:
    """WAL frames one ``commit()`` writes (each frame is a page plus a 24-byte header)."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    wal = Path(conn.execute("PRAGMA database_list").fetchone()[2] + "-wal")
    for _ in range(commits):
        commit()
    return (wal.stat().st_size - 32) / (page + 24) / commits


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
        raw = RawSale(work / "kiosk" / DB_FILENAME, clerk.id, kiosk.catalog.catalog.get(SKU).id
                      or 0)
        pages = wal_pages_per_commit(raw.conn, raw)
        bare_pages = wal_pages_per_commit(bare, lambda: _bare_insert(bare))
        cart = [CartLine(SKU, 1, DESTINATION)]
        payment = Payment(PaymentMethod.CASH, None)

        def sell() -> float:
            start = time.perf_counter()
            kiosk.sales.sell(clerk, cart, payment)
            return time.perf_counter() - start

        def insert() -> float:
            return _bare_insert(bare)

        def wrapped() -> float:
            return raw.in_database_write(kiosk)

        for _ in range(10):  # warm caches, the catalogue, every file's WAL
            sell()
            insert()
            raw()
            wrapped()
        times: dict[object, list[float]] = {sell: [], insert: [], raw: [], wrapped: []}
        order = list(times)
        for i in range(rounds):
            # Rotate which side goes first too, so drift within a round is shared.
            for fn in order[i % 4:] + order[:i % 4]:
                times[fn].extend(fn() for _ in range(BATCH))  # type: ignore[operator]
        sale_times = times[sell]
        sale_med, bare_med, raw_med, wrapped_med = (
            median(times[f]) for f in (sell, insert, raw, wrapped))
        say(f"  {len(sale_times)} each of sell(), bare commit, the sale's statements raw and "
            f"inside Database.write(), in {rounds} rotating rounds of {BATCH}; "
            f"a sale commit writes {pages:.1f} WAL pages")
        sorted_sales = sorted(sale_times)
        p90 = sorted_sales[int(len(sorted_sales) * 0.9)]
        return [ratio_result(NAME, "sell() one electronic line, median", sale_med, bare_med, "s",
                             TARGET_RATIO, note=f"p90 {p90 * 1e3:.2f} ms; baseline: bare "
                             "INSERT+COMMIT, WAL, synchronous=FULL, same dir"),
                Result(NAME, "the sale's statements, raw sqlite3 (schema floor)", raw_med,
                       bare_med, "s", "reported", None,
                       f"same file, own connection; {pages:.1f} WAL pages per commit vs "
                       f"{bare_pages:.1f} for the bare row; baseline: bare INSERT+COMMIT"),
                Result(NAME, "the sale's statements inside Database.write()", wrapped_med,
                       bare_med, "s", "reported", None,
                       f"SQLAlchemy begin/commit adds {(wrapped_med - raw_med) * 1e6:.0f} us; "
                       f"sell()'s own Python adds {(sale_med - wrapped_med) * 1e6:.0f} us")]
    finally:
        bare.close()
        kiosk.close()
        shutil.rmtree(work, ignore_errors=True)
