"""Database tables. Money columns are BigInteger rupiah; times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from pulsa_protocol.wire import LedgerReason
from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; returns aware UTC even from SQLite."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


LEDGER_DEPOSITS = (f"reason IN ('{LedgerReason.DEPOSIT.value}', "
                   f"'{LedgerReason.DEPOSIT_TICKET.value}')")
"""The ledger rows of money paid in, as SQL: the partial index's predicate, and its reader's
condition word for word (so SQLite, too, sees that the index covers the query)."""


class Base(DeclarativeBase):
    pass


class Kiosk(Base):
    """A kiosk is deactivated (``active``), never deleted: a trigger refuses that
    (migration 0009), as its top-ups, ledger and feed rows are its money's history."""

    __tablename__ = "kiosks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    secret_generation: Mapped[int] = mapped_column(Integer, default=1)
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    ledger_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "seq"),
        # one kiosk's rows of one day (GET /v1/ledger?from=&to=), not every kiosk's day
        Index("ix_ledger_entries_kiosk_created", "kiosk_id", "created_at"),
        # the deposits of a day, all kiosks (the desk's "deposits today"): a partial index,
        # so a submit's and a refund's rows add no entry to it (migration 0009)
        Index("ix_ledger_entries_deposits_created", "created_at",
              postgresql_where=text(LEDGER_DEPOSITS), sqlite_where=text(LEDGER_DEPOSITS)),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # a kiosk's child: PostgreSQL drops this foreign key (migration 0009: its writers
    # lock the kiosk's row first, and kiosks are never deleted); SQLite keeps it
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    balance_before: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(32))
    reference: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TopUp(Base):
    __tablename__ = "topups"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "ref_id"),
        Index("ix_topups_status_next_check", "status", "next_check_at"),
        Index("ix_topups_kiosk_created", "kiosk_id", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # a kiosk's child: PostgreSQL drops this foreign key (migration 0009: its writers
    # lock the kiosk's row first, and kiosks are never deleted); SQLite keeps it
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    ref_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(40))
    destination: Mapped[str] = mapped_column(String(40))
    price: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    sn: Mapped[str] = mapped_column(String(120), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    upstream: Mapped[str] = mapped_column(String(32))
    upstream_ref_id: Mapped[str] = mapped_column(String(64), unique=True)
    upstream_reference: Mapped[str] = mapped_column(String(120), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    kiosk_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class UpstreamCall(Base):
    """One call to the supplier for a top-up: a ``send`` (the supplier may not know the
    ref_id yet) or a ``check`` (it answered before). Written before the call by the sender
    that claimed it (``who`` = host:pid); ``outcome`` stays "" if that sender died mid-call."""

    __tablename__ = "upstream_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topup_id: Mapped[int] = mapped_column(ForeignKey("topups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    who: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # index: the incident rules read the last minutes of calls, never the whole history
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                         index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="")
    message: Mapped[str] = mapped_column(Text, default="")


class Change(Base):
    """A kiosk's change feed row; ``payload`` is the wire JSON of the row at that moment."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("kiosk_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # a kiosk's child: PostgreSQL drops this foreign key (migration 0009: its writers
    # lock the kiosk's row first, and kiosks are never deleted); SQLite keeps it
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Product(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    operator: Mapped[str] = mapped_column(String(32))
    nominal: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """What the supplier charges us (None: not known yet); ``price`` is what kiosks pay."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Counter(Base):
    """Named global counters (``price_version``), bumped under a row lock."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class DepositTicket(Base):
    __tablename__ = "deposit_tickets"
    # tickets left open past their expiry (unmatched transfers), read as a window
    __table_args__ = (Index("ix_deposit_tickets_status_expires", "status", "expires_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    amount_requested: Mapped[int] = mapped_column(BigInteger)
    unique_code: Mapped[int] = mapped_column(Integer)
    amount_to_transfer: Mapped[int] = mapped_column(BigInteger, index=True)
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SeenNonce(Base):
    __tablename__ = "seen_nonces"
    kiosk_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Incident(Base):
    """Something the desk must look at: one row for a burst of events of one kind about one
    subject (``operator:telkomsel``, ``kiosk:5``, ``topup:7``, ``address:10.0.0.9``).

    ``status`` goes open -> acknowledged -> resolved (with the desk's note); the timeline is
    its ``events`` rows. ``success_after_refund``: the supplier said Sukses after we refunded
    the kiosk, so the supplier delivered and charged us while the kiosk kept its money.
    """

    __tablename__ = "incidents"
    __table_args__ = (
        UniqueConstraint("kind", "topup_id"),
        # the rules' "is one open for this subject?" and the open list: never all history
        Index("ix_incidents_status_kind_subject", "status", "kind", "subject"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"), index=True,
                                                 nullable=True)
    topup_id: Mapped[int | None] = mapped_column(ForeignKey("topups.id"), nullable=True)
    ref_id: Mapped[str] = mapped_column(String(64), default="")
    upstream_ref_id: Mapped[str] = mapped_column(String(64), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    subject: Mapped[str] = mapped_column(String(120), default="")
    severity: Mapped[str] = mapped_column(String(8), default="warning")
    status: Mapped[str] = mapped_column(String(16), default="open")
    event_count: Mapped[int] = mapped_column(Integer, default=1)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                           index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    acknowledged_by: Mapped[str] = mapped_column(String(64), default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resolved_by: Mapped[str] = mapped_column(String(64), default="")
    resolution: Mapped[str] = mapped_column(String(500), default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    """The latest event's figures as JSON, so the console says ``detail`` in its language."""


class Event(Base):
    """One thing the server noticed (or a desk step on an incident: ``acknowledged``,
    ``resolved``). ``key`` makes an event once-only (a top-up pending too long is one event,
    however many checks see it); NULL for events that may repeat."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("kind", "subject", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(120))
    key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
    facts: Mapped[str] = mapped_column(Text, default="")
    who: Mapped[str] = mapped_column(String(64), default="")
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True,
                                                    nullable=True)


class PriceRule(Base):
    """The distributor's markup over the supplier's cost for an operator and/or kind ("" =
    any): ``markup`` rupiah added, then rounded up to a multiple of ``round_to``."""

    __tablename__ = "price_rules"
    __table_args__ = (UniqueConstraint("operator", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operator: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(16), default="")
    markup: Mapped[int] = mapped_column(BigInteger, default=0)
    round_to: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RateWindow(Base):
    """Requests one kiosk made to one endpoint in the current fixed window (shared by
    processes). UNLOGGED on PostgreSQL (migration 0009): a crash only restarts a minute's
    counts."""

    __tablename__ = "rate_windows"
    kiosk_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)


# ----------------------------------------------------------------------------- console staff
# The service desk's web console (distributor_server/console/): staff, their sessions and the
# audit trail. Lockout counters and sessions live here, not in memory: several server
# processes share them.


class StaffUser(Base):
    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_secret: Mapped[str] = mapped_column(String(64))
    last_totp_step: Mapped[int] = mapped_column(BigInteger, default=0)
    """The newest TOTP time step accepted: that code and older ones are refused (replay)."""
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StaffRecoveryCode(Base):
    __tablename__ = "staff_recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class StaffSession(Base):
    """A browser's sign-in. ``id`` is the SHA-256 of the cookie's token (never the token);
    ``stage`` is ``password`` (waiting for the TOTP code) or ``signed_in``."""

    __tablename__ = "staff_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ConsoleAudit(Base):
    """One console action: who, when, what, and the row before and after (JSON)."""

    __tablename__ = "console_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(120), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")


# ----------------------------------------------------------------------------- complaints
# A kiosk's complaint about one of its top-ups (distributor_server/complaints.py) and every
# step of it, each a row of its own: filed, upstream checked again, answered, SN proof,
# resent, refunded (with its ledger row), closed.


class Complaint(Base):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "complaint_id"),  # the kiosk's id: filed exactly once
        Index("ix_complaints_status_created", "status", "created_at"),  # the desk's queue
        Index("ix_complaints_topup", "topup_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"))
    complaint_id: Mapped[str] = mapped_column(String(64))
    topup_id: Mapped[int] = mapped_column(ForeignKey("topups.id"))
    reason: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    kiosk_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ComplaintStep(Base):
    __tablename__ = "complaint_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_row_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text, default="")
    sn: Mapped[str] = mapped_column(String(120), default="")
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    ledger_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    staff: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
