"""The console's web plumbing: templates, who is signed in, role checks, CSRF, mounting.

Every page takes ``Depends(need(Permission))``: signed out -> 303 to ``/console/login``;
signed in with a role that lacks the permission -> 403 page. Every form posts ``csrf``, the
session's token (before sign-in: the double-submit token of the ``console_signin`` cookie).
"""

from __future__ import annotations

import base64
import hmac
import json
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from distributor_server.console import i18n, sessions
from distributor_server.console.audit import Actor
from distributor_server.context import ServerContext

HERE = Path(__file__).resolve().parent
PREFIX = "/console"
LOGIN = f"{PREFIX}/login"
LANG_COOKIE = "console_lang"
FLASH_COOKIE = "console_flash"


PAGE_HEADERS = {
    "Cache-Control": "no-store",
    # no other site may frame a page whose buttons move money (clickjacking), nor load scripts
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Permission(StrEnum):
    DASHBOARD = "dashboard"
    KIOSKS = "kiosks"
    TRANSACTIONS = "transactions"
    DEPOSITS = "deposits"  # see and confirm/reject deposit tickets
    ADJUST = "adjust"  # manual credit/debit of a kiosk's deposit
    AUDIT = "audit"
    COMPLAINTS = "complaints"  # the complaint queue and pages
    COMPLAINT_ANSWER = "complaint_answer"  # answer, SN proof, resend, close, check upstream
    COMPLAINT_REFUND = "complaint_refund"  # refund a complaint to the kiosk's deposit
    INCIDENTS = "incidents"  # see events and incidents
    INCIDENTS_HANDLE = "incidents_handle"  # acknowledge and resolve them
    PRICES = "prices"  # the price list (isi jual): products on/off, markup rules
    KIOSKS_MANAGE = "kiosks_manage"  # add a kiosk, rotate its secret, disable/enable it
    STAFF = "staff"  # staff accounts
    SETTINGS = "settings"  # the desk settings: complaint SLA, incident thresholds


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset(Permission),
    "desk": frozenset({Permission.DASHBOARD, Permission.KIOSKS, Permission.TRANSACTIONS,
                       Permission.COMPLAINTS, Permission.COMPLAINT_ANSWER,
                       Permission.COMPLAINT_REFUND, Permission.INCIDENTS,
                       Permission.INCIDENTS_HANDLE}),
    "finance": frozenset({Permission.DASHBOARD, Permission.KIOSKS, Permission.TRANSACTIONS,
                          Permission.DEPOSITS, Permission.ADJUST, Permission.COMPLAINTS,
                          Permission.COMPLAINT_REFUND, Permission.INCIDENTS,
                          Permission.PRICES}),
    "viewer": frozenset({Permission.DASHBOARD, Permission.KIOSKS, Permission.TRANSACTIONS,
                         Permission.COMPLAINTS, Permission.INCIDENTS}),
}


