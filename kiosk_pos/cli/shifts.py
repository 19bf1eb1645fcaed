"""Shift commands: ``shift open|cash|close|report|list|settings`` and ``refund``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_pos.cli.args import MAX_TEXT, path, record_id, rupiah, text, whole
from kiosk_pos.cli.common import EXIT_OK, CliError, open_kiosk, print_json
from kiosk_pos.cli.staff import acting, add_pin
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.shifts import Shift, ShiftReport


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("shift", parents=[common],
                              help="shifts and the cash drawer: open, cash, close, report")
    sub = p.add_subparsers(dest="shift_command", required=True, parser_class=type(p))
    o = sub.add_parser("open", parents=[common], help="open a shift with the float counted")
    o.add_argument("--float", dest="amount", type=rupiah, help="the opening float")
    o.add_argument("--notes", metavar="D=N,...",
                   help="the float by notes and coins, e.g. 50000=2,10000=5,500=4")
    add_pin(o)
    o.add_argument("--json", action="store_true")
    o.set_defaults(handler=cmd_open)
    c = sub.add_parser("cash", parents=[common], help="cash in or out of the drawer")
    way = c.add_mutually_exclusive_group(required=True)
    way.add_argument("--in", help="cash put into the drawer",
                     dest="kind", action="store_const", const="in")
    way.add_argument("--out", help="cash taken out of the drawer",
                     dest="kind", action="store_const", const="out")
    c.add_argument("--amount", required=True, type=rupiah, help="how much, e.g. 50000")
    c.add_argument("--reason", required=True, type=text(MAX_TEXT),
                   help="why the cash moves")
    add_pin(c)
    c.set_defaults(handler=cmd_cash)
    cl = sub.add_parser("close", parents=[common], help="close the shift with the cash counted")
    cl.add_argument("--counted", type=rupiah, help="the cash counted in the drawer")
    cl.add_argument("--notes", metavar="D=N,...",
                    help="the count by notes and coins, e.g. 100000=3,2000=7")
    add_pin(cl)
    cl.add_argument("--json", action="store_true")
    cl.set_defaults(handler=cmd_close)
    r = sub.add_parser("report", parents=[common], help="a shift's Z report")
    r.add_argument("shift_id", metavar="ID", nargs="?", type=record_id,
                   help="the shift (default: the current or last one)")
    out = r.add_mutually_exclusive_group()
    out.add_argument("--pdf", metavar="FILE", type=path, help="write the report as a PDF")
    out.add_argument("--escpos", metavar="FILE", type=path,
                     help="write the receipt-printer bytes to FILE")
    out.add_argument("--print", help="print it on the receipt printer",
                     dest="to_printer", action="store_true")
    add_pin(r)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_report)
    ls = sub.add_parser("list", parents=[common], help="shifts, newest first")
    add_pin(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    pb = sub.add_parser("payback", parents=[common],
                        help="record handing back the money of a failed top-up")
    pb.add_argument("ref_id", metavar="REF_ID", type=text(64),
                    help="the failed top-up's Ref")
    add_pin(pb)
    pb.set_defaults(handler=cmd_payback)
    st = sub.add_parser("settings", parents=[common], help="shifts on or off, blind close")
    st.add_argument("--required", help="whether a clerk must open a shift before selling",
                    choices=("yes", "no"))
    st.add_argument("--blind", help="whether the clerk counts without seeing the expected cash",
                    choices=("yes", "no"))
    add_pin(st, "the owner's PIN")
    st.set_defaults(handler=cmd_settings)

    p = subparsers.add_parser("refund", parents=[common], help="refund goods of a sale")
    p.add_argument("sale_id", metavar="SALE_ID", type=record_id, help="the sale to refund")
    p.add_argument("--line", type=whole(1, 999), action="append", metavar="N",
                   help="the receipt's line number (repeat; default: the whole sale)")
    p.add_argument("--reason", required=True, type=text(MAX_TEXT),
                   help="why the goods come back")
    add_pin(p)
    p.add_argument("--approver-pin", type=text(32),
                   help="a supervisor's or the owner's PIN, for a clerk")
    p.add_argument("--print", dest="to_printer", action="store_true",
                   help="print the refund receipt (STRUK RETUR)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_refund)


def shift_json(s: Shift) -> dict[str, Any]:
    return {"id": s.id, "business_date": s.business_date.isoformat(),
            "opened_at": s.opened_at.isoformat(), "opened_by": s.opened_by,
            "opening_float": s.opening_float, "implicit": s.implicit,
            "closed_at": s.closed_at.isoformat() if s.closed_at else None,
            "closed_by": s.closed_by, "expected": s.expected, "counted": s.counted,
            "difference": s.difference}


def report_json(r: ShiftReport, show_expected: bool = True) -> dict[str, Any]:
    f = r.figures
    data = shift_json(r.shift)
    data.update({"expected": f.expected if r.shift.open else r.shift.expected,
                 "parts": f.parts(), "cash_sales_count": f.cash_sales_count,
                 "non_cash": [{"method": m, "count": n, "total": t} for m, n, t in f.non_cash],
                 "non_cash_refunds": f.non_cash_refunds})
    if not show_expected:
        for key in ("expected", "difference", "parts"):
            data[key] = None
    return data


def parse_notes(text: str | None) -> dict[int, int] | None:
    """``50000=2,500=4`` as {50000: 2, 500: 4}; one sentence for anything else."""
    if not text:
        return None
    counts: dict[int, int] = {}
    try:
        for part in text.split(","):
            value, count = part.split("=")
            counts[int(value.strip().replace(".", ""))] = int(count)
    except ValueError:
        raise CliError(tr("error.notes_format", text=text)) from None
    return counts


def _cash(amount: int | None, notes: str | None) -> tuple[int | None, dict[int, int] | None]:
    if amount is None and not notes:
        raise CliError(tr("error.amount_required"))
    return amount, parse_notes(notes)


def cmd_open(args: argparse.Namespace) -> int:
    amount, notes = _cash(args.amount, args.notes)
    kiosk = open_kiosk(args)
    try:
        shift = kiosk.shifts.open(acting(kiosk, args), amount, notes)
        print_json(shift_json(shift)) if args.json else print(
            tr("shift.opened", id=shift.id, amount=shift.opening_float))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_cash(args: argparse.Namespace) -> int:
    amount: int = args.amount
    kiosk = open_kiosk(args)
    try:
        kiosk.shifts.cash(acting(kiosk, args), args.kind, amount, args.reason)
        print(tr("shift.cash_done", kind=tr(f"shift.kind_{args.kind}"), amount=amount))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_close(args: argparse.Namespace) -> int:
    from kiosk_pos.core.permissions import Permission, allowed

    total, notes = _cash(args.counted, args.notes)
    kiosk = open_kiosk(args)
    try:
        user = acting(kiosk, args)
        report = kiosk.shifts.close(user, total, notes)
        counted = report.shift.counted
        show = not report.shift.blind or allowed(user, Permission.VIEW_SHIFTS)
        if args.json:
            print_json(report_json(report, show))
        elif show:
            print(tr("shift.closed", id=report.shift.id, expected=report.shift.expected,
                     counted=counted, difference=report.shift.difference))
        else:
            print(tr("shift.closed_blind", id=report.shift.id, counted=counted))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_report(args: argparse.Namespace) -> int:
    from kiosk_pos.printing.shift_report import shift_report_document, shift_report_text

    kiosk = open_kiosk(args)
    try:
        report = kiosk.shifts.report(acting(kiosk, args), args.shift_id)
        info = kiosk.settings.kiosk_info()
        if args.pdf or args.escpos or args.to_printer:
            from kiosk_pos.printing.receipt_printer import load_settings

            settings = load_settings(kiosk)
            doc = shift_report_document(report, info)
            if args.pdf:
                from kiosk_pos.printing.pdf_render import render_pdf

                render_pdf(doc, settings.paper_width, Path(args.pdf))
            elif args.escpos:
                from kiosk_pos.printing.escpos_render import render_escpos

                Path(args.escpos).write_bytes(render_escpos(doc, settings.paper_width))
            elif (code := _print(kiosk, doc)) != EXIT_OK:
                return code
        if args.json:
            print_json(report_json(report, not report.blind))
        elif not (args.pdf or args.escpos or args.to_printer):
            print(shift_report_text(report, info))
        return EXIT_OK
    finally:
        kiosk.close()


def _print(kiosk: Any, doc: Any) -> int:
    """Print ``doc`` and wait for the printer, as ``receipt --print`` does: exit 3 when it
    cannot be reached."""
    import sys

    from kiosk_pos.cli.common import EXIT_UNREACHABLE
    from kiosk_pos.cli.printing import PRINT_WAIT_SECONDS
    from kiosk_pos.printing.receipt_printer import ReceiptPrinter

    printer = ReceiptPrinter(kiosk)
    if not printer.settings.configured:
        printer.close()
        raise CliError(tr("printing.cli_no_printer"))
    job = printer.print_document(doc)
    status = printer.queue.wait(job, PRINT_WAIT_SECONDS) if job is not None else None
    printer.close()
    if status is None or status.state.value != "done":
        print(f"kiosk-pos: {status.error if status else tr('printing.cli_timeout')}",
              file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from pulsa_protocol.money import format_rupiah

    kiosk = open_kiosk(args)
    try:
        shifts = kiosk.shifts.list(acting(kiosk, args))
        if args.json:
            print_json([shift_json(s) for s in shifts])
        elif not shifts:
            print(tr("shift.none"))
        for s in shifts if not args.json else ():
            state = "terbuka" if s.open else f"selisih {format_rupiah(s.difference or 0)}"
            print(f"#{s.id:<4} {s.business_date} {s.opened_by or '-':<12} "
                  f"awal {format_rupiah(s.opening_float):>12}  {state}")
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_payback(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        kiosk.shifts.pay_back_failed_topup(acting(kiosk, args), args.ref_id)
        print(tr("shift.paid_back", ref_id=args.ref_id))
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_settings(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        user = acting(kiosk, args)
        flag = {"yes": True, "no": False, None: None}
        kiosk.shifts.configure(user, required=flag[args.required], blind=flag[args.blind])
        print(f"shifts required: {kiosk.shifts.required()}, blind close: "
              f"{kiosk.shifts.blind_close()}")
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_refund(args: argparse.Namespace) -> int:
    kiosk = open_kiosk(args)
    try:
        from kiosk_pos.core.permissions import Permission, allowed

        user = acting(kiosk, args)
        if args.to_printer:  # refuse before anything is recorded
            from kiosk_pos.printing.receipt_printer import load_settings

            if not load_settings(kiosk).configured:
                raise CliError(tr("printing.cli_no_printer"))
        approver = None
        if not allowed(user, Permission.REFUND):
            if not args.approver_pin:
                raise CliError(tr("error.approver_pin_required"))
            approver = kiosk.users.authenticate(args.approver_pin)
        refund = kiosk.refunds.refund(user, args.sale_id, args.line, args.reason, approver)
        if args.to_printer:
            from kiosk_pos.printing.shift_report import refund_receipt

            code = _print(kiosk, refund_receipt(refund, kiosk.settings.kiosk_info()))
            if code != EXIT_OK:
                return code
        if args.json:
            print_json({"id": refund.id, "sale_id": refund.sale_id, "amount": refund.amount,
                        "method": refund.method.value, "reason": refund.reason,
                        "clerk": refund.clerk_name, "approver": refund.approver_name,
                        "lines": [{"name": ln.name, "qty": ln.qty, "amount": ln.amount}
                                  for ln in refund.lines]})
        else:
            print(tr("refund.done", id=refund.id, sale_id=refund.sale_id,
                     amount=refund.amount, method=tr("payment." + refund.method.value)))
        return EXIT_OK
    finally:
        kiosk.close()
