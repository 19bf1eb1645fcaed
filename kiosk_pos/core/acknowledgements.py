"""Acknowledged refund notices: the clerk who handed a failed top-up's money back, and when.

A failed top-up is money the customer must get back; the daily report counts it as owed
until a clerk acknowledges the notice. The acknowledgement is a row of its own (the sale
and the top-up stay as they were); acknowledging twice keeps the first row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert

from kiosk_pos.core.clock import Clock, from_db, to_db, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.records import TopUpStatus, User
from kiosk_pos.store import Database
from kiosk_pos.store.schema import refund_acknowledgements, topups, users


@dataclass(frozen=True, slots=True)
class RefundAcknowledgement:
    ref_id: str
    user_id: int
    user_name: str
    acknowledged_at: datetime  # UTC


class AcknowledgementService:
    def __init__(self, db: Database, clock: Clock = utc_now) -> None:
        self._db = db
        self._clock = clock

    def acknowledge_refund(self, ref_id: str, user: User) -> RefundAcknowledgement:
        """Record that ``user`` handed back the money of the failed top-up ``ref_id``."""
        with self._db.write() as conn:
            row = conn.execute(select(topups.c.id, topups.c.status)
                               .where(topups.c.ref_id == ref_id)).first()
            if row is None or row.status != TopUpStatus.FAILED.value:
                raise KioskError("error.refund_ack_not_failed", ref_id=ref_id)
            conn.execute(insert(refund_acknowledgements).values(
                topup_id=row.id, user_id=user.id, acknowledged_at=to_db(self._clock()),
            ).on_conflict_do_nothing(index_elements=["topup_id"]))
        found = self.refund_acknowledgement(ref_id)
        assert found is not None  # written above, or earlier
        return found

    def refund_acknowledgement(self, ref_id: str) -> RefundAcknowledgement | None:
        query = (select(users.c.id, users.c.name, refund_acknowledgements.c.acknowledged_at)
                 .select_from(refund_acknowledgements)
                 .join(topups, topups.c.id == refund_acknowledgements.c.topup_id)
                 .join(users, users.c.id == refund_acknowledgements.c.user_id)
                 .where(topups.c.ref_id == ref_id))
        with self._db.read() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return RefundAcknowledgement(ref_id, row.id, row.name, from_db(row.acknowledged_at))
