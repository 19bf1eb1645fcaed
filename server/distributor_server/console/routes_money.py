"""Deposits: pending tickets (confirm, reject) and manual credit/debit of a kiosk's deposit.

Every action is a POST with the session's CSRF token, answered 303 to the page it came from
with a one-time sentence (so a reload never posts twice).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server.console import money, queries
from distributor_server.console.i18n import rp
from distributor_server.console.routes_pages import _id_or_none
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    PageNotFound,
    Permission,
    actor,
    check_csrf,
    ctx_of,
    flash,
    need,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
DEPOSITS = f"{PREFIX}/deposits"
Finance = Annotated[ConsoleSession, Depends(need(Permission.DEPOSITS))]


@router.get("/deposits")
def deposits(request: Request, staff: Finance) -> Response:
    ctx = ctx_of(request)
    closed = [t for t in queries.tickets(ctx, False, limit=60) if t.status != "open"][:30]
    return render(request, "deposits.html", staff=staff, nav="deposits",
                  pending=queries.tickets(ctx), recent=closed)


def _ticket_id(text: str) -> int:
    number = _id_or_none(text)
    if number is None:
        raise PageNotFound()
    return number


def _refused(request: Request, target: str, exc: money.ConsoleRefusal) -> Response:
    return flash(see_other(target), request, exc.key, error=True, **exc.values)


@router.post("/deposits/{ticket_id}/confirm")
def confirm(request: Request, ticket_id: str, staff: Finance, csrf: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _ticket_id(ticket_id)
    ctx = ctx_of(request)
    try:
        entry = money.confirm_ticket(ctx, actor(request, staff), number)
    except money.ConsoleRefusal as exc:
        return _refused(request, DEPOSITS, exc)
    kiosk = next((t.kiosk_name for t in queries.tickets(ctx, False) if t.id == number), "")
    return flash(see_other(DEPOSITS), request, "confirmed_msg", id=number,
                 amount=rp(entry.amount), kiosk=kiosk)


@router.post("/deposits/{ticket_id}/reject")
def reject(request: Request, ticket_id: str, staff: Finance, csrf: str = Form(""),
           reason: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _ticket_id(ticket_id)
    try:
        money.reject_ticket(ctx_of(request), actor(request, staff), number, reason)
    except money.ConsoleRefusal as exc:
        return _refused(request, DEPOSITS, exc)
    return flash(see_other(DEPOSITS), request, "rejected_msg", id=number)


def _amount(text: str) -> int | None:
    cleaned = text.strip().replace(".", "").replace(",", "").replace(" ", "")
    if cleaned.lower().startswith("rp"):
        cleaned = cleaned[2:]
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 13:
        return None
    return int(cleaned) or None


@router.post("/kiosks/{kiosk_id}/adjust")
def adjust(request: Request, kiosk_id: str,
           staff: Annotated[ConsoleSession, Depends(need(Permission.ADJUST))],
           csrf: str = Form(""), direction: str = Form(""), amount: str = Form(""),
           reason: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _ticket_id(kiosk_id)
    page = f"{PREFIX}/kiosks/{number}"
    value = _amount(amount)
    if value is None or direction not in ("credit", "debit"):
        return _refused(request, page, money.ConsoleRefusal("amount_bad"))
    signed = value if direction == "credit" else -value
    try:
        entry = money.adjust_balance(ctx_of(request), actor(request, staff), number, signed,
                                     reason)
    except money.ConsoleRefusal as exc:
        return _refused(request, page, exc)
    name = queries.kiosk_rows(ctx_of(request), number)[0].name
    return flash(see_other(page), request, "adjusted", kiosk=name,
                 balance=rp(entry.balance_after))
