"""The desk settings page (admin): the complaint SLA and the incident rules' thresholds
(:mod:`distributor_server.desk_settings`). The form posts every value; all are checked
before any is kept (a bad one is one sentence and nothing changes); the change is audited
with the values before and after, and answered 303 back to the page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from distributor_server import desk_settings
from distributor_server.console import i18n, settings_texts
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
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

i18n.TEXT.update(settings_texts.TEXT)
router = APIRouter(prefix=PREFIX, include_in_schema=False)
Admin = Annotated[ConsoleSession, Depends(need(Permission.SETTINGS))]
PAGE = f"{PREFIX}/settings"


@router.get("/settings")
def settings_page(request: Request, staff: Admin) -> Response:
    return render(request, "settings.html", staff=staff, nav="settings",
                  values=desk_settings.load(ctx_of(request).db).as_dict(),
                  settings=desk_settings.SETTINGS)


@router.post("/settings")
async def save_settings(request: Request, staff: Admin) -> Response:
    form = await request.form()
    check_csrf(staff.csrf_token, str(form.get("csrf", "")))
    changes: dict[str, int] = {}
    try:
        for setting in desk_settings.SETTINGS:
            name, value = desk_settings.parse(setting.name, str(form.get(setting.name, "")))
            changes[name] = value
    except desk_settings.SettingRefused as exc:
        label = i18n.t(lang_of(request), f"set_{exc.values.get('name', '')}")
        return flash(see_other(PAGE), request, exc.key, error=True, label=label,
                     **exc.values)
    changed = desk_settings.change(ctx_of(request).db, actor(request, staff), changes)
    if not changed:
        return flash(see_other(PAGE), request, "settings_unchanged")
    return flash(see_other(PAGE), request, "settings_saved", names=", ".join(changed))
