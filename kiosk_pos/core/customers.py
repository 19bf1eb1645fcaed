"""The shop's regular customers: name, phone, a note, and the kasbon (credit) the owner
allows them. A credit limit of 0 means no kasbon for that customer."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kiosk_pos.core.clock import Clock, db_text, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.goods import MAX_RUPIAH
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.phone import normalise_phone
from kiosk_pos.core.records import SaleRecord, User
from kiosk_pos.store import Database

MAX_NAME, MAX_NOTE = 120, 500
CUSTOMERS_PAGE = 200

_COLUMNS = "c.id, c.name, c.phone, c.note, c.credit_limit, c.active"
_BALANCE = ("(SELECT coalesce(sum(k.amount), 0) FROM kasbon_entries k "
            "WHERE k.customer_id = c.id)")
# what all customers owe together, each summed through the ledger's per-customer index
OUTSTANDING = (f"SELECT coalesce(sum(b), 0) FROM (SELECT {_BALANCE} AS b FROM customers c) "
               "WHERE b > 0")


@dataclass(frozen=True, slots=True)
class Customer:
    id: int
    name: str
    phone: str | None
    note: str | None
    credit_limit: int  # 0: no kasbon
    active: bool = True
    balance: int = 0   # what they owe now (the sum of their kasbon rows)

    @property
    def credit_allowed(self) -> bool:
        return self.active and self.credit_limit > 0

    @property
    def available(self) -> int:
        return max(self.credit_limit - self.balance, 0)


def customer_by_id(cur: sqlite3.Cursor, customer_id: int) -> Customer:
    row = cur.execute(f"SELECT {_COLUMNS}, {_BALANCE} FROM customers c WHERE c.id = ?",
                      (customer_id,)).fetchone()
    if row is None:
        raise KioskError("error.customer_unknown", id=customer_id)
    id_, name, phone, note, limit, active, balance = row
    return Customer(id_, name, phone, note, limit, bool(active), balance)


def _clean(name: str, phone: str | None, note: str | None, credit_limit: int
           ) -> tuple[str, str | None, str | None]:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise KioskError("error.customer_name_format", max=MAX_NAME)
    number = normalise_phone(phone) if phone and phone.strip() else None
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise KioskError("error.customer_note_format", max=MAX_NOTE)
    if not 0 <= credit_limit <= MAX_RUPIAH:
        raise KioskError("error.customer_limit_range")
    return name, number, note


class CustomerService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def add(self, user: User, name: str, phone: str | None = None, note: str | None = None,
            credit_limit: int = 0) -> Customer:
        require(user, Permission.MANAGE_CUSTOMERS)
        name, number, note = _clean(name, phone, note, credit_limit)
        with self._db.write_raw() as cur:
            self._refuse_taken_phone(cur, number, None)
            new_id = cur.execute(
                "INSERT INTO customers (name, phone, note, credit_limit, active, created_at) "
                "VALUES (?, ?, ?, ?, 1, ?)",
                (name, number, note, credit_limit, db_text(self._clock()))).lastrowid
            return customer_by_id(cur, int(new_id))

    def edit(self, user: User, customer_id: int, *, name: str | None = None,
             phone: str | None = None, note: str | None = None,
             credit_limit: int | None = None) -> Customer:
        """Change what is given (``phone=""`` clears the number). A limit below what the
        customer owes now is allowed: it only stops new kasbon."""
        require(user, Permission.MANAGE_CUSTOMERS)
        with self._db.write_raw() as cur:
            old = customer_by_id(cur, customer_id)
            new_name, number, new_note = _clean(
                old.name if name is None else name, old.phone if phone is None else phone,
                old.note if note is None else note,
                old.credit_limit if credit_limit is None else credit_limit)
            self._refuse_taken_phone(cur, number, customer_id)
            cur.execute("UPDATE customers SET name = ?, phone = ?, note = ?, credit_limit = ? "
                        "WHERE id = ?", (new_name, number, new_note,
                                         old.credit_limit if credit_limit is None
                                         else credit_limit, customer_id))
            return customer_by_id(cur, customer_id)

    def get(self, customer_id: int) -> Customer:
        with self._db.read_raw() as cur:
            return customer_by_id(cur, customer_id)

    def by_phone(self, number: str) -> Customer | None:
        """The customer whose number this is (the sales screen's suggestion)."""
        try:
            number = normalise_phone(number)
        except KioskError:
            return None
        with self._db.read_raw() as cur:
            row = cur.execute("SELECT id FROM customers WHERE phone = ? AND active = 1",
                              (number,)).fetchone()
            return customer_by_id(cur, row[0]) if row else None

    def last_purchases(self, customer_id: int, limit: int = 5) -> list[SaleRecord]:
        """Their newest sales: those on their kasbon and those for their number (the sales
        screen shows them when the typed number is theirs)."""
        from kiosk_pos.core.sale_reads import load_sales

        limit = max(1, min(limit, 50))
        with self._db.read_raw() as cur:
            customer = customer_by_id(cur, customer_id)
            ids = {r[0] for r in cur.execute(
                "SELECT sale_id FROM kasbon_entries WHERE customer_id = ? AND sale_id IS NOT NULL"
                " ORDER BY id DESC LIMIT ?", (customer_id, limit))}
            if customer.phone:
                ids |= {r[0] for r in cur.execute(
                    "SELECT sale_id FROM sale_lines WHERE destination = ? AND destination != ''"
                    " ORDER BY sale_id DESC LIMIT ?", (customer.phone, limit))}
            return load_sales(cur, sorted(ids, reverse=True)[:limit])

    def page(self, *, after_id: int = 0, limit: int = CUSTOMERS_PAGE) -> list[Customer]:
        """Customers in the order they were added, ``limit`` at a time after ``after_id``."""
        limit = max(1, min(limit, 1000))
        with self._db.read_raw() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS}, {_BALANCE} FROM customers c WHERE c.id > ? "
                "ORDER BY c.id LIMIT ?", (after_id, limit)).fetchall()
        return [Customer(i, n, p, no, lim, bool(a), b) for i, n, p, no, lim, a, b in rows]

    def search(self, text: str, limit: int = 20) -> list[Customer]:
        """Customers whose name holds ``text`` or whose phone holds its digits, by name (the
        customer list's search and the payment's picker). Customers are a short table (the
        shop's regulars), not one that grows with each sale."""
        limit = max(1, min(limit, CUSTOMERS_PAGE))
        words = " ".join(text.split())
        if not words:
            return self.page(limit=limit)
        digits = "".join(ch for ch in words if ch.isascii() and ch.isdigit())
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._db.read_raw() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS}, {_BALANCE} FROM customers c "
                "WHERE c.name LIKE ? ESCAPE '\\' OR (? != '' AND c.phone LIKE ?) "
                "ORDER BY c.active DESC, c.name COLLATE NOCASE, c.id LIMIT ?",
                (like, digits, f"%{digits}%", limit)).fetchall()
        return [Customer(i, n, p, no, lim, bool(a), b) for i, n, p, no, lim, a, b in rows]

    def total_owed(self) -> tuple[int, int]:
        """What all customers owe together, and how many owe anything (each summed through
        the ledger's per-customer index, never a walk over the kasbon history)."""
        with self._db.read_raw() as cur:
            row = cur.execute(OUTSTANDING.replace("coalesce(sum(b), 0)",
                                                  "coalesce(sum(b), 0), count(*)")).fetchone()
        return int(row[0]), int(row[1])

    @staticmethod
    def _refuse_taken_phone(cur: sqlite3.Cursor, number: str | None, own: int | None) -> None:
        if number is None:
            return
        row = cur.execute("SELECT id, name FROM customers WHERE phone = ? AND id IS NOT ?",
                          (number, own)).fetchone()
        if row is not None:
            raise KioskError("error.customer_phone_taken", phone=number, id=row[0],
                             name=row[1])
