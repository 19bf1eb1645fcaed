"""Sign-in in two steps at one address, sign-out and the language switch.

``GET /console/login`` shows the password form, or the code form when the browser holds a
half-finished sign-in. ``POST /console/login`` with ``username`` and ``password`` starts the
half-finished session; a POST with ``code`` finishes it (a new session row and cookie, so a
cookie seen before sign-in is worth nothing after it).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from distributor_server.console import i18n, sessions, staff
from distributor_server.console.web import (
    LANG_COOKIE,
    LOGIN,
    PREFIX,
    actor,
    check_csrf,
    cookie_key,
    ctx_of,
    current_session,
    render,
    see_other,
    set_cookie,
)

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _pre_token(request: Request) -> str | None:
    return sessions.unsign(cookie_key(request), request.cookies.get(sessions.PRE_COOKIE))


def _password_form(request: Request, status: int = 200, error: str = "",
                   username: str = "") -> Response:
    token = _pre_token(request) or secrets.token_urlsafe(24)
    reply = render(request, "login.html", status, csrf=token, error=error, username=username,
                   step="password")
    set_cookie(reply, sessions.PRE_COOKIE, sessions.sign(cookie_key(request), token), request)
    return reply


def _code_form(request: Request, pending: sessions.ConsoleSession, status: int = 200,
               error: str = "") -> Response:
    return render(request, "login.html", status, csrf=pending.csrf_token, error=error,
                  username=pending.username, step="code")


@router.get("/login")
def login_page(request: Request) -> Response:
    current = current_session(request)
    if current is not None and current.stage == sessions.STAGE_SIGNED_IN:
        return see_other(f"{PREFIX}/")
    if current is not None:
        return _code_form(request, current)
    return _password_form(request)


@router.post("/login")
def login_submit(request: Request, username: str = Form(""), password: str = Form(""),
                 code: str = Form(""), csrf: str = Form("")) -> Response:
    current = current_session(request)
    if code or (current is not None and current.stage == sessions.STAGE_PASSWORD
                and not password):
        return _finish(request, current, code, csrf)
    check_csrf(_pre_token(request), csrf)
    ctx = ctx_of(request)
    try:
        staff_id = staff.check_password(ctx.db, username, password,
                                        actor(request, None, username))
    except staff.StaffError as exc:
        return _password_form(request, 401, exc.key, username[:64])
    if current is not None:
        sessions.revoke(ctx.db, _token(request) or "")
    token = sessions.start(ctx.db, staff_id, sessions.STAGE_PASSWORD)
    reply = see_other(LOGIN)
    set_cookie(reply, sessions.COOKIE, sessions.sign(cookie_key(request), token), request)
    return reply


def _token(request: Request) -> str | None:
    return sessions.unsign(cookie_key(request), request.cookies.get(sessions.COOKIE))


def _finish(request: Request, pending: sessions.ConsoleSession | None, code: str, csrf: str
            ) -> Response:
    if pending is None or pending.stage != sessions.STAGE_PASSWORD:
        # the half-finished sign-in ran out (or there never was one): start again
        reply = _password_form(request, 401, "signin_expired")
        reply.delete_cookie(sessions.COOKIE, path=f"{PREFIX}/")
        return reply
    check_csrf(pending.csrf_token, csrf)
    ctx = ctx_of(request)
    try:
        staff.check_code(ctx.db, pending.staff_id, code[:32], actor(request, pending))
    except staff.StaffError as exc:
        if exc.key == "locked":
            sessions.revoke(ctx.db, _token(request) or "")
            reply = _password_form(request, 401, exc.key, pending.username)
            reply.delete_cookie(sessions.COOKIE, path=f"{PREFIX}/")
            return reply
        return _code_form(request, pending, 401, exc.key)
    sessions.revoke(ctx.db, _token(request) or "")
    token = sessions.start(ctx.db, pending.staff_id, sessions.STAGE_SIGNED_IN)
    reply = see_other(f"{PREFIX}/")
    set_cookie(reply, sessions.COOKIE, sessions.sign(cookie_key(request), token), request)
    reply.delete_cookie(sessions.PRE_COOKIE, path=f"{PREFIX}/")
    return reply


@router.post("/login/restart")
def login_restart(request: Request, csrf: str = Form("")) -> Response:
    """Leave a half-finished sign-in (another user at the same browser)."""
    current = current_session(request)
    if current is not None and current.stage == sessions.STAGE_PASSWORD:
        check_csrf(current.csrf_token, csrf)
        sessions.revoke(ctx_of(request).db, _token(request) or "")
    reply = see_other(LOGIN)
    reply.delete_cookie(sessions.COOKIE, path=f"{PREFIX}/")
    return reply


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    current = current_session(request)
    if current is not None:
        check_csrf(current.csrf_token, csrf)
        ctx = ctx_of(request)
        sessions.revoke(ctx.db, _token(request) or "")
        from distributor_server.console import audit

        audit.record(ctx.db, actor(request, current), "signout", current.username)
    reply = see_other(LOGIN)
    reply.delete_cookie(sessions.COOKIE, path=f"{PREFIX}/")
    return reply


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = f"{PREFIX}/") -> Response:
    """Remembers the language in a cookie; moves nothing on the server, so a link will do."""
    target = next if next.startswith(f"{PREFIX}/") and "//" not in next else f"{PREFIX}/"
    reply = see_other(target)
    if lang in i18n.LANGS:
        set_cookie(reply, LANG_COOKIE, lang, request, max_age=365 * 24 * 3600)
    return reply
