"""``distributor-server settings``: the service desk's settings from the command line.

``settings list`` prints each setting, its value, default and range; ``settings set
NAME=VALUE ...`` changes them together (all checked first: one bad pair changes nothing),
audited as done from the command line by the operating system's user.
"""

from __future__ import annotations

import argparse
import getpass
import json

from distributor_server import desk_settings
from distributor_server.context import ServerContext


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser,
             parser_class: type[argparse.ArgumentParser]) -> None:
    top = sub.add_parser("settings", parents=[common],
                         help="the desk's settings: complaint SLA, incident thresholds")
    ssub = top.add_subparsers(dest="action", required=True, parser_class=parser_class)
    ssub.add_parser("list", parents=[common], help="print the settings in force")
    change = ssub.add_parser("set", parents=[common], help="change settings, e.g. "
                             "complaint_sla_minutes=90 failure_rate_percent=30")
    change.add_argument("pairs", nargs="+", metavar="NAME=VALUE")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (OSError, KeyError):  # no user name in the environment or the password database
        return "cli"


def run(args: argparse.Namespace, ctx: ServerContext) -> int:
    from distributor_server.console.audit import Actor

    if args.action == "set":
        changes: dict[str, int] = {}
        for pair in args.pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise ValueError(f"{pair[:60]!r} is not NAME=VALUE, e.g. "
                                 "complaint_sla_minutes=90")
            key, number = desk_settings.parse(name, value)
            changes[key] = number
        changed = desk_settings.change(ctx.db, Actor(None, _who()), changes)
        if args.json:
            print(json.dumps({"changed": changed}, indent=2))
        else:
            print(", ".join(f"{k} = {v}" for k, v in changed.items()) + " set"
                  if changed else "nothing changed")
        return 0
    values = desk_settings.load(ctx.db).as_dict()
    if args.json:
        print(json.dumps(values, indent=2))
        return 0
    for s in desk_settings.SETTINGS:
        print(f"{s.name:<24} {values[s.name]:>13} {s.unit:<8} (default {s.default}, "
              f"{s.low}-{s.high})")
    return 0
