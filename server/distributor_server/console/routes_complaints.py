"""Complaint pages: the queue (oldest first, SLA timers) and one complaint with the top-up's
timeline and the desk's forms. Every form posts the session's CSRF token and is answered
303 back to the complaint with a one-time sentence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server import desk_settings
from distributor_server.console import complaint_actions as actions
from distributor_server.console import complaint_queries, complaint_texts, i18n, queries
from distributor_server.console.money import ConsoleRefusal
from distributor_server.console.routes_money import _amount
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
    lang_of,
    need,
    render,
    see_other,
)

i18n.TEXT.update(complaint_texts.TEXT)
router = APIRouter(prefix=PREFIX, include_in_schema=False)
Viewer = Annotated[ConsoleSession, Depends(need(Permission.COMPLAINTS))]
Desk = Annotated[ConsoleSession, Depends(need(Permission.COMPLAINT_ANSWER))]
Refunder = Annotated[ConsoleSession, Depends(need(Permission.COMPLAINT_REFUND))]


def _sla_text(request: Request, minutes: int) -> str:
    lang = lang_of(request)
    if minutes % 60 == 0:
        return i18n.t(lang, "sla_hours", n=minutes // 60)
    return i18n.t(lang, "sla_minutes", n=minutes)


@router.get("/complaints")
def complaint_queue(request: Request, staff: Viewer) -> Response:
    ctx = ctx_of(request)
    rows = complaint_queries.queue(ctx)
    sla = desk_settings.load(ctx.db).complaint_sla_minutes
    return render(request, "complaints.html", staff=staff, nav="complaints", rows=rows,
                  closed=complaint_queries.recently_closed(ctx),
                  sla_text=_sla_text(request, sla))


def _number(text: str) -> int:
    number = _id_or_none(text)
    if number is None:
        raise PageNotFound()
    return number


@router.get("/complaints/{row_id}")
def complaint_page(request: Request, row_id: str, staff: Viewer) -> Response:
    ctx = ctx_of(request)
    found = complaint_queries.complaint(ctx, _number(row_id))
    if found is None:
        raise PageNotFound()
    row, steps = found
    timeline = queries.topup_with_timeline(ctx, row.topup_id)
    return render(request, "complaint.html", staff=staff, nav="complaints", c=row,
                  steps=steps, timeline=timeline[1] if timeline else [])


def _act(request: Request, row_id: str, staff: ConsoleSession, csrf: str, work: object
         ) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _number(row_id)
    page = f"{PREFIX}/complaints/{number}"
    try:
        done = work(ctx_of(request), actor(request, staff), number)  # type: ignore[operator]
    except ConsoleRefusal as exc:
        return flash(see_other(page), request, exc.key, error=True, **exc.values)
    values = dict(done.values)
    if "amount" in values:
        values["amount"] = i18n.rp(values["amount"])
    return flash(see_other(page), request, done.key, **values)


@router.post("/complaints/{row_id}/recheck")
def recheck(request: Request, row_id: str, staff: Desk, csrf: str = Form("")) -> Response:
    return _act(request, row_id, staff, csrf, actions.recheck)


@router.post("/complaints/{row_id}/answer")
def answer(request: Request, row_id: str, staff: Desk, csrf: str = Form(""),
           text: str = Form("")) -> Response:
    return _act(request, row_id, staff, csrf,
                lambda ctx, who, n: actions.answer(ctx, who, n, text))


@router.post("/complaints/{row_id}/sn")
def sn_proof(request: Request, row_id: str, staff: Desk, csrf: str = Form(""),
             sn: str = Form(""), text: str = Form("")) -> Response:
    return _act(request, row_id, staff, csrf,
                lambda ctx, who, n: actions.sn_proof(ctx, who, n, sn, text))


@router.post("/complaints/{row_id}/resend")
def resend(request: Request, row_id: str, staff: Desk, csrf: str = Form(""),
           text: str = Form("")) -> Response:
    return _act(request, row_id, staff, csrf,
                lambda ctx, who, n: actions.resend(ctx, who, n, text))


@router.post("/complaints/{row_id}/refund")
def refund(request: Request, row_id: str, staff: Refunder, csrf: str = Form(""),
           amount: str = Form(""), text: str = Form("")) -> Response:
    value = _amount(amount) if amount.strip() else None
    if amount.strip() and value is None:
        check_csrf(staff.csrf_token, csrf)
        return flash(see_other(f"{PREFIX}/complaints/{_number(row_id)}"), request,
                     "amount_bad", error=True)
    return _act(request, row_id, staff, csrf,
                lambda ctx, who, n: actions.refund(ctx, who, n, value, text))


@router.post("/complaints/{row_id}/close")
def close(request: Request, row_id: str, staff: Desk, csrf: str = Form(""),
          text: str = Form("")) -> Response:
    return _act(request, row_id, staff, csrf,
                lambda ctx, who, n: actions.close(ctx, who, n, text))
