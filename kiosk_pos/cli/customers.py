"""Customer and kasbon commands: customer add/list, kasbon list/pay/statement. Adding a
customer or taking a payment takes the owner's PIN."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk_pos.cli.backoffice import (
    check_text,
    customer_json,
    kiosk_for,
    number,
    rupiah,
)
from kiosk_pos.cli.common import EXIT_OK, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("customer", parents=[common], help="customers: add, edit and list")
    sub = p.add_subparsers(dest="customer", required=True, parser_class=type(p))
    a = sub.add_parser("add", parents=[common], help="add a customer (owner PIN)")
    a.add_argument("--name", help="the customer's name", required=True)
    a.add_argument("--phone", help="the customer's phone number")
    a.add_argument("--note", help="a note about the customer")
    a.add_argument("--credit-limit", default="0", help="kasbon allowed up to this (0: none)")
    add_pin(a)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_customer_add)
    e = sub.add_parser("edit", parents=[common],
                       help="change a customer, e.g. allow kasbon (owner PIN)")
    e.add_argument("id", metavar="ID", help="the customer's number")
    e.add_argument("--name", help="the new name")
    e.add_argument("--phone", help="the number ('' clears it)")
    e.add_argument("--note", help="the new note")
    e.add_argument("--credit-limit", help="kasbon allowed up to this (0: none)")
    add_pin(e)
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=cmd_customer_edit)
    ls = sub.add_parser("list", parents=[common], help="customers and what they owe")
    ls.add_argument("--after", default="0", help="list customers after this id (next page)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_customer_list)

    p = subparsers.add_parser("kasbon", parents=[common],
                              help="kasbon: who owes what, payments, statements")
    sub = p.add_subparsers(dest="kasbon", required=True, parser_class=type(p))
    ls = sub.add_parser("list", parents=[common], help="who owes what, oldest debt first")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_kasbon_list)
    pay = sub.add_parser("pay", parents=[common], help="a payment on a customer's kasbon")
    pay.add_argument("--customer", required=True, help="the customer's number")
    pay.add_argument("--amount", help="rupiah paid (50000, 50.000 or 50rb)", required=True)
    pay.add_argument("--method", help="how it is paid (default: cash)",
                     choices=("cash", "transfer"), default="cash")
    add_pin(pay)
    pay.add_argument("--json", action="store_true")
    pay.set_defaults(handler=cmd_kasbon_pay)
    fix = sub.add_parser("correct", parents=[common],
                         help="a correction row: +N owes more, -N owes less (owner PIN)")
    fix.add_argument("--customer", required=True, help="the customer's number")
    fix.add_argument("--amount", required=True, help="+N or -N rupiah")
    fix.add_argument("--reason", help="why the correction is made", required=True)
    add_pin(fix)
    fix.add_argument("--json", action="store_true")
    fix.set_defaults(handler=cmd_kasbon_correct)
    st = sub.add_parser("statement", parents=[common],
                        help="a customer's kasbon, as text for WhatsApp, JSON or PDF")
    st.add_argument("--customer", required=True, help="the customer's number")
    st.add_argument("--pdf", metavar="FILE", help="write the statement to FILE")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_kasbon_statement)


def cmd_customer_add(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission

    limit = rupiah(args.credit_limit) or 0
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_CUSTOMERS)
        c = kiosk.customers.add(user, args.name, args.phone, args.note, limit)
    print_json(customer_json(c)) if args.json else print(f"#{c.id} {c.name}")
    return EXIT_OK


def cmd_customer_edit(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission

    customer_id, limit = number(args.id) or 0, rupiah(args.credit_limit)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_CUSTOMERS)
        c = kiosk.customers.edit(user, customer_id, name=args.name, phone=args.phone,
                                 note=args.note, credit_limit=limit)
    print_json(customer_json(c)) if args.json else print(f"#{c.id} {c.name}")
    return EXIT_OK


def cmd_customer_list(args: argparse.Namespace) -> int:
    check_text(args)
    from pulsa_protocol.money import format_rupiah

    with kiosk_for(args) as kiosk:
        found = kiosk.customers.page(after_id=number(args.after) or 0)
    if args.json:
        print_json([customer_json(c) for c in found])
    for c in found if not args.json else ():
        print(f"#{c.id:<5} {c.name:<24} {c.phone or '-':<14} batas "
              f"{format_rupiah(c.credit_limit):>12} kasbon {format_rupiah(c.balance):>12}")
    return EXIT_OK


def cmd_kasbon_list(args: argparse.Namespace) -> int:
    check_text(args)
    from pulsa_protocol.money import format_rupiah

    with kiosk_for(args) as kiosk:
        debtors = kiosk.kasbon.debtors()
    if args.json:
        print_json([{**customer_json(d.customer), "customer_id": d.customer.id,
                     "oldest_debt_at": d.oldest_debt_at.isoformat(),
                     "days_outstanding": d.days_outstanding} for d in debtors])
    for d in debtors if not args.json else ():
        print(f"#{d.customer.id:<5} {d.customer.name:<24} {format_rupiah(d.customer.balance):>12}"
              f"  {d.days_outstanding} hari")
    return EXIT_OK


def cmd_kasbon_pay(args: argparse.Namespace) -> int:
    check_text(args)
    from pulsa_protocol.money import format_rupiah

    from kiosk_pos.core.permissions import Permission

    customer_id, amount = number(args.customer) or 0, rupiah(args.amount) or 0
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.TAKE_KASBON_PAYMENT)
        entry = kiosk.kasbon.pay(user, customer_id, amount, args.method)
    if args.json:
        print_json({"id": entry.id, "customer_id": customer_id, "amount": -entry.amount,
                    "method": entry.method, "balance": entry.balance_after,
                    "created_at": entry.created_at.isoformat()})
    else:
        print(f"#{entry.id} {format_rupiah(-entry.amount)} ({entry.method}); "
              f"sisa {format_rupiah(entry.balance_after)}")
    return EXIT_OK


def cmd_kasbon_correct(args: argparse.Namespace) -> int:
    check_text(args)
    from pulsa_protocol.money import format_rupiah

    from kiosk_pos.core.permissions import Permission

    text = args.amount.strip()
    sign = -1 if text.startswith("-") else 1
    amount = sign * (rupiah(text.lstrip("+-")) or 0)
    customer_id = number(args.customer) or 0
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.TAKE_KASBON_PAYMENT)
        entry = kiosk.kasbon.correct(user, customer_id, amount, args.reason)
    if args.json:
        print_json({"id": entry.id, "customer_id": customer_id, "amount": entry.amount,
                    "note": entry.note, "balance": entry.balance_after,
                    "created_at": entry.created_at.isoformat()})
    else:
        print(f"#{entry.id} {format_rupiah(entry.amount)}; "
              f"sisa {format_rupiah(entry.balance_after)}")
    return EXIT_OK


def cmd_kasbon_statement(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.kasbon import statement_text

    customer_id = number(args.customer) or 0
    with kiosk_for(args) as kiosk:
        statement = kiosk.kasbon.statement(customer_id)
        text = statement_text(statement, kiosk.info.name, kiosk.timezone())
        if args.pdf:
            from kiosk_pos.printing.reports import kasbon_statement_pdf

            kasbon_statement_pdf(statement, kiosk.info, Path(args.pdf))
    if args.json:
        c = statement.customer
        print_json({"customer": customer_json(c), "as_of": statement.as_of.isoformat(),
                    "opening_balance": statement.opening_balance, "balance": statement.balance,
                    "entries": [{"id": e.id, "created_at": e.created_at.isoformat(),
                                 "kind": e.kind.value, "amount": e.amount, "method": e.method,
                                 "sale_id": e.sale_id, "note": e.note,
                                 "balance_after": e.balance_after} for e in statement.entries],
                    "text": text})
    elif not args.pdf:
        print(text)
    return EXIT_OK
