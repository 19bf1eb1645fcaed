"""Staff commands: ``user add|list|disable|pin|unlock|idle-lock`` (``audit``: cli/audit.py).

``--pin`` identifies the acting person by their PIN; ``--user NAME`` (optional) names them
first, so a wrong PIN counts against that user's lockout instead of the PIN-only counter.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kiosk_pos.cli.args import text, whole
from kiosk_pos.cli.common import EXIT_OK, CliError, open_kiosk, print_json
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User

ROLES = ("owner", "supervisor", "clerk")


def add_pin(parser: argparse.ArgumentParser, what: str = "your PIN") -> None:
    parser.add_argument("--pin", type=text(32), help=what)
    parser.add_argument("--user", metavar="NAME", type=text(60),
                        help="your user name (who the PIN is for)")


def acting(kiosk: Kiosk, args: argparse.Namespace) -> User:
    """The person whose PIN ``--pin`` is (and, with ``--user``, whose name it is)."""
    if not args.pin:
        raise CliError(tr("error.pin_required"))
    return kiosk.users.authenticate(args.pin, args.user)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    from kiosk_pos.core.staff import MAX_IDLE_LOCK

    p = subparsers.add_parser("user", parents=[common], help="staff: add, list, disable, PINs")
    sub = p.add_subparsers(dest="user_command", required=True, parser_class=type(p))
    a = sub.add_parser("add", parents=[common], help="add a user (owner PIN)")
    a.add_argument("--name", required=True, type=text(60),
                   help="the new user's name")
    a.add_argument("--role", help="what the person may do", required=True, choices=ROLES)
    a.add_argument("--new-pin", required=True, type=text(32), help="the new user's PIN, 4-8 digits")
    add_pin(a, "the owner's PIN")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_user_add)
    ls = sub.add_parser("list", parents=[common], help="every user, disabled ones too")
    add_pin(ls, "the owner's PIN")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_user_list)
    d = sub.add_parser("disable", parents=[common], help="disable a user (owner PIN)")
    d.add_argument("name", metavar="NAME", type=text(60), help="the user to disable")
    add_pin(d, "the owner's PIN")
    d.set_defaults(handler=cmd_user_disable)
    pn = sub.add_parser("pin", parents=[common],
                        help="change a PIN: your own (--pin is the old one) or, as owner, anyone's")
    pn.add_argument("name", metavar="NAME", type=text(60), help="whose PIN changes")
    pn.add_argument("--new-pin", required=True, type=text(32), help="the new PIN, 4-8 digits")
    add_pin(pn, "your PIN (your old PIN when it is your own)")
    pn.set_defaults(handler=cmd_user_pin)
    u = sub.add_parser("unlock", parents=[common], help="lift a lockout (owner PIN)")
    u.add_argument("name", metavar="NAME", nargs="?", type=text(60),
                   help="the user (none: the PIN pad)")
    add_pin(u, "the owner's PIN")
    u.set_defaults(handler=cmd_user_unlock)
    il = sub.add_parser("idle-lock", parents=[common],
                        help="show or set the idle screen lock's minutes (owner PIN)")
    il.add_argument("--minutes", metavar="N", type=whole(0, MAX_IDLE_LOCK),
                    help=f"lock the screen after N idle minutes, 0-{MAX_IDLE_LOCK} (0: never)")
    add_pin(il, "the owner's PIN")
    il.add_argument("--json", action="store_true")
    il.set_defaults(handler=cmd_user_idle_lock)


def _role(text: str) -> Any:
    from kiosk_pos.core.records import Role

    return Role(text)


def cmd_user_add(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        user = kiosk.staff.add(acting(kiosk, args), args.name, _role(args.role), args.new_pin)
        if args.json:
            print_json({"id": user.id, "name": user.name, "role": user.role.value})
        else:
            print(tr("user.added", name=user.name, role=user.role.value))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_user_list(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        members = kiosk.staff.list_all(acting(kiosk, args))
        rows = [{"id": m.id, "name": m.name, "role": m.role.value, "active": m.active,
                 "locked_until": m.locked_until.isoformat() if m.locked_until else None}
                for m in members]
        if args.json:
            print_json(rows)
        for r in rows if not args.json else ():
            state = "aktif" if r["active"] else "nonaktif"
            lock = f" terkunci s/d {r['locked_until']}" if r["locked_until"] else ""
            print(f"{r['id']:>3} {r['name']:<20} {r['role']:<11} {state}{lock}")
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_user_disable(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        kiosk.staff.disable(acting(kiosk, args), args.name)
        print(tr("user.disabled", name=args.name))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_user_pin(args: argparse.Namespace) -> int:
    """Your own PIN (``--pin`` is the old one), or the owner setting someone else's."""
    kiosk = open_kiosk(args)
    try:
        actor = acting(kiosk, args)
        if actor.name == args.name.strip():
            kiosk.staff.change_own_pin(actor, args.pin, args.new_pin)
        else:
            kiosk.staff.reset_pin(actor, args.name, args.new_pin)
        print(tr("user.pin_set", name=args.name.strip()))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_user_unlock(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        kiosk.staff.unlock(acting(kiosk, args), args.name)
        print(tr("user.unlocked", name=args.name or "PIN pad"))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_user_idle_lock(args: argparse.Namespace) -> int:
    """Show the idle-lock minutes, or with ``--minutes`` set them (owner; audited)."""
    kiosk = open_kiosk(args)
    try:
        actor = acting(kiosk, args)
        if args.minutes is None:
            minutes = kiosk.staff.idle_lock_for(actor)
        else:
            kiosk.staff.set_idle_lock(actor, args.minutes)
            minutes = args.minutes
        if args.json:
            print_json({"idle_lock_minutes": minutes})
        elif minutes:
            print(tr("user.idle_lock", minutes=minutes))
        else:
            print(tr("user.idle_lock_never"))
        return EXIT_OK
    finally:
        kiosk.close()
