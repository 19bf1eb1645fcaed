"""Deposit tickets: the kiosk asks to top up its deposit by bank transfer.

A kiosk may hold at most ``max_open_tickets`` (10) open tickets, so no kiosk can take the
codes of an amount that every other kiosk needs. The requested amount is made unique by
adding a code of 1-999 rupiah that no other open ticket for the same transfer amount uses,
so the distributor can match the bank mutation to the ticket by amount alone. A ticket
expires at the end of the distributor's local day. The distributor confirms it (CLI
``deposit confirm``), which credits the amount transferred.

The codes are spread per kiosk: the code space is cut into windows as wide as the cap, and
each kiosk draws first from its own window (:func:`home_codes`; kiosk ids 1-99 get 99
disjoint windows, then they wrap). So kiosks asking for the same amount do not collide, a
kiosk's codes do not depend on what other kiosks hold, and one kiosk, capped at its window's
width, cannot use up another's. Only when every code of its window is taken for that amount
(a kiosk sharing the window, or open tickets for a nearby amount) does a kiosk draw any
other free code.
"""

from __future__ import annotations

import secrets

from pulsa_protocol import wire
from sqlalchemy import func, select

from distributor_server.clock import end_of_local_day, utcnow
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk
from distributor_server.feed import ledger_to_wire, post_ledger
from distributor_server.kiosks import NotFound
from distributor_server.models import DepositTicket

MAX_CODE = 999


class TicketError(ValueError):
    pass


class TooManyOpenTickets(TicketError):
    pass


def home_codes(kiosk_id: int, per_kiosk: int) -> range:
    """The unique codes ``kiosk_id`` draws first: its own window of ``per_kiosk`` codes (the
    open-ticket cap), so kiosks 1..MAX_CODE // per_kiosk never share one."""
    width = max(1, min(per_kiosk, MAX_CODE))
    windows = MAX_CODE // width
    start = (kiosk_id - 1) % windows * width + 1
    return range(start, start + width)


def ticket_status(ticket: DepositTicket) -> str:
    if ticket.status == "open" and ticket.expires_at <= utcnow():
        return "expired"
    return ticket.status


def to_wire(ctx: ServerContext, ticket: DepositTicket) -> wire.DepositTicket:
    s = ctx.settings
    return wire.DepositTicket(
        id=ticket.id, amount_requested=ticket.amount_requested, unique_code=ticket.unique_code,
        amount_to_transfer=ticket.amount_to_transfer, bank_name=s.bank_name,
        bank_account=s.bank_account, bank_holder=s.bank_holder, status=ticket_status(ticket),
        expires_at=ticket.expires_at, created_at=ticket.created_at,
        confirmed_at=ticket.confirmed_at,
    )


def create_ticket(ctx: ServerContext, kiosk_id: int, amount: int) -> wire.DepositTicket:
    now = utcnow()
    with ctx.db.write() as session:
        if lock_kiosk(session, kiosk_id) is None:
            raise NotFound(f"there is no kiosk {kiosk_id}.")
        # the counter row lock serialises ticket creation across kiosks (codes are global)
        from distributor_server.products import bump_counter

        bump_counter(session, "deposit_tickets")
        cap = ctx.settings.max_open_tickets
        mine = session.scalar(select(func.count()).select_from(DepositTicket).where(
            DepositTicket.kiosk_id == kiosk_id, DepositTicket.status == "open",
            DepositTicket.expires_at > now))
        if mine >= cap:
            raise TooManyOpenTickets(
                f"this kiosk already has {mine} open deposit tickets; transfer one of them "
                "or wait until they expire at the end of the day.")
        taken = set(session.scalars(
            select(DepositTicket.amount_to_transfer).where(
                DepositTicket.status == "open", DepositTicket.expires_at > now,
                DepositTicket.amount_to_transfer > amount,
                DepositTicket.amount_to_transfer <= amount + MAX_CODE,
            )
        ))
        home = [code for code in home_codes(kiosk_id, cap) if amount + code not in taken]
        free = home or [code for code in range(1, MAX_CODE + 1) if amount + code not in taken]
        if not free:
            raise TicketError(
                "every unique code for this amount is in use today; request a slightly "
                "different amount."
            )
        code = free[0] if home else free[secrets.randbelow(len(free))]
        ticket = DepositTicket(
            kiosk_id=kiosk_id, amount_requested=amount, unique_code=code,
            amount_to_transfer=amount + code, status="open",
            expires_at=end_of_local_day(now, ctx.settings.timezone), created_at=now,
        )
        session.add(ticket)
        session.flush()
        return to_wire(ctx, ticket)


def list_tickets(ctx: ServerContext, kiosk_id: int) -> list[wire.DepositTicket]:
    with ctx.db.read() as session:
        rows = session.scalars(
            select(DepositTicket).where(DepositTicket.kiosk_id == kiosk_id)
            .order_by(DepositTicket.id.desc()).limit(200)
        )
        return [to_wire(ctx, t) for t in rows]


def confirm_ticket(ctx: ServerContext, ticket_id: int) -> wire.LedgerEntry:
    """The transfer arrived: credit the kiosk with the amount transferred."""
    with ctx.db.read() as session:
        ticket = session.get(DepositTicket, ticket_id)
        if ticket is None:
            raise NotFound(f"there is no deposit ticket {ticket_id}.")
        kiosk_id = ticket.kiosk_id
    with ctx.db.write() as session:
        kiosk = lock_kiosk(session, kiosk_id)
        ticket = session.scalars(
            select(DepositTicket).where(DepositTicket.id == ticket_id).with_for_update()
        ).one()
        status = ticket_status(ticket)
        if status == "confirmed":
            raise TicketError(f"deposit ticket {ticket_id} is already confirmed.")
        if status == "expired":
            raise TicketError(
                f"deposit ticket {ticket_id} expired; credit the transfer with "
                "'deposit credit' instead."
            )
        ticket.status = "confirmed"
        ticket.confirmed_at = utcnow()
        entry = post_ledger(session, kiosk, ticket.amount_to_transfer,
                            wire.LedgerReason.DEPOSIT_TICKET.value, f"ticket {ticket_id}")
        result = ledger_to_wire(entry)
    ctx.changed(kiosk_id)
    return result