def allowed(role: str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(role, frozenset())


class SignedOut(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, staff: sessions.ConsoleSession) -> None:
        super().__init__(staff.role)
        self.staff = staff


class BadCsrf(Exception):
    pass


class PageNotFound(Exception):
    pass


_env = Environment(loader=FileSystemLoader(HERE / "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def ctx_of(request: Request) -> ServerContext:
    return request.app.state.ctx


def lang_of(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, i18n.DEFAULT)
    return lang if lang in i18n.LANGS else i18n.DEFAULT


def cookie_key(request: Request) -> bytes:
    ctx = ctx_of(request)
    key = getattr(ctx, "_console_cookie_key", None)
    if key is None:
        key = sessions.cookie_key(ctx.master_key)
        ctx._console_cookie_key = key  # noqa: SLF001 - derived once per process
    return key


def render(request: Request, template: str, http_status: int = 200,
           staff: sessions.ConsoleSession | None = None, **values: object) -> HTMLResponse:
    lang = lang_of(request)
    zone = ctx_of(request).settings.timezone

    def tr(key: str, **kw: object) -> str:
        return i18n.t(lang, key, **kw)

    flash = _read_flash(request)
    html = _env.get_template(template).render(
        request=request, staff=staff, lang=lang, t=tr, rp=i18n.rp, flash=flash,
        when=lambda v, fmt="%d-%m-%Y %H:%M": i18n.local_time(v, zone, fmt),
        can=lambda p: staff is not None and allowed(staff.role, Permission(p)),
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        quote=quote, **values)
    reply = HTMLResponse(html, status_code=http_status)
    reply.headers.update(PAGE_HEADERS)
    if flash is not None:
        reply.delete_cookie(FLASH_COOKIE, path=f"{PREFIX}/")
    return reply


def flash(reply: Response, request: Request, key: str, error: bool = False,
          **values: object) -> Response:
    """A sentence for the next page (after a POST's 303): a signed cookie, read once."""
    data = json.dumps({"key": key, "error": error, "values": values}, default=str)
    token = base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")
    set_cookie(reply, FLASH_COOKIE, sessions.sign(cookie_key(request), token), request)
    return reply


def _read_flash(request: Request) -> dict | None:
    token = sessions.unsign(cookie_key(request), request.cookies.get(FLASH_COOKIE))
    if token is None:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        lang = lang_of(request)
        values = dict(data["values"])
        if "status" in values:  # a ticket's status, in the reader's words
            values["status"] = i18n.t(lang, f"ts_{values['status']}")
        text = i18n.t(lang, str(data["key"]), **values)
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return {"text": text, "error": bool(data.get("error"))}


def current_session(request: Request) -> sessions.ConsoleSession | None:
    token = sessions.unsign(cookie_key(request), request.cookies.get(sessions.COOKIE))
    return sessions.lookup(ctx_of(request).db, token)


def need(permission: Permission) -> Callable[[Request], sessions.ConsoleSession]:
    """A dependency: the signed-in staff member, who must hold ``permission``."""

    def dependency(request: Request) -> sessions.ConsoleSession:
        staff = current_session(request)
        if staff is None or staff.stage != sessions.STAGE_SIGNED_IN:
            raise SignedOut()
        if not allowed(staff.role, permission):
            raise Forbidden(staff)
        return staff

    return dependency


def check_csrf(expected: str | None, sent: str) -> None:
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise BadCsrf()


def actor(request: Request, staff: sessions.ConsoleSession | None, username: str = "") -> Actor:
    address = request.client.host if request.client else ""
    if staff is None:
        return Actor(None, username or "?", address)
    return Actor(staff.staff_id, staff.username, address)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def set_cookie(reply: Response, name: str, value: str, request: Request,
               max_age: int | None = None) -> None:
    reply.set_cookie(name, value, max_age=max_age, path=f"{PREFIX}/", httponly=True,
                     samesite="strict", secure=request.url.scheme == "https")


def mount_console(app: FastAPI) -> None:
    """Routes, static files and the console's own error pages (HTML, not the API's JSON)."""
    from distributor_server.console import (
        routes_auth,
        routes_bank,
        routes_complaints,
        routes_incidents,
        routes_kiosk_admin,
        routes_money,
        routes_pages,
        routes_prices,
        routes_settings,
        routes_staff,
    )

    app.include_router(routes_auth.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_money.router)
    for more in (routes_complaints, routes_bank, routes_incidents, routes_prices,
                 routes_kiosk_admin, routes_staff, routes_settings):
        app.include_router(more.router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="console-static")

    @app.exception_handler(SignedOut)
    async def _signed_out(_request: Request, _exc: SignedOut) -> Response:
        return see_other(LOGIN)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "message.html", 403, staff=exc.staff, title_key="forbidden_title",
                      text_key="forbidden", role=exc.staff.role)

    @app.exception_handler(BadCsrf)
    async def _bad_csrf(request: Request, _exc: BadCsrf) -> Response:
        return render(request, "message.html", 403, title_key="forbidden_title",
                      text_key="csrf_bad")

    @app.exception_handler(PageNotFound)
    async def _not_found(request: Request, _exc: PageNotFound) -> Response:
        return render(request, "message.html", 404, title_key="not_found",
                      text_key="not_found")
