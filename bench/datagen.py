"""Kiosk databases with years of sales history, generated fast and kept between runs.

The schema, the owner, the demo catalogue and clerks come from the real code
(``init_kiosk``); the history is bulk-inserted with the raw sqlite3 module in big
transactions, journal and fsync off, in exactly the text formats SQLAlchemy's SQLite
types use (DateTime ``YYYY-MM-DD HH:MM:SS.ffffff`` naive UTC, Date ``YYYY-MM-DD``).
WAL is restored at the end. Every day is generated from its own seed, so the same
day holds the same sales in a small and in a large database: comparing a report on
both measures the history behind it, nothing else.

A database is reused while ``generator.json`` beside it names the same VERSION.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import DATA_DIR, say
from kiosk_pos.core.kiosk import DB_FILENAME
from kiosk_pos.core.records import Product, ProductKind, Role, TopUpStatus
from kiosk_pos.core.sales import outbox_payload
from kiosk_pos.core.setup import DEMO_OWNER_PIN, init_kiosk

VERSION = 1
LARGE, SMALL = 1_000_000, 10_000  # five years of a busy kiosk; three weeks
END_DATE = date(2026, 10, 31)  # the newest day of history; fixed so runs are comparable
TIMEZONE = "Asia/Jakarta"
MEAN_SALES_PER_DAY = 550
EXTRA_CLERKS = (("Siti", "2222"), ("Budi", "3333"), ("Rina", "4444"))
CHUNK_DAYS = 30

# Share of sales by what they sell; physical sales carry 1-3 lines of goods.
KIND_MIX = ((ProductKind.PULSA, 45), (ProductKind.DATA, 24), (ProductKind.PLN, 10),
            (ProductKind.EWALLET, 6), (ProductKind.PHYSICAL, 15))
PAYMENT_MIX = (("cash", 72), ("qris", 20), ("transfer", 8))
# Local opening hours 07-22 with an evening peak.
HOUR_WEIGHTS = {7: 3, 8: 5, 9: 6, 10: 6, 11: 6, 12: 7, 13: 6, 14: 5, 15: 6, 16: 7, 17: 8,
                18: 9, 19: 10, 20: 9, 21: 6, 22: 3}
FAILED_SHARE = 0.025

_SALE = ("INSERT INTO sales (id, created_at, business_date, clerk_id, payment_method, total, "
         "cash_given, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_LINE = ("INSERT INTO sale_lines (id, sale_id, product_id, sku, name, kind, operator, qty, "
         "unit_price, unit_cost, destination) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_TOPUP = ("INSERT INTO topups (id, sale_line_id, ref_id, sku, destination, cost, status, sn, "
          "message, server_price, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_EVENT = ("INSERT INTO topup_events (topup_id, status, sn, message, source, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)")
_OUTBOX = ("INSERT INTO outbox (topup_id, ref_id, payload, created_at, attempts, "
           "last_attempt_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
_LEDGER = ("INSERT INTO deposit_ledger (created_at, amount, balance_after, reason, reference, "
           "sale_id) VALUES (?, ?, ?, ?, ?, ?)")
_MOVEMENT = ("INSERT INTO stock_movements (product_id, delta, stock_after, reason, sale_id, "
             "created_at) VALUES (?, ?, ?, 'sale', ?, ?)")


@dataclass
class _Ids:
    sale: int
    line: int
    topup: int
    balance: int


@dataclass
class _Rows:
    sales: list[tuple]
    lines: list[tuple]
    topups: list[tuple]
    events: list[tuple]
    outbox: list[tuple]
    ledger: list[tuple]
    movements: list[tuple]

    @classmethod
    def empty(cls) -> _Rows:
        return cls([], [], [], [], [], [], [])


def data_dir_for(n_sales: int) -> Path:
    return DATA_DIR / f"sales-{n_sales}"


def ensure_database(n_sales: int) -> Path:
    """The kiosk data dir holding ``n_sales`` sales of history, generated if needed."""
    folder = data_dir_for(n_sales)
    stamp = folder / "generator.json"
    wanted = {"version": VERSION, "sales": n_sales, "end_date": END_DATE.isoformat()}
    if stamp.exists() and (folder / DB_FILENAME).exists():
        try:
            if {k: v for k, v in json.loads(stamp.read_text()).items() if k in wanted} == wanted:
                return folder
        except ValueError:
            pass
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    say(f"  generating {n_sales:,} sales in {folder} (generator v{VERSION}) ...")
    days = generate(folder, n_sales)
    took = time.perf_counter() - started
    size = (folder / DB_FILENAME).stat().st_size / 2**20
    say(f"  generated {n_sales:,} sales over {days} days in {took:.1f} s ({size:.0f} MiB)")
    stamp.write_text(json.dumps({**wanted, "days": days, "seconds": round(took, 1),
                                 "mib": round(size)}))
    return folder


def _setup(folder: Path) -> tuple[list[int], dict[ProductKind, list[Product]]]:
    kiosk = init_kiosk(folder, "Konter Bench", DEMO_OWNER_PIN, demo=True)
    try:
        for name, pin in EXTRA_CLERKS:
            kiosk.users.add(name, Role.CLERK, pin)
        clerks = [u.id for u in kiosk.users.list()]
        by_kind: dict[ProductKind, list[Product]] = {k: [] for k in ProductKind}
        for p in kiosk.catalog.catalog.by_sku.values():
            by_kind[p.kind].append(p)
        for kind in by_kind:
            by_kind[kind].sort(key=lambda p: p.sku)
    finally:
        kiosk.close()
    return clerks, by_kind


def generate(folder: Path, n_sales: int) -> int:
    """Create the kiosk in ``folder`` and add ``n_sales`` sales ending on END_DATE."""
    return generate_days(folder, list(_day_plan(n_sales)))


def generate_days(folder: Path, plan: list[tuple[date, int]]) -> int:
    """Create the kiosk in ``folder`` with ``plan``'s (day, sales that day), oldest first."""
    clerks, by_kind = _setup(folder)
    conn = sqlite3.connect(folder / DB_FILENAME, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-1000000")
        conn.execute("PRAGMA temp_store=MEMORY")
        ids = _Ids(
            sale=conn.execute("SELECT coalesce(max(id), 0) FROM sales").fetchone()[0],
            line=conn.execute("SELECT coalesce(max(id), 0) FROM sale_lines").fetchone()[0],
            topup=conn.execute("SELECT coalesce(max(id), 0) FROM topups").fetchone()[0],
            balance=conn.execute("SELECT balance_after FROM deposit_ledger "
                                 "ORDER BY id DESC LIMIT 1").fetchone()[0],
        )
        zone = ZoneInfo(TIMEZONE)
        for start in range(0, len(plan), CHUNK_DAYS):
            rows = _Rows.empty()
            for day, count in plan[start:start + CHUNK_DAYS]:
                _make_day(rows, ids, day, count, zone, clerks, by_kind)
            conn.execute("BEGIN")
            conn.executemany(_SALE, rows.sales)
            conn.executemany(_LINE, rows.lines)
            conn.executemany(_TOPUP, rows.topups)
            conn.executemany(_EVENT, rows.events)
            conn.executemany(_OUTBOX, rows.outbox)
            conn.executemany(_LEDGER, rows.ledger)
            conn.executemany(_MOVEMENT, rows.movements)
            conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
    finally:
        conn.close()
    return len(plan)


def _day_plan(n_sales: int) -> Iterator[tuple[date, int]]:
    """(day, sales that day), oldest first, ending on END_DATE, summing to ``n_sales``."""
    plan: list[tuple[date, int]] = []
    left, day = n_sales, END_DATE
    while left > 0:
        rng = random.Random(f"count-{day.isoformat()}")
        weekend = day.weekday() >= 5
        count = min(left, int(rng.gauss(MEAN_SALES_PER_DAY * (1.1 if weekend else 0.96), 45)))
        plan.append((day, count))
        left -= count
        day -= timedelta(days=1)
    return reversed(plan)


def _pick(rng: random.Random, mix: tuple) -> object:
    return rng.choices([k for k, _ in mix], [w for _, w in mix])[0]


def _destination(rng: random.Random, p: Product, prefixes: dict[str, list[str]]) -> str:
    if p.kind is ProductKind.PLN:
        return str(rng.randrange(10**10, 10**11))
    if p.kind is ProductKind.EWALLET:
        return "08" + str(rng.randrange(10**9, 10**10))
    return rng.choice(prefixes[p.operator or ""]) + str(rng.randrange(10**7, 10**8))


def _prefixes() -> dict[str, list[str]]:
    from kiosk_pos.core.phone import default_prefix_table

    out: dict[str, list[str]] = {}
    for prefix, code in default_prefix_table().prefixes().items():
        out.setdefault(code, []).append(prefix)
    return out


_PREFIXES: dict[str, list[str]] = {}


def _make_day(rows: _Rows, ids: _Ids, day: date, count: int, zone: ZoneInfo,
              clerks: list[int], by_kind: dict[ProductKind, list[Product]]) -> None:
    if not _PREFIXES:
        _PREFIXES.update(_prefixes())
    rng = random.Random(f"day-{day.isoformat()}")
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    midnight = midnight.replace(tzinfo=None)
    day_text = day.isoformat()
    hours = list(HOUR_WEIGHTS)
    hour_weights = list(HOUR_WEIGHTS.values())
    offsets = sorted(h * 3600 + rng.random() * 3600
                     for h in rng.choices(hours, hour_weights, k=count))
    # The morning deposit top-up keeps the balance positive, as a real kiosk would.
    opening = midnight + timedelta(hours=6, minutes=30)
    credit = 40_000_000 - ids.balance
    if credit > 0:
        ids.balance += credit
        rows.ledger.append((opening.isoformat(" ", "microseconds"), credit, ids.balance,
                            "deposit", f"TRF-{day_text}", None))
    operators = (ProductKind.PULSA, ProductKind.DATA)
    last_day = day == END_DATE
    for offset in offsets:
        ids.sale += 1
        sale_id = ids.sale
        at = midnight + timedelta(seconds=offset)
        stamp = at.isoformat(" ", "microseconds")
        kind = _pick(rng, KIND_MIX)
        if kind is ProductKind.PHYSICAL:
            items = [(rng.choice(by_kind[ProductKind.PHYSICAL]), rng.randint(1, 3))
                     for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
        else:
            items = [(rng.choice(by_kind[kind]), 1)]  # type: ignore[index]
            if kind in operators and rng.random() < 0.05:
                items.append((rng.choice(by_kind[ProductKind.PHYSICAL]), 1))
        total = sum(p.price * qty for p, qty in items)
        method = _pick(rng, PAYMENT_MIX)
        given: int | None = None
        change = 0
        if method == "cash":
            step = rng.choice((1000, 5000, 10000, 50000, 100000))
            given = -(-total // step) * step
            change = given - total
        clerk = clerks[0] if rng.random() < 0.1 else rng.choice(clerks[1:])
        rows.sales.append((sale_id, stamp, day_text, clerk, method, total, given, change))
        for p, qty in items:
            ids.line += 1
            dest = "" if p.kind is ProductKind.PHYSICAL else _destination(rng, p, _PREFIXES)
            rows.lines.append((ids.line, sale_id, p.id, p.sku, p.name, p.kind.value,
                               p.operator, qty, p.price, p.cost, dest))
            if p.kind is ProductKind.PHYSICAL:
                rows.movements.append((p.id, -qty, 500, sale_id, stamp))
            else:
                _add_topup(rows, ids, rng, p, dest, sale_id, at, stamp, last_day)


def _add_topup(rows: _Rows, ids: _Ids, rng: random.Random, p: Product, dest: str,
               sale_id: int, at: datetime, stamp: str, last_day: bool) -> None:
    ids.topup += 1
    ref_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    done = at + timedelta(seconds=rng.uniform(2, 40))
    done_stamp = done.isoformat(" ", "microseconds")
    roll = rng.random()
    if last_day and roll < 0.02:
        status = TopUpStatus.QUEUED if roll < 0.01 else TopUpStatus.PENDING
    elif roll < FAILED_SHARE:
        status = TopUpStatus.FAILED
    else:
        status = TopUpStatus.SUCCESS
    sn = f"{rng.getrandbits(64):020d}" if status is TopUpStatus.SUCCESS else None
    message = "Nomor tujuan salah" if status is TopUpStatus.FAILED else None
    final = status.final
    rows.topups.append((ids.topup, ids.line, ref_id, p.sku, dest, p.cost, status.value, sn,
                        message, p.cost if final else None, stamp,
                        done_stamp if final else stamp))
    rows.events.append((ids.topup, TopUpStatus.QUEUED.value, None, None, "local", stamp))
    if status is not TopUpStatus.QUEUED:
        rows.events.append((ids.topup, status.value, sn, message, "server", done_stamp))
    payload = outbox_payload(ref_id, p.sku, dest, p.cost,
                             at.replace(tzinfo=UTC).isoformat())
    sent = status is not TopUpStatus.QUEUED
    rows.outbox.append((ids.topup, ref_id, payload, stamp, 1 if sent else 0,
                        stamp if sent else None, stamp if sent else None))
    ids.balance -= p.cost
    rows.ledger.append((stamp, -p.cost, ids.balance, "topup", ref_id, sale_id))
    if status is TopUpStatus.FAILED:
        ids.balance += p.cost
        rows.ledger.append((done_stamp, p.cost, ids.balance, "refund", ref_id, sale_id))
