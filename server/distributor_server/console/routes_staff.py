"""The staff page (admin): list, add, reset, disable and enable staff accounts. The
enrolment (authenticator QR code, otpauth URI, recovery codes) shows once, on the page
answering the POST."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server.clock import utcnow
from distributor_server.console import sessions, staff, staff_admin
from distributor_server.console.qr_svg import qr_svg
from distributor_server.console.routes_pages import _id_or_none
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    PageNotFound,
    Permission,
    actor,
    check_csrf,
    cookie_key,
    ctx_of,
    flash,
    need,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Admin = Annotated[ConsoleSession, Depends(need(Permission.STAFF))]
PAGE = f"{PREFIX}/staff"
REVEAL_SECONDS = 300  # as the kiosk secret's page (routes_kiosk_admin.py)


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


def _codes_key(request: Request) -> bytes:
    return hmac.new(ctx_of(request).master_key, b"console recovery codes v1",
                    hashlib.sha256).digest()


@router.post("/staff/{staff_id}/reset")
def reset(request: Request, staff_id: str, me: Admin, csrf: str = Form(""),
          password: str = Form("")) -> Response:
    """Answered 303 to the enrolment page (POST-redirect-GET): reloading that page shows the
    same enrolment again instead of resetting the account a second time."""
    check_csrf(me.csrf_token, csrf)
    try:
        enrolment = staff_admin.reset(ctx_of(request).db, actor(request, me),
                                      _staff_id(staff_id), password,
                                      code_key=_codes_key(request))
    except staff.StaffError as exc:
        return flash(see_other(PAGE), request, exc.key, error=True)
    secret = totp_secret_of(enrolment.otpauth_uri)
    expires = int(time.time()) + REVEAL_SECONDS
    token = (f"enrol-{enrolment.staff_id}-{staff_admin.secret_fingerprint(secret)}-{expires}-"
             f"{me.row_id[:16]}")
    signed = quote(sessions.sign(cookie_key(request), token))
    return see_other(f"{PAGE}/{enrolment.staff_id}/enrolment?t={signed}")


def totp_secret_of(uri: str) -> str:
    return parse_qs(urlsplit(uri).query)["secret"][0]


@router.get("/staff/{staff_id}/enrolment")
def enrolment_page(request: Request, staff_id: str, me: Admin, t: str = "") -> Response:
    """A reset's enrolment, for the admin whose session reset it, for ``REVEAL_SECONDS``
    and only until the account first uses its new authenticator or a recovery code."""
    number = _staff_id(staff_id)
    parts = (sessions.unsign(cookie_key(request), t) or "").split("-")
    enrolment = None
    if (len(parts) == 5 and parts[0] == "enrol" and parts[1] == str(number)
            and parts[3].isdigit() and int(parts[3]) >= time.time()
            and parts[4] == me.row_id[:16]):
        enrolment = staff_admin.enrolment_again(ctx_of(request).db, number, parts[2],
                                                _codes_key(request))
    if enrolment is None:
        return render(request, "message.html", 410, staff=me, title_key="enrolment_gone_title",
                      text_key="enrolment_gone")
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
