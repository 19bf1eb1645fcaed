"""``kiosk-pos deposit forecast``: when the deposit runs out and how much to top it up."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk_pos.cli.args import whole
from kiosk_pos.cli.common import open_kiosk, print_json

MAX_DAYS = 60


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("deposit", parents=[common],
                              help="the deposit: when it runs out, how much to top it up")
    sub = p.add_subparsers(dest="deposit_command", required=True)
    f = sub.add_parser("forecast", parents=[common],
                       help="when the deposit runs out, from the last 28 days of sales")
    f.add_argument("--days", type=whole(1, MAX_DAYS), default=7, metavar="N",
                   help=f"suggest a top-up that lasts N days (1-{MAX_DAYS}, default 7)")
    f.add_argument("--json", action="store_true", help="machine-readable output")
    f.set_defaults(handler=cmd_forecast)


def cmd_forecast(args: argparse.Namespace) -> int:
    from kiosk_pos.core.deposit_forecast import deposit_forecast, describe

    days = args.days
    kiosk = open_kiosk(args)
    try:
        timezone = kiosk.settings.kiosk_info().timezone
        fc = deposit_forecast(kiosk.db, timezone=timezone, days=days)
    finally:
        kiosk.close()
    if args.json:
        print_json(fc.as_json())
    else:
        print("\n".join(describe(fc, timezone)))
    return 0
