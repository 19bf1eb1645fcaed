"""``distributor-server admin``: console staff from the command line (the first admin).

``admin add --username U --role R`` asks for the password twice on a terminal (or reads one
line from stdin with ``--password-stdin``), then prints the ``otpauth://`` URI to enrol an
authenticator app (on a terminal also as a QR code to scan) and the recovery codes, each
shown this once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from distributor_server.console import staff
from distributor_server.context import ServerContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
             parser_class: type[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser("admin", parents=[common], help="console staff (web sign-in)")
    asub = admin.add_subparsers(dest="action", required=True, parser_class=parser_class)
    add = asub.add_parser("add", parents=[common],
                          help="create a staff user; prints the otpauth:// enrolment URI")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=staff.ROLES)
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of stdin (for scripts)")
    asub.add_parser("list", parents=[common], help="list staff users")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise ValueError("--password-stdin was given but stdin is empty; pipe the "
                             "password in, e.g. printf '%s\\n' \"$PASSWORD\" | ...")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("there is no terminal to ask for the password; pass "
                         "--password-stdin and pipe the password in.")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("Password again: ") != first:
        raise ValueError("the two passwords differ; run the command again.")
    return first


def terminal_qr(text: str) -> str:
    """``text`` as a QR code in block characters, dark on a light terminal or the reverse."""
    import io

    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(text)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue().rstrip("\n")


def run(args: argparse.Namespace, ctx: ServerContext) -> int:
    if args.action == "list":
        rows = staff.list_staff(ctx.db)
        if args.json:
            print(json.dumps([{"username": r.username, "role": r.role, "active": r.active,
                               "locked_until": r.locked_until} for r in rows],
                             indent=2, default=str))
        else:
            print("\n".join(f"{r.username:<24} {r.role:<8} "
                            f"{'active' if r.active else 'disabled'}" for r in rows)
                  or "no staff users yet")
        return 0
    password = _read_password(args)
    enrolment = staff.create_staff(ctx.db, args.username, args.role, password)
    if args.json:
        print(json.dumps({"username": enrolment.username, "role": enrolment.role,
                          "otpauth_uri": enrolment.otpauth_uri,
                          "recovery_codes": enrolment.recovery_codes}, indent=2))
        return 0
    print(f"staff user {enrolment.username} ({enrolment.role}) created.")
    if sys.stdout.isatty():
        print("Scan this with an authenticator app (Google Authenticator, Aegis, ...):")
        print(terminal_qr(enrolment.otpauth_uri))
    print("Or type this into the app:")
    print(enrolment.otpauth_uri)
    print("Recovery codes, each works once; keep them somewhere safe (shown only now):")
    print("  " + "  ".join(enrolment.recovery_codes))
    return 0
