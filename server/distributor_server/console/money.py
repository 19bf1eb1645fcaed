"""The console's money actions, each through the server's own functions plus an audit row.

Confirming a ticket is ``tickets.confirm_ticket`` (a second confirm is refused there, so a
double click credits once); a manual credit or debit is ``kiosks.credit_deposit``. Rejecting a
ticket moves no money: it closes an open ticket under the kiosk's lock.
"""

from __future__ import annotations

from pulsa_protocol import wire
from sqlalchemy import select

from distributor_server import kiosks, tickets
from distributor_server.console import audit
from distributor_server.context import ServerContext
from distributor_server.db import lock_kiosk
from distributor_server.models import DepositTicket

MAX_REASON = 200


class ConsoleRefusal(ValueError):
    """``key`` names the sentence shown to the clerk; ``str()`` is the English detail."""

    def __init__(self, key: str, message: str = "", **values: object) -> None:
        super().__init__(message or key)
        self.key = key
        self.values = values


def _ticket_state(ctx: ServerContext, ticket_id: int) -> dict:
    with ctx.db.read() as session:
        t = session.get(DepositTicket, ticket_id)
        if t is None:
            raise ConsoleRefusal("ticket_missing", id=ticket_id)
        return {"kiosk_id": t.kiosk_id, "status": tickets.ticket_status(t),
                "amount_to_transfer": t.amount_to_transfer}


def confirm_ticket(ctx: ServerContext, actor: audit.Actor, ticket_id: int) -> wire.LedgerEntry:
    before = _ticket_state(ctx, ticket_id)
    if before["status"] == "confirmed":
        raise ConsoleRefusal("ticket_already_confirmed", id=ticket_id)
    if before["status"] != "open":
        raise ConsoleRefusal("ticket_not_open", id=ticket_id, status=before["status"])
    try:
        entry = tickets.confirm_ticket(ctx, ticket_id)
    except tickets.TicketError as exc:  # a confirm from another window won the race
        raise ConsoleRefusal("ticket_already_confirmed", str(exc), id=ticket_id) from None
    audit.record(ctx.db, actor, "deposit.confirm", f"ticket {ticket_id}", before,
                 {"status": "confirmed", "ledger_seq": entry.seq, "credited": entry.amount,
                  "balance_after": entry.balance_after})
    return entry


def reject_ticket(ctx: ServerContext, actor: audit.Actor, ticket_id: int, reason: str) -> None:
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise ConsoleRefusal("reason_needed")
    before = _ticket_state(ctx, ticket_id)
    with ctx.db.write() as session:
        lock_kiosk(session, before["kiosk_id"])
        ticket = session.scalars(select(DepositTicket).where(DepositTicket.id == ticket_id)
                                 .with_for_update()).one()
        status = tickets.ticket_status(ticket)
        if status == "open":
            ticket.status = "rejected"
            audit.add(session, actor, "deposit.reject", f"ticket {ticket_id}", before,
                      {"status": "rejected", "reason": reason})
    if status != "open":
        raise ConsoleRefusal("ticket_not_open", id=ticket_id, status=status)


def adjust_balance(ctx: ServerContext, actor: audit.Actor, kiosk_id: int, amount: int,
                   reason: str) -> wire.LedgerEntry:
    """A manual credit (amount > 0, ledger reason ``deposit``) or debit (amount < 0,
    ``correction``) with the clerk's reason as the ledger row's reference."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if not reason:
        raise ConsoleRefusal("reason_needed")
    if amount == 0 or abs(amount) > wire.MAX_RUPIAH:
        raise ConsoleRefusal("amount_bad")
    kind = wire.LedgerReason.DEPOSIT if amount > 0 else wire.LedgerReason.CORRECTION
    try:
        before = kiosks.balance(ctx, kiosk_id).balance
        entry = kiosks.credit_deposit(ctx, kiosk_id, amount, reason=kind,
                                      reference=f"console {actor.username}: {reason}"[:120])
    except kiosks.NotFound:
        raise ConsoleRefusal("kiosk_missing", id=kiosk_id) from None
    except ValueError as exc:
        raise ConsoleRefusal("balance_negative", str(exc), id=kiosk_id) from None
    audit.record(ctx.db, actor, "ledger.credit" if amount > 0 else "ledger.debit",
                 f"kiosk {kiosk_id}", {"balance": before},
                 {"balance": entry.balance_after, "amount": amount, "reason": reason,
                  "ledger_seq": entry.seq})
    return entry
