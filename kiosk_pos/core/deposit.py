"""The kiosk's deposit at the distributor, cached locally as a ledger (mutasi).

Every change is a row with the signed amount and the balance after it; the
balance is the newest row's ``balance_after``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk_pos.core.clock import db_text, from_db, utc_now
from kiosk_pos.core.dbapi import raw
from kiosk_pos.core.events import DEPOSIT_CHANGED, EventBus
from kiosk_pos.core.sale_reads import deposit_balance
from kiosk_pos.store import Database

if TYPE_CHECKING:
    from kiosk_pos.core.dbapi import Conn, Writer

REASON_OPENING = "opening"        # first balance (demo, or the first sync)
REASON_TOPUP = "topup"            # an electronic line's cost, at sale time
REASON_TOPUP_REFUND = "refund"    # a failed top-up's cost, back
REASON_DEPOSIT = "deposit"        # money the kiosk paid in (ticket confirmed)
REASON_ADJUST = "adjust"          # a difference explained by the distributor's ledger
REASON_COMPLAINT_REFUND = "complaint_refund"  # the desk refunded a complaint (issue 13)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: int
    created_at: datetime
    amount: int
    balance_after: int
    reason: str
    reference: str | None
    sale_id: int | None


# Plain SQL on the transaction's sqlite3 connection (kiosk_pos/core/dbapi.py): a pull
# appends and reads the balance per mirrored row. The balance is the newest row by its
# key: a look-up the query plan shows as one, not a scan (sale_reads.deposit_balance).
_APPEND = ("INSERT INTO deposit_ledger (created_at, amount, balance_after, reason, reference, "
           "sale_id, server_seq) VALUES (?, ?, ?, ?, ?, ?, ?)")


def balance(conn: Conn) -> int:
    return deposit_balance(raw(conn).cursor())


def append(
    conn: Writer, amount: int, reason: str, *, reference: str | None = None,
    sale_id: int | None = None, server_seq: int | None = None, at: datetime | None = None,
) -> int:
    """Add a ledger row inside the caller's write transaction; returns the new balance."""
    db = raw(conn)
    new_balance = deposit_balance(db.cursor()) + amount
    db.execute(_APPEND, (db_text(at or utc_now()), amount, new_balance, reason, reference,
                         sale_id, server_seq))
    return new_balance


class DepositService:
    def __init__(self, db: Database, events: EventBus | None = None) -> None:
        self._db = db
        self._events = events

    def balance(self) -> int:
        with self._db.read_raw() as cur:
            return deposit_balance(cur)

    def entries(self, limit: int = 200) -> list[LedgerEntry]:
        from sqlalchemy import select

        from kiosk_pos.store.schema import deposit_ledger

        with self._db.read() as conn:
            rows = conn.execute(
                select(deposit_ledger).order_by(deposit_ledger.c.id.desc()).limit(limit)
            ).all()
        return [LedgerEntry(r.id, from_db(r.created_at), r.amount, r.balance_after, r.reason,
                            r.reference, r.sale_id) for r in rows]

    def credit(self, amount: int, reason: str = REASON_DEPOSIT,
               reference: str | None = None) -> int:
        with self._db.write() as conn:
            new_balance = append(conn, amount, reason, reference=reference)
        if self._events is not None:  # announced once, after the commit
            self._events.trigger(DEPOSIT_CHANGED, new_balance)
        return new_balance
