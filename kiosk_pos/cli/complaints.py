"""``kiosk-pos complaint SALE_ID --reason R [--note T]`` and ``kiosk-pos complaints``.

A complaint is saved locally and waits in the outbox; ``kiosk-pos sync`` (or the running
app) sends it to the distributor, whose answers come back with the change feed.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk_pos.cli.args import record_id, text
from kiosk_pos.cli.common import EXIT_OK, open_kiosk, print_json

REASONS = ("not_received", "wrong_number", "token_unusable", "other")
PIN = text(32)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("complaint", parents=[common],
                              help="complain about a sale's top-up (komplain)")
    p.add_argument("sale_id", type=record_id, metavar="SALE_ID",
                   help="the sale whose top-up is complained about")
    p.add_argument("--reason", required=True, choices=REASONS,
                   help="not_received (pulsa belum masuk), wrong_number (salah nomor), "
                        "token_unusable (token tidak bisa dipakai) or other (needs --note)")
    p.add_argument("--note", type=text(500), default="", help="what the customer says")
    p.add_argument("--pin", required=True, type=PIN, help="the clerk's PIN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_complaint)

    p = subparsers.add_parser("complaints", parents=[common],
                              help="complaints and the distributor's answers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_complaints)


def cmd_complaint(args: argparse.Namespace) -> int:
    from kiosk_pos.i18n import tr

    kiosk = open_kiosk(args)
    try:
        clerk = kiosk.users.authenticate(args.pin)
        record = kiosk.complaints.file(clerk, args.sale_id, args.reason, args.note)
    finally:
        kiosk.close()
    if args.json:
        print_json(record.as_json())
    else:
        print(tr("cli.complaints.filed", sale=record.sale_id))
    return EXIT_OK


def cmd_complaints(args: argparse.Namespace) -> int:
    from kiosk_pos.core.complaints import answer_text
    from kiosk_pos.i18n import tr

    kiosk = open_kiosk(args)
    try:
        records = kiosk.complaints.list()
    finally:
        kiosk.close()
    if args.json:
        print_json([r.as_json() for r in records])
        return EXIT_OK
    if not records:
        print(tr("cli.complaints.none"))
    for r in records:
        print(f"#{r.sale_id}  {r.sku} {r.destination}  "
              f"{tr(f'complaints.reason.{r.reason.value}')}  {answer_text(r)}")
    return EXIT_OK
