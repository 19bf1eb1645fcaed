"""Kiosk management pages (admin): add a kiosk, rotate its secret, disable or enable it.

Adding or rotating answers 303 to the kiosk's secret page with a short-lived token signed for
this browser's session and this secret generation (so a reload shows the secret again
instead of making a second kiosk or rotating twice); the secret itself is never in a URL or
cookie: the page derives it from the master key. The link dies after ``REVEAL_SECONDS``, at
sign-out, and at the next rotation."""

from __future__ import annotations

import time
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server import kiosks
from distributor_server.console import kiosk_admin, queries, sessions
from distributor_server.console.money import ConsoleRefusal
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
Manager = Annotated[ConsoleSession, Depends(need(Permission.KIOSKS_MANAGE))]


REVEAL_SECONDS = 300


def _server_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _reveal(request: Request, staff: ConsoleSession, creds: kiosks.KioskCredentials,
            rotated: bool) -> Response:
    generation = kiosk_admin.generation(ctx_of(request), creds.kiosk_id)
    expires = int(time.time()) + REVEAL_SECONDS
    token = (f"reveal-{creds.kiosk_id}-{generation}-{expires}-{int(rotated)}-"
             f"{staff.row_id[:16]}")
    signed = quote(sessions.sign(cookie_key(request), token))
    return see_other(f"{PREFIX}/kiosks/{creds.kiosk_id}/secret?t={signed}")


@router.get("/kiosks/{kiosk_id}/secret")
def secret_page(request: Request, kiosk_id: str, staff: Manager, t: str = "") -> Response:
    number = _kiosk_id(kiosk_id)
    token = sessions.unsign(cookie_key(request), t) or ""
    parts = token.split("-")
    ctx = ctx_of(request)
    if (len(parts) != 6 or parts[0] != "reveal" or parts[1] != str(number)
            or not all(p.isdigit() for p in parts[1:5]) or int(parts[3]) < time.time()
            or parts[5] != staff.row_id[:16]
            or int(parts[2]) != kiosk_admin.generation(ctx, number)):
        return render(request, "message.html", 410, staff=staff, title_key="secret_gone_title",
                      text_key="secret_gone")
    name = queries.kiosk_rows(ctx, number)[0].name
    creds = kiosks.KioskCredentials(number, name, ctx.secret_for(number, int(parts[2])))
    payload = kiosk_admin.setup_payload(_server_url(request), creds)
    return render(request, "kiosk_secret.html", staff=staff, nav="kiosks", creds=creds,
                  rotated=parts[4] == "1", server_url=_server_url(request),
                  qr=qr_svg(payload, "QR"))


@router.get("/kiosks-new")
def new_kiosk_form(request: Request, staff: Manager) -> Response:
    return render(request, "kiosk_new.html", staff=staff, nav="kiosks")


@router.post("/kiosks-new")
def add_kiosk(request: Request, staff: Manager, csrf: str = Form(""), name: str = Form("")
              ) -> Response:
    check_csrf(staff.csrf_token, csrf)
    try:
        creds = kiosk_admin.add_kiosk(ctx_of(request), actor(request, staff), name)
    except ConsoleRefusal as exc:
        return flash(see_other(f"{PREFIX}/kiosks-new"), request, exc.key, error=True)
    return _reveal(request, staff, creds, rotated=False)


def _kiosk_id(text: str) -> int:
    number = _id_or_none(text)
    if number is None:
        raise PageNotFound()
    return number


@router.post("/kiosks/{kiosk_id}/rotate")
def rotate(request: Request, kiosk_id: str, staff: Manager, csrf: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _kiosk_id(kiosk_id)
    try:
        creds = kiosk_admin.rotate(ctx_of(request), actor(request, staff), number)
    except ConsoleRefusal:
        raise PageNotFound() from None
    return _reveal(request, staff, creds, rotated=True)


def _set_active(request: Request, staff: ConsoleSession, kiosk_id: str, csrf: str,
                active: bool) -> Response:
    check_csrf(staff.csrf_token, csrf)
    number = _kiosk_id(kiosk_id)
    try:
        name = kiosk_admin.set_active(ctx_of(request), actor(request, staff), number, active)
    except ConsoleRefusal:
        raise PageNotFound() from None
    return flash(see_other(f"{PREFIX}/kiosks/{number}"), request,
                 "kiosk_enabled" if active else "kiosk_disabled", kiosk=name)


@router.post("/kiosks/{kiosk_id}/disable")
def disable(request: Request, kiosk_id: str, staff: Manager, csrf: str = Form("")) -> Response:
    return _set_active(request, staff, kiosk_id, csrf, active=False)


@router.post("/kiosks/{kiosk_id}/enable")
def enable(request: Request, kiosk_id: str, staff: Manager, csrf: str = Form("")) -> Response:
    return _set_active(request, staff, kiosk_id, csrf, active=True)
