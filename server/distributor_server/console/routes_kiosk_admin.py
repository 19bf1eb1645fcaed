"""Kiosk management pages (admin): add a kiosk, rotate its secret, disable or enable it.
The secret shows once, on the page answering the POST, never in a redirect or cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from distributor_server import kiosks
from distributor_server.console import kiosk_admin
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
    ctx_of,
    flash,
    need,
    render,
    see_other,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Manager = Annotated[ConsoleSession, Depends(need(Permission.KIOSKS_MANAGE))]


def _server_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _secret_page(request: Request, staff: ConsoleSession, creds: kiosks.KioskCredentials,
                 rotated: bool) -> Response:
    payload = kiosk_admin.setup_payload(_server_url(request), creds)
    return render(request, "kiosk_secret.html", staff=staff, nav="kiosks", creds=creds,
                  rotated=rotated, server_url=_server_url(request),
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
    return _secret_page(request, staff, creds, rotated=False)


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
    return _secret_page(request, staff, creds, rotated=True)


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
