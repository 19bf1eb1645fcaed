"""``kiosk-pos audit``: the audit trail of a day, newest first, a page at a time.

A thin face over :meth:`AuditService.page` (the owner's, as the core decides): ``--who``
keeps one person's rows (a user's id, or a name as the rows were written), ``--action`` a
group of actions (a prefix such as ``shift.`` or ``user.locked``), ``--before ID`` the page
after the row ``ID`` (the last one of the page before), ``--limit`` the page's size.

``--user`` is not a filter here: as on every command that takes ``--pin``, it names the
person typing the PIN (so wrong PINs count against their own lockout).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kiosk_pos.cli.args import day, record_id, shown, text, whole
from kiosk_pos.cli.common import EXIT_OK, CliError, open_kiosk, print_json
from kiosk_pos.cli.staff import acting, add_pin
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.audit import AuditEntry
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User

MAX_LIMIT = 500


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    from kiosk_pos.core.audit import ACTION_FILTERS  # the groups the audit screen offers

    p = subparsers.add_parser("audit", parents=[common], help="the audit trail of a day")
    p.add_argument("--date", type=day, help="the day, YYYY-MM-DD (default: today)")
    p.add_argument("--action", metavar="GROUP", type=text(48, empty=False),
                   help="only actions starting with this: " + ", ".join(ACTION_FILTERS))
    p.add_argument("--who", metavar="NAME_OR_ID", type=text(60, empty=False),
                   help="only this person's actions: a user id (user list) or a name")
    p.add_argument("--before", metavar="ID", type=record_id,
                   help="the rows older than audit row ID (the last of the page before)")
    p.add_argument("--limit", metavar="N", type=whole(1, MAX_LIMIT),
                   help=f"rows per page, 1-{MAX_LIMIT} (default 50)")
    add_pin(p, "the owner's PIN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_audit)


def _person(kiosk: Kiosk, actor: User, who: str | None) -> dict[str, Any]:
    """``--who`` as the page's filter: a user's id (every row of that person, whatever
    their name was), a current user's name, or a name only old rows carry (renamed)."""
    if who is None:
        return {}
    value = who.strip()
    members = kiosk.staff.list_all(actor)  # the owner's (the core refuses anyone else)
    if value.isascii() and value.isdigit():
        match = next((m for m in members if str(m.id) == value.lstrip("0")), None)
        if match is not None:
            return {"user_id": match.id}
        if not any(m.name == value for m in members):
            raise CliError(tr("audit.no_user", who=shown(value)))
    return {"who": value}


def _json(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "created_at": e.created_at.isoformat(), "user": e.user_name,
            "action": e.action, "approver": e.approver_name, "detail": e.detail}


def cmd_audit(args: argparse.Namespace) -> int:
    from kiosk_pos.core.audit import PAGE_SIZE

    kiosk = open_kiosk(args)
    try:
        actor = acting(kiosk, args)
        when = args.date or kiosk.today()
        after = None
        if args.before is not None:
            after = kiosk.audit.cursor_at(actor, args.before)
            if after is None:
                raise CliError(tr("audit.no_row", id=args.before))
        page = kiosk.audit.page(actor, when, when, action=args.action, after=after,
                                size=args.limit or PAGE_SIZE,
                                **_person(kiosk, actor, args.who))
        if args.json:
            print_json([_json(e) for e in page.entries])
            return EXIT_OK
        if not page.entries:
            print(tr("audit.none", date=when.isoformat()))
            return EXIT_OK
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(kiosk.timezone())
        for e in page.entries:
            extra = " ".join(f"{k}={v}" for k, v in e.detail.items() if v is not None)
            approver = f" (disetujui {e.approver_name})" if e.approver_name else ""
            print(f"#{e.id:<5} {e.created_at.astimezone(zone):%H:%M:%S} "
                  f"{e.user_name or '-':<12} {e.action:<18}{approver} {extra}")
        if page.more:
            print(tr("audit.more", id=page.entries[-1].id))
        return EXIT_OK
    finally:
        kiosk.close()
