"""Deposit tickets (tiket deposit): ask the distributor for a unique amount to transfer.

Requesting Rp500.000 returns e.g. Rp500.137: the kiosk transfers exactly that to the
distributor's bank account before the ticket expires, and the distributor confirms it by
matching the bank mutation. The tickets last seen are kept by
:mod:`kiosk_pos.core.deposit_tickets` so the screen can show the open one while offline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulsa_protocol import wire
from pulsa_protocol.money import parse_rupiah

from kiosk_pos.core import deposit_tickets
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.permissions import Permission, require

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User
    from kiosk_pos.sync.client import DistributorClient

MIN_AMOUNT = 10_000
MAX_AMOUNT = 100_000_000
QUICK_AMOUNTS = (100_000, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000)


class TicketAmountError(KioskError):
    pass


def check_amount(amount: int | str) -> int:
    """The amount as int rupiah, or a sentence saying what is allowed."""
    if isinstance(amount, str):
        try:
            amount = parse_rupiah(amount)
        except ValueError:
            raise TicketAmountError("ticket.error.amount_format", text=amount) from None
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TicketAmountError("ticket.error.amount_format", text=str(amount))
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
        raise TicketAmountError("ticket.error.amount_range", amount=amount, min=MIN_AMOUNT,
                                max=MAX_AMOUNT)
    return amount


def _remember(kiosk: Kiosk, tickets: list[wire.DepositTicket]) -> None:
    deposit_tickets.remember(kiosk, [ticket_json(t) for t in tickets])


def request_ticket(kiosk: Kiosk, client: DistributorClient, amount: int | str,
                   user: User | None) -> wire.DepositTicket:
    """Ask for a ticket of ``amount`` rupiah; the reply holds the unique amount to transfer.
    The owner's: a ticket tells someone to send money to a bank account."""
    require(user, Permission.REQUEST_DEPOSIT)
    ticket = client.create_deposit_ticket(check_amount(amount))
    _remember(kiosk, [ticket])
    from kiosk_pos.core import audit

    audit.note(kiosk.db, "deposit.ticket", user, kiosk.clock, ticket=ticket.id,
               amount=ticket.amount_to_transfer)
    return ticket


def list_tickets(kiosk: Kiosk, client: DistributorClient) -> list[wire.DepositTicket]:
    """The kiosk's tickets, newest first, fresh from the distributor."""
    tickets = sorted(client.deposit_tickets().tickets, key=lambda t: t.id, reverse=True)
    if tickets:
        _remember(kiosk, tickets)
    return tickets


def cached_tickets(kiosk: Kiosk) -> list[wire.DepositTicket]:
    """The tickets seen last time (works offline); statuses may be out of date."""
    return [wire.DepositTicket.model_validate(t) for t in deposit_tickets.remembered(kiosk)]


def ticket_json(ticket: wire.DepositTicket) -> dict:
    return ticket.model_dump(mode="json")
