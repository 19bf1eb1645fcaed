"""Shop commands: init, products, sell, history, report."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk_pos.cli.args import MAX_TEXT, day, path, rupiah, text, whole
from kiosk_pos.cli.common import EXIT_OK, CliError, data_dir, open_kiosk, print_json
from kiosk_pos.core.records import MAX_QTY

NAME = text(80)
PIN = text(32)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("init", parents=[common], help="create a kiosk database")
    p.add_argument("--kiosk-name", help="the kiosk's name (on receipts)", required=True, type=NAME)
    p.add_argument("--owner-pin", help="the owner's PIN", required=True, type=PIN)
    p.add_argument("--address", help="the kiosk's address (on receipts)",
                   default="", type=text(MAX_TEXT))
    p.add_argument("--demo", action="store_true", help="add the demo catalogue, clerk and deposit")
    p.set_defaults(handler=cmd_init)

    p = subparsers.add_parser("products", parents=[common], help="list the price list and goods")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_products)

    p = subparsers.add_parser("sell", parents=[common], help="record a one-line sale")
    p.add_argument("--sku", help="the product's SKU (any case)", required=True, type=text(40))
    p.add_argument("--to", default="", type=text(40), help="destination: phone number or PLN id")
    p.add_argument("--qty", help="how many (goods; default 1)", type=whole(1, MAX_QTY), default=1)
    p.add_argument("--cash", type=rupiah, help="cash given (default: exact money)")
    p.add_argument("--method", choices=("cash", "qris", "transfer"),
                   help="how the customer pays (default: cash)")
    p.add_argument("--kasbon", action="store_true",
                   help="the whole sale on the customer's account (with --customer)")
    p.add_argument("--kasbon-amount", type=rupiah,
                   help="only this much on the customer's account, the rest in cash")
    p.add_argument("--customer", type=text(40),
                   help="the customer's number, for --kasbon or --kasbon-amount")
    p.add_argument("--again", action="store_true",
                   help="sell even though the same product went to the same number minutes ago")
    p.add_argument("--pin", required=True, type=PIN, help="the clerk's PIN")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sell)

    p = subparsers.add_parser("history", parents=[common], help="a day's sales and their status")
    p.add_argument("--date", type=day, help="local day YYYY-MM-DD (default: today)")
    p.add_argument("--search", metavar="TEXT", type=text(64),
                   help="cek status: sales of any day by number, Ref (8+ characters) or SN, "
                        "newest first")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_history)

    p = subparsers.add_parser("report", parents=[common], help="reports")
    sub = p.add_subparsers(dest="report", required=True, parser_class=type(p))
    d = sub.add_parser("daily", parents=[common], help="daily totals, cost and profit")
    d.add_argument("--date", type=day, help="local day YYYY-MM-DD (default: today)")
    d.add_argument("--json", action="store_true")
    d.add_argument("--pdf", metavar="FILE", type=path, help="write the A4 report to FILE")
    d.add_argument("--pin", type=PIN,
                   help="your PIN: an owner's shows cost and profit (without it they are "
                        "withheld)")
    d.set_defaults(handler=cmd_report_daily)
    st = sub.add_parser("stock", parents=[common], help="goods on the shelf, cost and value")
    st.add_argument("--json", action="store_true")
    st.add_argument("--pdf", metavar="FILE", type=path, help="write the A4 stock list to FILE")
    st.set_defaults(handler=cmd_report_stock)


def cmd_init(args: argparse.Namespace) -> int:
    from kiosk_pos.core.errors import AuthError
    from kiosk_pos.core.setup import init_kiosk, is_initialised
    from kiosk_pos.core.users import is_trivial_pin

    # A real counter's owner PIN guards cost, voids and staff: refused when easy to guess,
    # as the first-run wizard and the staff screen refuse it (the demo keeps its 9999).
    if not args.demo and not is_initialised(data_dir(args)) and is_trivial_pin(args.owner_pin):
        raise AuthError("error.pin_trivial")
    kiosk = init_kiosk(data_dir(args), args.kiosk_name, args.owner_pin, demo=args.demo,
                       address=args.address)
    print(f"kiosk '{args.kiosk_name}' -> {kiosk.db.path}")
    kiosk.close()
    return EXIT_OK


def cmd_products(args: argparse.Namespace) -> int:
    from pulsa_protocol.money import format_rupiah

    from kiosk_pos.cli.output import product_json

    kiosk = open_kiosk(args)
    items = kiosk.catalog.all_products()
    if args.json:
        print_json([product_json(p) for p in items])
    else:
        for p in items:
            stock = "" if p.kind.electronic else f" stok {p.stock}"
            print(f"{p.sku:<12} {p.name:<34} {format_rupiah(p.price):>11}{stock}")
    return EXIT_OK


def cmd_sell(args: argparse.Namespace) -> int:
    from kiosk_pos.cli.output import sale_json, sale_text
    from kiosk_pos.core.records import CartLine, Payment, PaymentMethod

    cash: int | None = args.cash
    method = args.method or "cash"
    if cash is not None and method != "cash":
        raise CliError("--cash only goes with --method cash.")
    payment = Payment(PaymentMethod(method), cash)
    if args.kasbon or args.customer is not None or args.kasbon_amount is not None:
        payment = _kasbon_payment(args)
    kiosk = open_kiosk(args)
    clerk = kiosk.users.authenticate(args.pin)
    cart = [CartLine(resolve_sku(kiosk, args.sku), args.qty, args.to)]
    if not args.again:
        _refuse_a_repeat(kiosk, cart)
    sale = kiosk.sales.sell(clerk, cart, payment)
    print_json(sale_json(sale)) if args.json else print(sale_text(sale, kiosk.timezone()))
    if not args.training:  # a practice kiosk's simulator is started with each session
        _warn_if_never_connected(kiosk, sale)
    return EXIT_OK


def resolve_sku(kiosk: Any, typed: str) -> str:
    """The SKU meant by ``typed`` in any case (``tsel10`` is TSEL10): the exact SKU when
    there is one, else the only one equal but for case; refused when several are."""
    from kiosk_pos.i18n import tr

    skus = kiosk.catalog.catalog.by_sku
    if typed in skus:
        return typed
    same = sorted(sku for sku in skus if sku.casefold() == typed.casefold())
    if len(same) > 1:
        raise CliError(tr("cli.sku_ambiguous", sku=typed, skus=", ".join(same)))
    return same[0] if same else typed


def _refuse_a_repeat(kiosk: Any, cart: list[Any]) -> None:
    """The sales screen's repeat check: the same product to the same number within its
    window (kiosk_pos/core/duplicates.py) is refused, naming the earlier sale, unless the
    clerk says ``--again``."""
    from zoneinfo import ZoneInfo

    from kiosk_pos.i18n import tr

    for earlier in kiosk.sales.earlier_same(cart)[:1]:
        status = earlier.status.value if earlier.status else "done"
        raise CliError(tr("cli.sell.repeat", name=earlier.name, number=earlier.destination,
                          id=earlier.sale_id, status=tr(f"status.{status}"),
                          time=earlier.created_at.astimezone(
                              ZoneInfo(kiosk.timezone())).strftime("%H:%M")))


def _warn_if_never_connected(kiosk: Any, sale: Any) -> None:
    """Offline-first: a top-up sold on a kiosk never connected stays in the queue (sent by
    the first sync after ``connect``), but the clerk must know it has not gone out."""
    import sys

    from kiosk_pos.core.connection import URL_KEY
    from kiosk_pos.i18n import tr

    if any(line.topup for line in sale.lines) and not kiosk.settings.get(URL_KEY):
        print(f"kiosk-pos: {tr('cli.sell.not_connected')}", file=sys.stderr)


def _kasbon_payment(args: argparse.Namespace) -> Any:
    """The whole sale on a customer's account: ``--kasbon --customer ID``, nothing else; or
    part of it: ``--kasbon-amount N --customer ID [--cash C]``, the rest paid in cash."""
    from kiosk_pos.cli.backoffice import check_text
    from kiosk_pos.core.goods import whole_number
    from kiosk_pos.core.records import Payment, PaymentMethod
    from kiosk_pos.i18n import tr

    check_text(args)
    if args.kasbon_amount is not None:  # part on kasbon, the rest in cash
        if args.kasbon or args.customer is None or args.method not in (None, "cash"):
            raise CliError(tr("cli.kasbon_part_usage"))
        return Payment(PaymentMethod.CASH, args.cash, whole_number(args.customer),
                       args.kasbon_amount)
    if not args.kasbon:
        raise CliError(tr("cli.customer_needs_kasbon"))
    if args.customer is None:
        raise CliError(tr("cli.kasbon_needs_customer"))
    if args.cash is not None or args.method is not None:
        raise CliError(tr("cli.kasbon_not_cash"))
    return Payment(PaymentMethod.KASBON, customer_id=whole_number(args.customer))


def cmd_history(args: argparse.Namespace) -> int:
    from kiosk_pos.cli.output import sale_json, sale_text

    kiosk = open_kiosk(args)
    if args.search is not None:
        return _search(kiosk, args)
    sales = kiosk.sales.for_day(args.date or kiosk.today())
    if args.json:
        print_json([sale_json(s) for s in sales])
    else:
        for s in sales:
            print(sale_text(s, kiosk.timezone()))
    return EXIT_OK


def _search(kiosk: Any, args: argparse.Namespace) -> int:
    """The newest page of matches (the same search as History's "Cek status")."""
    from kiosk_pos.cli.output import sale_json, sale_text
    from kiosk_pos.i18n import tr

    if args.date is not None:
        raise CliError(tr("cli.history.search_with_date"))
    page = kiosk.sales.search(args.search)
    if args.json:
        print_json([sale_json(s) for s in page.sales])
    elif not page.sales:
        print(tr("cli.history.nothing_found", query=page.query))
    else:
        for s in page.sales:  # across days: each with its date
            print(f"{s.business_date:%d-%m-%Y} {sale_text(s, kiosk.timezone())}")
        if page.more:
            print(tr("cli.history.more_found", count=len(page.sales)))
    return EXIT_OK


def cmd_report_daily(args: argparse.Namespace) -> int:
    import sys

    from kiosk_pos.cli.output import report_json, report_text
    from kiosk_pos.core.reports import without_cost
    from kiosk_pos.i18n import tr

    kiosk = open_kiosk(args)
    day = args.date or kiosk.today()
    if args.pin:  # the core decides what this person may see (a clerk: today, no cost)
        report = kiosk.reports.daily_for(kiosk.users.authenticate(args.pin), day)
    else:
        report = without_cost(kiosk.reports.daily(day))
        print(f"kiosk-pos: {tr('cli.report.cost_withheld')}", file=sys.stderr)
    if args.pdf:
        from kiosk_pos.printing.reports import daily_report_pdf

        daily_report_pdf(report, kiosk.settings.kiosk_info(), args.pdf)
    if args.json:
        print_json(report_json(report))
    elif not args.pdf:
        print(report_text(report))
    return EXIT_OK


def cmd_report_stock(args: argparse.Namespace) -> int:
    from pulsa_protocol.money import format_rupiah

    kiosk = open_kiosk(args)
    goods = [p for p in kiosk.catalog.all_products() if not p.kind.electronic]
    rows = [(p.sku, p.name, p.stock or 0, p.cost, p.price) for p in goods]
    if args.pdf:
        from kiosk_pos.printing.reports import stock_list_pdf

        stock_list_pdf(rows, kiosk.settings.kiosk_info(), args.pdf)
    if args.json:
        print_json([{"sku": sku, "name": name, "stock": stock, "cost": cost, "price": price,
                     "value": stock * cost} for sku, name, stock, cost, price in rows])
    elif not args.pdf:
        from kiosk_pos.i18n import tr

        head = [tr(f"cli.stock.col.{c}") for c in ("sku", "name", "stock", "cost", "price",
                                                     "value")]
        print(f"{head[0]:<10} {head[1]:<30} {head[2]:>5} {head[3]:>10} {head[4]:>10} "
              f"{head[5]:>12}")
        for sku, name, stock, cost, price in rows:
            print(f"{sku:<10} {name:<30} {stock:>5} {format_rupiah(cost):>10} "
                  f"{format_rupiah(price):>10} {format_rupiah(stock * cost):>12}")
    return EXIT_OK
