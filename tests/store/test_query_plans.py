"""Nothing on the sale path or in a periodic job scans a table that grows with history.

Every statement the kiosk runs against its own database while it sells, relays, pulls (with
the ledger mirror's balance check), counts the queue, lists today's sales, makes the daily
report and reconciles one day is captured and its EXPLAIN QUERY PLAN read: a full ``SCAN`` of
a history table fails the test. Bounded look-ups (``SEARCH ... USING INDEX``) pass, and so do
scans of partial indexes that hold only what is still pending.
"""

from __future__ import annotations

import re
import sqlite3
import sqlite3.dbapi2
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk_pos.core.goods import NewGoods
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.setup import init_kiosk
from kiosk_pos.core.stock import Received
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.reconcile import reconcile_day
from kiosk_pos.sync.relay import relay_once

HISTORY = ("sales", "sale_lines", "topups", "topup_events", "outbox", "deposit_ledger",
           "stock_movements", "kasbon_entries", "complaints", "complaint_answers")
# Partial indexes whose rows are only the pending ones (unsent, not yet matched by the
# server): scanning them is bounded by the queue, not by the history.
PENDING_INDEXES = ("ix_outbox_unsent", "ix_deposit_ledger_unmatched", "ix_complaints_unsent")
_SCAN = re.compile(r"\bSCAN (\w+)(.*)$")


