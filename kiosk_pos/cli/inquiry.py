"""``kiosk-pos inquiry --sku S --to DEST [--json]``: whose PLN meter or e-wallet it is.

Exit 0: the name was found (printed, with the daya for PLN); 2: bad input, not connected,
or the distributor found no such customer (one sentence); 3: the name could not be checked
now (the distributor or its supplier did not answer; a sale may still go on). With
``--json`` the answer is printed as JSON in every one of those cases but bad input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk_pos.cli.args import text
from kiosk_pos.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_UNREACHABLE, CliError, print_json

HELP = "check the customer's name behind a PLN id or e-wallet number (cek ID)"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("inquiry", parents=[common], help=HELP)
    p.add_argument("--sku", required=True, type=text(40, empty=False), metavar="SKU",
                   help="the PLN or e-wallet product, e.g. PLN20 or DANA50")
    p.add_argument("--to", required=True, type=text(40, empty=False), metavar="DEST",
                   help="the PLN meter number / customer id, or the e-wallet's phone number")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_inquiry)


def cmd_inquiry(args: argparse.Namespace) -> int:
    from kiosk_pos.cli.common import open_kiosk
    from kiosk_pos.core.name_check import NameStatus, check_name
    from kiosk_pos.i18n import tr
    from kiosk_pos.sync.config import client_for
    from kiosk_pos.sync.inquiry import asker

    kiosk = open_kiosk(args)
    try:
        catalog = kiosk.catalog.catalog
        client = client_for(kiosk)
        try:
            if client is None:
                check_name(catalog, None, args.sku, args.to)  # bad input first, then this
                raise CliError(tr("inquiry.cli.not_connected"))
            result = check_name(catalog, asker(client), args.sku, args.to)
        finally:
            if client is not None:
                client.close()
    finally:
        kiosk.close()
    if args.json:
        print_json(result.as_json())
    if result.status is NameStatus.FOUND:
        if not args.json:
            print(tr("inquiry.cli.name", name=result.name))
            if result.segment_power:
                print(tr("inquiry.cli.power", power=result.segment_power))
            for key, value in (("inquiry.cli.meter", result.meter_no),
                               ("inquiry.cli.subscriber", result.subscriber_id)):
                if value:
                    print(tr(key, value=value))
        return EXIT_OK
    print(f"kiosk-pos: {result.headline()}. {result.reason}".rstrip(), file=sys.stderr)
    return EXIT_BAD_INPUT if result.status is NameStatus.NOT_FOUND else EXIT_UNREACHABLE
