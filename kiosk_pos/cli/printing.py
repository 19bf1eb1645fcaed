"""Receipts from the command line: ``receipt``, ``print-test`` and ``printer``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk_pos.cli.args import MAX_TEXT, path, record_id, seconds, text, whole
from kiosk_pos.cli.common import EXIT_OK, EXIT_UNREACHABLE, CliError, open_kiosk, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin
from kiosk_pos.printing.settings import (
    BAUDRATES,
    MAX_COPIES,
    PAPER_WIDTHS,
    PORTS,
    RESULT_WAITS,
    TIMEOUTS,
)

PRINT_WAIT_SECONDS = 30.0
WIDTH = whole(1, 999)  # then one of PAPER_WIDTHS


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("receipt", parents=[common], help="show or save a sale's receipt")
    p.add_argument("sale_id", type=record_id)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--text", action="store_true", help="plain text to stdout (default)")
    out.add_argument("--escpos", metavar="FILE", type=path,
                     help="ESC/POS bytes to FILE ('-' for stdout)")
    out.add_argument("--pdf", metavar="FILE", type=path, help="a PDF on a 58/80 mm roll")
    out.add_argument("--print", action="store_true", help="send it to the configured printer")
    p.add_argument("--width", type=WIDTH, choices=PAPER_WIDTHS,
                   help="paper width (default: setting)")
    p.add_argument("--copy", action="store_true", help="mark it as a copy (SALINAN)")
    p.set_defaults(handler=cmd_receipt)

    p = subparsers.add_parser("print-test", parents=[common],
                              help="print a test page on the configured printer")
    p.set_defaults(handler=cmd_print_test)

    p = subparsers.add_parser("printer", parents=[common], help="show or change printer settings")
    p.add_argument("--connection", help="how the printer is attached",
                   choices=("none", "network", "usb", "serial", "cups",
                                             "windows", "file"))
    p.add_argument("--host", type=text(253), help="LAN printer's address")
    p.add_argument("--port", type=whole(*PORTS), help="LAN printer's port (usually 9100)")
    p.add_argument("--queue-name", help="the CUPS or Windows printer queue", type=text(MAX_TEXT))
    p.add_argument("--serial-port", help="serial port, e.g. /dev/ttyUSB0 or COM3", type=path)
    p.add_argument("--baudrate", type=whole(*BAUDRATES), help="serial speed, e.g. 9600")
    p.add_argument("--file-path", help="write receipts to this file instead of a printer",
                   type=path)
    p.add_argument("--timeout", type=seconds(*TIMEOUTS),
                   help=f"seconds to wait for the printer ({TIMEOUTS[0]:g}-{TIMEOUTS[1]:g})")
    p.add_argument("--width", help="paper width in mm", type=WIDTH, choices=PAPER_WIDTHS)
    p.add_argument("--auto-print", help="print the receipt after each sale", choices=("on", "off"))
    p.add_argument("--copies", help="copies of each receipt", type=whole(1, MAX_COPIES))
    p.add_argument("--result-wait", type=seconds(*RESULT_WAITS), metavar="SECONDS",
                   help="auto-print: how long a top-up's receipt waits for its result "
                        f"before printing PENDING ({RESULT_WAITS[0]:g}-{RESULT_WAITS[1]:g})")
    add_pin(p)  # needed to change a setting, not to show them
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_printer)


def cmd_receipt(args: argparse.Namespace) -> int:
    from kiosk_pos.printing import receipt_from_sale, render_text
    from kiosk_pos.printing.receipt_printer import ReceiptPrinter, load_settings

    kiosk = open_kiosk(args)
    sale = kiosk.sales.get(args.sale_id)
    settings = load_settings(kiosk)
    width = args.width or settings.paper_width
    document = receipt_from_sale(sale, kiosk.settings.kiosk_info(), copy=args.copy)
    if args.print:
        return _print_and_wait(ReceiptPrinter(kiosk), sale_id=sale.id, copy=args.copy)
    if args.escpos:
        from kiosk_pos.printing import render_escpos  # not for a PDF: see printing/__init__

        data = render_escpos(document, width)
        if args.escpos == "-":
            sys.stdout.buffer.write(data)
        else:
            _write(Path(args.escpos), data)
    elif args.pdf:
        from kiosk_pos.printing import render_pdf

        _write(Path(args.pdf), render_pdf(document, width))
    else:
        print(render_text(document, width))
    return EXIT_OK


def cmd_print_test(args: argparse.Namespace) -> int:
    from kiosk_pos.printing.receipt_printer import ReceiptPrinter

    return _print_and_wait(ReceiptPrinter(open_kiosk(args)))


def cmd_printer(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk_pos.core.permissions import Permission
    from kiosk_pos.printing.receipt_printer import load_settings, save_settings
    from kiosk_pos.printing.settings import ConnectionType, PrinterSettings

    kiosk = open_kiosk(args)
    settings = load_settings(kiosk)
    changes: dict[str, Any] = {}
    for field, value in (("connection", args.connection), ("host", args.host),
                         ("port", args.port), ("queue_name", args.queue_name),
                         ("serial_port", args.serial_port), ("baudrate", args.baudrate),
                         ("file_path", args.file_path), ("timeout", args.timeout),
                         ("paper_width", args.width), ("copies", args.copies),
                         ("result_wait", args.result_wait)):
        if value is not None:
            changes[field] = ConnectionType(value) if field == "connection" else value
    if args.auto_print:
        changes["auto_print"] = args.auto_print == "on"
    if changes:
        owner = acting_owner(kiosk, args.pin, Permission.MANAGE_PRINTER)
        settings = PrinterSettings.from_dict(replace(settings, **changes).to_dict())
        save_settings(kiosk, settings, owner)
    if args.json:
        print_json(settings.to_dict())
    else:
        for key, value in settings.to_dict().items():
            print(f"{key:<20} {value}")
    return EXIT_OK


def _print_and_wait(printer: Any, *, sale_id: int | None = None, copy: bool = False) -> int:
    from kiosk_pos.i18n import tr

    if not printer.settings.configured:
        raise CliError(tr("printing.cli_no_printer"))
    job = printer.reprint(sale_id) if copy and sale_id else (
        printer.print_sale(printer.kiosk.sales.get(sale_id)) if sale_id else printer.test_page())
    status = printer.queue.wait(job, PRINT_WAIT_SECONDS)
    printer.close()
    if status is None or status.state.value != "done":
        print(f"kiosk-pos: {status.error if status else tr('printing.cli_timeout')}",
              file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def _write(path: Path, data: bytes) -> None:
    """The file whole (0600) or, with a sentence naming it, nothing at all."""
    from kiosk_pos.files import write_export

    write_export(path, data)