class StatementLog:
    """The SQL run on connections to one database file (sqlite3's trace callback)."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.statements: list[str] = []
        self.recording = False

    def trace(self, sql: str) -> None:
        if self.recording and re.match(r"\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b", sql, re.I):
            self.statements.append(sql)


@pytest.fixture
def statement_log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[StatementLog]:
    log = StatementLog(tmp_path / "kiosk-0" / "kiosk.db")
    real_connect = sqlite3.connect

    def connect(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        conn = real_connect(database, *args, **kwargs)  # type: ignore[arg-type]
        name = str(database)  # a path, or a file: URI for a read-only connection
        if str(tmp_path) in name and "kiosk.db" in name:
            conn.set_trace_callback(log.trace)
        return conn

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)  # what SQLAlchemy calls
    yield log


def full_scans(db_file: Path, statements: list[str]) -> list[str]:
    """Each statement that scans a history table, with the offending plan line."""
    found: list[str] = []
    conn = sqlite3.connect(db_file)
    try:
        for sql in dict.fromkeys(statements):
            for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
                if "(server_seq=?)" in row[3] and "server_seq IS NULL" in sql:
                    # "IS NULL" on the UNIQUE index: a walk over every unmatched row
                    found.append(f"{row[3]} (every NULL)  <-  {sql[:300]}")
                    continue
                m = _SCAN.search(row[3])
                if not m or m.group(1) not in HISTORY:
                    continue
                if any(f"INDEX {ix}" in m.group(2) for ix in PENDING_INDEXES):
                    continue
                found.append(f"{row[3]}  <-  {sql[:300]}")
    finally:
        conn.close()
    return found


def _two_history_pages(kiosk) -> None:
    newest = kiosk.sales.day_page(kiosk.today(), limit=1)
    kiosk.sales.day_page(kiosk.today(), newest.sales[-1].id, 1)


def _steps(shop) -> list[tuple[str, Callable[[], object]]]:
    kiosk, client = shop.kiosk, shop.client
    return [
        ("sale", lambda: shop.sell(to="081234567891")),
        ("relay step", lambda: relay_once(kiosk, client)),
        ("pull step with the balance check", lambda: pull(kiosk, client)),
        ("queue length", kiosk.sales.queue_length),
        ("recent list", kiosk.sales.recent),
        ("History pages", lambda: _two_history_pages(kiosk)),
        ("daily report", lambda: kiosk.reports.daily(kiosk.today())),
        ("reconcile of one day", lambda: reconcile_day(kiosk, client)),
    ]


def test_sale_path_and_periodic_jobs_never_scan_history(make_shop, statement_log) -> None:
    shop = make_shop()
    db_file = shop.data_dir / "kiosk.db"
    assert Path(statement_log.path) == db_file
    for _ in range(3):  # some history, a synced ledger and a queue to read
        shop.sell()
    relay_once(shop.kiosk, shop.client)
    pull(shop.kiosk, shop.client)
    offenders: dict[str, list[str]] = {}
    for name, step in _steps(shop):
        statement_log.statements.clear()
        statement_log.recording = True
        step()
        statement_log.recording = False
        assert statement_log.statements, f"no SQL captured for the {name}"
        scans = full_scans(db_file, statement_log.statements)
        if scans:
            offenders[name] = scans
    assert not offenders, "\n".join(f"{name}:\n  " + "\n  ".join(lines)
                                    for name, lines in offenders.items())


def test_back_office_reads_and_kasbon_sales_never_scan_history(tmp_path, statement_log) -> None:
    """A kasbon sale (its credit check sums one customer's rows), a payment, a statement,
    the low-stock list with its 28-day rates, an item's movements and a scan by barcode."""
    kiosk = init_kiosk(tmp_path / "kiosk-0", "Konter Uji", "9999", demo=True)
    try:
        owner, clerk = kiosk.users.authenticate("9999"), kiosk.users.authenticate("1111")
        kiosk.goods.add(owner, NewGoods("MIE-1", "Indomie", 3500, 2800, barcodes=("M1",),
                                        min_stock=50))
        budi = kiosk.customers.add(owner, "Budi", "081234567000", credit_limit=1_000_000)
        on_credit = Payment(PaymentMethod.KASBON, customer_id=budi.id)
        kiosk.stock.receive(owner, "MIE-1", 40)
        for _ in range(3):  # some history to read
            kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567000")], Payment())
            kiosk.sales.sell(clerk, [CartLine("MIE-1", 2)], on_credit)
            kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
        steps = [
            ("kasbon sale", lambda: kiosk.sales.sell(clerk, [CartLine("MIE-1", 1)], on_credit)),
            ("kasbon payment", lambda: kiosk.kasbon.pay(owner, budi.id, 1000)),
            ("kasbon statement", lambda: kiosk.kasbon.statement(budi.id)),
            ("who owes what", kiosk.kasbon.debtors),
            ("customer by phone", lambda: kiosk.customers.by_phone("081234567000")),
            ("their last purchases", lambda: kiosk.customers.last_purchases(budi.id)),
            ("low stock", kiosk.stock.low_stock),
            ("low-stock badge", kiosk.stock.low_stock_count),
            ("an item's movements", lambda: kiosk.stock.movements("MIE-1")),
            ("receive", lambda: kiosk.stock.receive(owner, "MIE-1", 5, 3000)),
            ("part on kasbon", lambda: kiosk.sales.sell(clerk, [CartLine("MIE-1", 2)], Payment(
                PaymentMethod.CASH, None, budi.id, kasbon_amount=3_000))),
            ("customer search", lambda: kiosk.customers.search("bud")),
            ("total owed", kiosk.customers.total_owed),
            ("one delivery of several", lambda: kiosk.stock.receive_many(
                owner, [Received("MIE-1", 5), Received("SP-XL", 2)], "CV Sinar")),
            ("item by barcode", lambda: kiosk.goods.by_barcode("M1")),
            ("daily report", lambda: kiosk.reports.daily(kiosk.today())),
        ]
        offenders: dict[str, list[str]] = {}
        for name, step in steps:
            statement_log.statements.clear()
            statement_log.recording = True
            step()
            statement_log.recording = False
            assert statement_log.statements, f"no SQL captured for the {name}"
            scans = full_scans(kiosk.db.path, statement_log.statements)
            if scans:
                offenders[name] = scans
    finally:
        kiosk.close()
    assert not offenders, "\n".join(f"{name}:\n  " + "\n  ".join(lines)
                                    for name, lines in offenders.items())
