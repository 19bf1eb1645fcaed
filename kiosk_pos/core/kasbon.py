"""Kasbon (store credit): each customer's account is a ledger of rows in ``kasbon_entries``:
a sale on credit (+), a payment in cash or by transfer (-), a correction (+/-). What a
customer owes is the sum of their rows; no balance is ever stored or edited.

A sale, or part of it (the rest in cash: :func:`on_account`), goes on the account inside
the sale's own transaction (:func:`check_credit` before the sale row, :func:`charge_sale`
after it, both on the sale's cursor).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum

from kiosk_pos.core.clock import Clock, db_text, local_date, utc_now
from kiosk_pos.core.customers import Customer, customer_by_id
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.goods import MAX_RUPIAH
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import Payment, PaymentMethod, User
from kiosk_pos.i18n import tr
from kiosk_pos.store import Database

STATEMENT_ROWS = 200
DEBTORS_PAGE = 200
PAY_METHODS = ("cash", "transfer")


class KasbonKind(StrEnum):
    SALE = "sale"
    PAYMENT = "payment"
    CORRECTION = "correction"


@dataclass(frozen=True, slots=True)
class KasbonEntry:
    id: int
    created_at: datetime  # UTC
    kind: KasbonKind
    amount: int           # + owed more, - paid
    method: str | None
    sale_id: int | None
    note: str | None
    balance_after: int


@dataclass(frozen=True, slots=True)
class Debtor:
    customer: Customer
    oldest_debt_at: datetime  # the oldest charge not yet paid off (payments pay oldest first)
    days_outstanding: int


@dataclass(frozen=True, slots=True)
class Statement:
    customer: Customer
    opening_balance: int          # owed before the first row shown
    entries: tuple[KasbonEntry, ...]  # oldest first
    as_of: date

    @property
    def balance(self) -> int:
        return self.customer.balance


_SQL_ADD = ("INSERT INTO kasbon_entries (customer_id, created_at, kind, amount, method, "
            "sale_id, user_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_SQL_BALANCE = "SELECT coalesce(sum(amount), 0) FROM kasbon_entries WHERE customer_id = ?"
_SQL_PAID = ("SELECT coalesce(-sum(amount), 0) FROM kasbon_entries "
             "WHERE customer_id = ? AND amount < 0")
_SQL_OLDEST = ("SELECT created_at FROM (SELECT id, created_at, "
               "sum(amount) OVER (ORDER BY id) AS run FROM kasbon_entries "
               "WHERE customer_id = ? AND amount > 0) WHERE run > ? ORDER BY id LIMIT 1")


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def balance_of(cur: sqlite3.Cursor, customer_id: int) -> int:
    return int(cur.execute(_SQL_BALANCE, (customer_id,)).fetchone()[0])


def check_credit(cur: sqlite3.Cursor, customer_id: int | None, amount: int) -> Customer:
    """Refuse a kasbon sale of ``amount`` unless the customer exists, the owner allowed
    them credit, and it fits under their limit."""
    if customer_id is None:
        raise KioskError("error.kasbon_needs_customer")
    customer = customer_by_id(cur, customer_id)
    if not customer.credit_allowed:
        raise KioskError("error.kasbon_not_allowed", name=customer.name)
    if customer.balance + amount > customer.credit_limit:
        raise KioskError("error.kasbon_over_limit", name=customer.name, amount=amount,
                         limit=customer.credit_limit, owed=customer.balance,
                         available=customer.available)
    return customer


def on_account(total: int, payment: Payment) -> tuple[Payment, int]:
    """The payment as the sale stores it and the part of ``total`` on the customer's
    account: the whole sale (method kasbon), or part of it with the rest paid in cash
    (method cash, ``kasbon_amount`` set); a part as large as the total is the whole sale."""
    part = payment.kasbon_amount
    if payment.method is PaymentMethod.KASBON:
        if part is not None and part != total:
            raise KioskError("error.kasbon_part_range", total=total)
        return replace(payment, cash_given=None, kasbon_amount=None), total
    if not part:
        return payment, 0
    if payment.method is not PaymentMethod.CASH:
        raise KioskError("error.kasbon_part_cash_only")
    if payment.customer_id is None:
        raise KioskError("error.kasbon_needs_customer")
    if not 0 < part <= total:
        raise KioskError("error.kasbon_part_range", total=total)
    if part == total:
        return Payment(PaymentMethod.KASBON, customer_id=payment.customer_id), total
    return payment, part


def charge_sale(cur: sqlite3.Cursor, customer_id: int, amount: int, sale_id: int,
                user_id: int, stamp: str) -> None:
    cur.execute(_SQL_ADD, (customer_id, stamp, KasbonKind.SALE.value, amount, None, sale_id,
                           user_id, None))


def oldest_debt(cur: sqlite3.Cursor, customer_id: int) -> datetime | None:
    """When the oldest charge still unpaid was made (payments pay the oldest first)."""
    paid = cur.execute(_SQL_PAID, (customer_id,)).fetchone()[0]
    row = cur.execute(_SQL_OLDEST, (customer_id, paid)).fetchone()
    return _when(row[0]) if row else None


class KasbonService:
    def __init__(self, db: Database, timezone: Callable[[], str],
                 clock: Clock = utc_now) -> None:
        self._db = db
        self._timezone = timezone
        self._clock = clock

    def pay(self, user: User, customer_id: int, amount: int, method: str = "cash"
            ) -> KasbonEntry:
        """A payment (cash or transfer) that reduces what the customer owes; never more
        than that."""
        require(user, Permission.TAKE_KASBON_PAYMENT)
        if method not in PAY_METHODS:
            raise KioskError("error.kasbon_method", method=method)
        if not 0 < amount <= MAX_RUPIAH:
            raise KioskError("error.kasbon_amount_range")
        with self._db.write_raw() as cur:
            customer = customer_by_id(cur, customer_id)
            if amount > customer.balance:
                raise KioskError("error.kasbon_pay_over", name=customer.name, amount=amount,
                                 owed=customer.balance)
            return self._add(cur, user, customer, KasbonKind.PAYMENT, -amount, method, None)

    def correct(self, user: User, customer_id: int, amount: int, note: str) -> KasbonEntry:
        """A correction row (+ owes more, - owes less), with the reason; the account never
        goes below zero."""
        require(user, Permission.TAKE_KASBON_PAYMENT)
        note = " ".join(note.split())
        if not note:
            raise KioskError("error.kasbon_correction_reason")
        if amount == 0 or abs(amount) > MAX_RUPIAH:
            raise KioskError("error.kasbon_amount_range")
        with self._db.write_raw() as cur:
            customer = customer_by_id(cur, customer_id)
            if customer.balance + amount < 0:
                raise KioskError("error.kasbon_pay_over", name=customer.name, amount=-amount,
                                 owed=customer.balance)
            return self._add(cur, user, customer, KasbonKind.CORRECTION, amount, None, note)

    def balance(self, customer_id: int) -> int:
        with self._db.read_raw() as cur:
            customer_by_id(cur, customer_id)
            return balance_of(cur, customer_id)

    def debtors(self, limit: int = DEBTORS_PAGE, offset: int = 0) -> list[Debtor]:
        """Who owes what, the oldest unpaid debt first, with the days it has been open."""
        today = local_date(self._clock(), self._timezone())
        with self._db.read_raw() as cur:
            # customers (a short table) each summed through the ledger's index: never a
            # walk over the whole kasbon history
            owing = [r[0] for r in cur.execute(
                "SELECT c.id FROM customers c WHERE (SELECT sum(k.amount) FROM kasbon_entries k "
                "WHERE k.customer_id = c.id) > 0")]
            found = []
            for customer_id in owing:
                since = oldest_debt(cur, customer_id)
                if since is not None:
                    found.append((since, customer_id))
            found.sort()
            page = found[offset:offset + max(1, min(limit, 1000))]
            return [Debtor(customer_by_id(cur, cid), since,
                           (today - local_date(since, self._timezone())).days)
                    for since, cid in page]

    def statement(self, customer_id: int, limit: int = STATEMENT_ROWS) -> Statement:
        """The account's newest ``limit`` rows (oldest first), with the balance before them."""
        with self._db.read_raw() as cur:
            customer = customer_by_id(cur, customer_id)
            rows = cur.execute(
                "SELECT id, created_at, kind, amount, method, sale_id, note FROM kasbon_entries "
                "WHERE customer_id = ? ORDER BY id DESC LIMIT ?",
                (customer_id, max(1, limit))).fetchall()
        rows.reverse()
        opening = customer.balance - sum(r[3] for r in rows)
        running, entries = opening, []
        for id_, created, kind, amount, method, sale_id, note in rows:
            running += amount
            entries.append(KasbonEntry(id_, _when(created), KasbonKind(kind), amount, method,
                                       sale_id, note, running))
        return Statement(customer, opening, tuple(entries),
                         local_date(self._clock(), self._timezone()))

    def _add(self, cur: sqlite3.Cursor, user: User, customer: Customer, kind: KasbonKind,
             amount: int, method: str | None, note: str | None) -> KasbonEntry:
        now = self._clock()
        entry_id = cur.execute(_SQL_ADD, (customer.id, db_text(now), kind.value, amount, method,
                                          None, user.id, note)).lastrowid
        return KasbonEntry(int(entry_id), now, kind, amount, method, None, note,
                           balance_of(cur, customer.id))


def statement_text(statement: Statement, shop: str, timezone: str) -> str:
    """The statement as a message ready to paste into WhatsApp (plain text, *bold*)."""
    c = statement.customer
    out = [f"*{shop}*", tr("kasbon.text.title", name=c.name,
                           date=statement.as_of.strftime("%d-%m-%Y"))]
    if statement.opening_balance:
        out.append(tr("kasbon.text.opening", amount=statement.opening_balance))
    for e in statement.entries:
        day = local_date(e.created_at, timezone).strftime("%d-%m")
        what = tr(f"kasbon.kind.{e.kind.value}")
        if e.sale_id is not None:
            what += f" #{e.sale_id}"
        if e.method:
            what += f" ({tr('payment.' + e.method)})"
        if e.note:
            what += f" - {e.note}"
        out.append(tr("kasbon.text.row", day=day, what=what, amount=e.amount,
                      balance=e.balance_after))
    out.append(tr("kasbon.text.total", amount=statement.balance))
    return "\n".join(out)
