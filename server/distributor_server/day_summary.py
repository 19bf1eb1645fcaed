"""A kiosk's day summed up for reconciliation (``GET /v1/transactions/summary``).

The kiosk compares these counts and digests with its own books and downloads the day's
lists (``/v1/transactions``, ``/v1/ledger``) only when they differ. Both reads go by the
day indexes (``ix_topups_kiosk_created``, ``ix_ledger_entries_kiosk_created``) and fetch
narrow columns (the sale-time rule is a filter on the rows the index bounds); the digests
are computed here in Python (:mod:`pulsa_protocol.day_summary`), so SQLite and PostgreSQL
answer byte for byte alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pulsa_protocol import wire
from pulsa_protocol.day_summary import ledger_digest, topup_digest
from sqlalchemy import bindparam, func, select

from distributor_server.context import ServerContext
from distributor_server.models import Kiosk, LedgerEntry, TopUp

MAX_MARGIN_SECONDS = 86_400

_T = TopUp.__table__
_L = LedgerEntry.__table__
_K = Kiosk.__table__
_WHEN = _T.c.created_at.type
# Received in the margin-widened window (bounded by ix_topups_kiosk_created), sold in the
# day: the sale time is the kiosk's (kiosk_created_at), else the time received.
_TOPUPS = (select(_T.c.ref_id, _T.c.status, _T.c.price, _T.c.sn)
           .where(_T.c.kiosk_id == bindparam("kiosk_id"),
                  _T.c.created_at >= bindparam("received_from", type_=_WHEN),
                  _T.c.created_at < bindparam("received_to", type_=_WHEN),
                  func.coalesce(_T.c.kiosk_created_at, _T.c.created_at)
                  >= bindparam("sold_from", type_=_WHEN),
                  func.coalesce(_T.c.kiosk_created_at, _T.c.created_at)
                  < bindparam("sold_to", type_=_WHEN)))
_LEDGER = select(_L.c.seq, _L.c.amount).where(
    _L.c.kiosk_id == bindparam("kiosk_id"),
    _L.c.created_at >= bindparam("since", type_=_L.c.created_at.type),
    _L.c.created_at < bindparam("until", type_=_L.c.created_at.type))
_BALANCE = select(_K.c.balance).where(_K.c.id == bindparam("kiosk_id"))


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def day_summary(ctx: ServerContext, kiosk_id: int, start: datetime, end: datetime,
                margin: timedelta, until: datetime) -> wire.DaySummary | None:
    """The summary of the day [start, end) (see :class:`wire.DaySummary`; ledger rows up to
    ``until``), None when the kiosk is gone. One read snapshot for the three reads."""
    start, end, until = _aware(start), _aware(end), _aware(until)
    with ctx.db.read() as session:
        conn = session.connection()
        balance = conn.execute(_BALANCE, {"kiosk_id": kiosk_id}).scalar()
        if balance is None:
            return None
        day = conn.execute(_TOPUPS, {"kiosk_id": kiosk_id, "received_from": start - margin,
                                     "received_to": end + margin, "sold_from": start,
                                     "sold_to": end}).all()
        ledger = conn.execute(_LEDGER, {"kiosk_id": kiosk_id, "since": start - margin,
                                      "until": until})
        count, total, ledger_hash = ledger_digest((seq, amount) for seq, amount in ledger)
    n, topup_hash = topup_digest(day)
    return wire.DaySummary(topups=wire.TopUpDigest(count=n, digest=topup_hash),
                           ledger=wire.LedgerDigest(count=count, total=total,
                                                    digest=ledger_hash),
                           balance=int(balance))
