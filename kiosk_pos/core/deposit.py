"""The kiosk's deposit at the distributor, cached locally as a ledger (mutasi).

Every change is a row with the signed amount and the balance after it; the
balance is the newest row's ``balance_after``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from kiosk_pos.core.clock import from_db, to_db, utc_now
from kiosk_pos.core.events import DEPOSIT_CHANGED, EventBus
from kiosk_pos.core.sale_reads import deposit_balance
from kiosk_pos.store import Database

if TYPE_CHECKING:
    from sqlalchemy import Connection

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


@cache
def _statements() -> tuple[Any, Any]:
    """(balance, insert), built on first use: reading the balance at start-up goes through
    plain sqlite3, so this module does not import SQLAlchemy when it is imported. The
    balance is the newest row by its key: a look-up the query plan shows as one, not a scan."""
    from sqlalchemy import func, select

    from kiosk_pos.store.schema import deposit_ledger

    newest = select(func.max(deposit_ledger.c.id)).scalar_subquery()
    return (select(deposit_ledger.c.balance_after).where(deposit_ledger.c.id == newest),
            deposit_ledger.insert())


def balance(conn: Connection) -> int:
    return int(conn.execute(_statements()[0]).scalar() or 0)


def append(
    conn: Connection, amount: int, reason: str, *, reference: str | None = None,
    sale_id: int | None = None, server_seq: int | None = None, at: datetime | None = None,
) -> int:
    """Add a ledger row inside the caller's write transaction; returns the new balance."""
    new_balance = balance(conn) + amount
    conn.execute(_statements()[1], dict(
        created_at=to_db(at or utc_now()), amount=amount, balance_after=new_balance,
        reason=reason, reference=reference, sale_id=sale_id, server_seq=server_seq,
    ))
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
