"""Kiosks and manual deposit credits (what the distributor does from the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from pulsa_protocol import wire
from sqlalchemy import select

from distributor_server.clock import utcnow
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk
from distributor_server.feed import ledger_to_wire, post_ledger
from distributor_server.models import Kiosk, LedgerEntry


class NotFound(LookupError):
    pass


@dataclass(frozen=True)
class KioskCredentials:
    kiosk_id: int
    name: str
    secret: str


def create_kiosk(ctx: ServerContext, name: str) -> KioskCredentials:
    name = name.strip()
    if not name:
        raise ValueError("a kiosk needs a name.")
    with ctx.db.write() as session:
        kiosk = Kiosk(name=name, secret_generation=1, balance=0, ledger_seq=0, change_seq=0,
                      active=True, created_at=utcnow())
        session.add(kiosk)
        session.flush()
        kiosk_id, generation = kiosk.id, kiosk.secret_generation
    return KioskCredentials(kiosk_id, name, ctx.secret_for(kiosk_id, generation))


def rotate_secret(ctx: ServerContext, kiosk_id: int) -> KioskCredentials:
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        if kiosk is None:
            raise NotFound(f"there is no kiosk {kiosk_id}.")
        kiosk.secret_generation += 1
        generation, name = kiosk.secret_generation, kiosk.name
    return KioskCredentials(kiosk_id, name, ctx.secret_for(kiosk_id, generation))


def list_kiosks(ctx: ServerContext) -> list[Kiosk]:
    with ctx.db.read() as session:
        return list(session.scalars(select(Kiosk).order_by(Kiosk.id)))


def credit_deposit(
    ctx: ServerContext, kiosk_id: int, amount: int, reason: str = wire.LedgerReason.DEPOSIT,
    reference: str = "",
) -> wire.LedgerEntry:
    """Credit (or with a negative amount and reason ``correction``, debit) a kiosk's deposit."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise ValueError("the amount must be a non-zero whole number of rupiah.")
    if amount < 0 and reason != wire.LedgerReason.CORRECTION:
        raise ValueError("the amount must be positive.")
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        if kiosk is None:
            raise NotFound(f"there is no kiosk {kiosk_id}.")
        if kiosk.balance + amount < 0:
            raise ValueError(f"the correction would make kiosk {kiosk_id}'s balance negative.")
        entry = ledger_to_wire(post_ledger(session, kiosk, amount, str(reason), reference))
    ctx.changed(kiosk_id)
    return entry


def ledger(ctx: ServerContext, kiosk_id: int, start: object = None, end: object = None
           ) -> wire.LedgerPage:
    with ctx.db.read() as session:
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None:
            raise NotFound(f"there is no kiosk {kiosk_id}.")
        query = select(LedgerEntry).where(LedgerEntry.kiosk_id == kiosk_id)
        if start is not None:
            query = query.where(LedgerEntry.created_at >= start)
        if end is not None:
            query = query.where(LedgerEntry.created_at < end)
        rows = session.scalars(query.order_by(LedgerEntry.seq)).all()
        return wire.LedgerPage(entries=[ledger_to_wire(e) for e in rows], balance=kiosk.balance)


def balance(ctx: ServerContext, kiosk_id: int) -> wire.Balance:
    with ctx.db.read() as session:
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None:
            raise NotFound(f"there is no kiosk {kiosk_id}.")
        return wire.Balance(kiosk_id=kiosk.id, balance=kiosk.balance,
                            ledger_seq=kiosk.ledger_seq, change_seq=kiosk.change_seq)
