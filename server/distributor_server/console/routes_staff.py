"""The staff page (admin): list, add, reset, disable and enable staff accounts. The
enrolment (authenticator QR code, otpauth URI, recovery codes) shows once, on the page
answering the POST."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server.clock import utcnow
from distributor_server.console import staff, staff_admin
from distributor_server.console.qr_svg import qr_svg
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
Admin = Annotated[ConsoleSession, Depends(need(Permission.STAFF))]
PAGE = f"{PREFIX}/staff"


@router.get("/staff")
def staff_list(request: Request, me: Admin) -> Response:
    return render(request, "staff.html", staff=me, nav="staff",
                  rows=staff.list_staff(ctx_of(request).db), roles=staff.ROLES, now=utcnow())


def _enrolment_page(request: Request, me: ConsoleSession, enrolment: staff.Enrolment,
                    reset: bool) -> Response:
    return render(request, "staff_enrolment.html", staff=me, nav="staff", e=enrolment,
                  reset=reset, qr=qr_svg(enrolment.otpauth_uri, "otpauth"))


@router.post("/staff")
def add_staff(request: Request, me: Admin, csrf: str = Form(""), username: str = Form(""),
              role: str = Form(""), password: str = Form("")) -> Response:
    check_csrf(me.csrf_token, csrf)
    try:
        enrolment = staff_admin.add(ctx_of(request).db, actor(request, me), username, role,
                                    password)
    except staff.StaffError as exc:
        return flash(see_other(PAGE), request, exc.key, error=True)
    return _enrolment_page(request, me, enrolment, reset=False)


def _staff_id(text: str) -> int:
    number = _id_or_none(text)
    if number is None:
        raise PageNotFound()
    return number


@router.post("/staff/{staff_id}/reset")
def reset(request: Request, staff_id: str, me: Admin, csrf: str = Form(""),
          password: str = Form("")) -> Response:
    check_csrf(me.csrf_token, csrf)
    try:
        enrolment = staff_admin.reset(ctx_of(request).db, actor(request, me),
                                      _staff_id(staff_id), password)
    except staff.StaffError as exc:
        return flash(see_other(PAGE), request, exc.key, error=True)
    return _enrolment_page(request, me, enrolment, reset=True)


def _set_active(request: Request, me: ConsoleSession, staff_id: str, csrf: str,
                active: bool) -> Response:
    check_csrf(me.csrf_token, csrf)
    try:
        name = staff_admin.set_active(ctx_of(request).db, actor(request, me),
                                      _staff_id(staff_id), active)
    except staff.StaffError as exc:
        return flash(see_other(PAGE), request, exc.key, error=True)
    return flash(see_other(PAGE), request, "staff_enabled" if active else "staff_disabled",
                 user=name)


@router.post("/staff/{staff_id}/disable")
def disable(request: Request, staff_id: str, me: Admin, csrf: str = Form("")) -> Response:
    return _set_active(request, me, staff_id, csrf, active=False)


@router.post("/staff/{staff_id}/enable")
def enable(request: Request, staff_id: str, me: Admin, csrf: str = Form("")) -> Response:
    return _set_active(request, me, staff_id, csrf, active=True)
