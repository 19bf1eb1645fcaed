"""Commands: reconcile, prices (sync, rules), deposit-ticket.

Exit 0 done; 2 bad input or not connected (one sentence); 3 distributor unreachable.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from kiosk_pos.cli.args import day, rupiah
from kiosk_pos.cli.common import EXIT_OK, EXIT_UNREACHABLE, CliError, open_kiosk, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin
from kiosk_pos.core.permissions import Permission


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("reconcile", parents=[common],
                              help="compare a day's top-ups and the deposit with the distributor")
    p.add_argument("--date", type=day, help="local day YYYY-MM-DD (default: today)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reconcile)

    p = subparsers.add_parser("prices", parents=[common], help="distributor price list")
    sub = p.add_subparsers(dest="prices", required=True, parser_class=type(p))
    s = sub.add_parser("sync", parents=[common], help="pull price changes and reprice")
    add_pin(s)
    s.add_argument("--json", action="store_true")
    s.set_defaults(handler=cmd_prices_sync)
    r = sub.add_parser("rules", parents=[common], help="show the markup rules")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_prices_rules)
    from kiosk_pos.cli.markup import register_under

    register_under(sub, common)  # the owner edits them: set-rule, remove-rule, ...

    p = subparsers.add_parser("deposit-ticket", parents=[common],
                              help="request a deposit ticket (unique amount to transfer)")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--amount", type=rupiah, help="amount to deposit, e.g. 500000 or 500rb")
    group.add_argument("--list", action="store_true", help="list the kiosk's tickets")
    add_pin(p)  # needed to request a ticket, not to list them
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_deposit_ticket)


def _with_client(args: argparse.Namespace, not_connected_key: str,
                 work: Callable[[Any, Any], int], owner_for: Permission | None = None) -> int:
    """Open the kiosk and its distributor client, run ``work``, map sync errors to exits.
    With ``owner_for``, ``--pin`` must be of someone allowed that (``args.owner``), asked
    before anything is sent."""
    from kiosk_pos.i18n import tr
    from kiosk_pos.sync.config import client_for
    from kiosk_pos.sync.errors import DistributorUnreachable, MalformedReply, SyncError

    kiosk = open_kiosk(args)
    try:
        if owner_for is not None:
            args.owner = acting_owner(kiosk, args.pin, owner_for)
        client = client_for(kiosk)
        if client is None:
            raise CliError(tr(not_connected_key))
        try:
            return work(kiosk, client)
        except (DistributorUnreachable, MalformedReply) as exc:
            raise CliError(str(exc), EXIT_UNREACHABLE) from None
        except SyncError as exc:
            raise CliError(str(exc)) from None
        finally:
            close = getattr(client, "close", None)
            if close is not None:
                close()
    finally:
        kiosk.close()


def cmd_reconcile(args: argparse.Namespace) -> int:
    def work(kiosk: Any, client: Any) -> int:
        from kiosk_pos.i18n import tr
        from kiosk_pos.sync.reconcile import reconcile_day

        when = args.date or kiosk.today()
        result = reconcile_day(kiosk, client, when)
        if args.json:
            print_json(result.to_json())
            return EXIT_OK
        c = result.counts()
        print(tr("reconcile.cli.summary", date=when.isoformat(), matched=c["matched"],
                 resolved=c["resolved"], missing=c["missing_on_server"],
                 unknown=c["unknown_locally"], price=c["price_mismatch"]))
        print(tr("reconcile.cli.balances", local=result.local_balance,
                 server=result.server_balance, diff=result.difference,
                 unexplained=result.unexplained))
        for name in ("resolved", "missing_on_server", "unknown_locally", "price_mismatch"):
            for f in getattr(result, name):
                print(f"  [{tr('reconcile.' + name)}] {f.ref_id} {f.sku} {f.destination} "
                      f"{f.local_status or '-'} / {f.server_status or '-'} "
                      f"({tr('reconcile.action.' + f.action)})")
        for d in result.differences:
            print(f"  {d.amount:+,} {d.reason} {d.reference}: {d.note}".replace(",", "."))
        print(tr("reconcile.all_ok" if result.ok else "reconcile.not_ok"))
        return EXIT_OK

    return _with_client(args, "reconcile.error.not_connected", work)


def cmd_prices_sync(args: argparse.Namespace) -> int:
    def work(kiosk: Any, client: Any) -> int:
        from kiosk_pos.i18n import tr
        from kiosk_pos.sync.prices import pull_prices

        result = pull_prices(kiosk, client, args.owner)
        if args.json:
            print_json(result.to_json())
        else:
            print(tr("prices.cli.synced", version=result.version, added=len(result.added),
                     updated=len(result.updated), hidden=len(result.hidden)))
        return EXIT_OK

    return _with_client(args, "reconcile.error.not_connected", work,
                        owner_for=Permission.UPDATE_PRICES)


def cmd_prices_rules(args: argparse.Namespace) -> int:
    from kiosk_pos.core.pricing import load_policy
    from kiosk_pos.i18n import tr

    kiosk = open_kiosk(args)
    try:
        policy = load_policy(kiosk.settings)
    finally:
        kiosk.close()
    if args.json:
        print_json(policy.to_json())
        return EXIT_OK
    print(tr("prices.cli.rules_step", step=policy.step))
    any_ = tr("prices.cli.any")
    for rule in sorted(policy.rules, key=lambda r: (r.specificity, r.kind or "",
                                                    r.operator or "")):
        print(f"  {rule.kind or any_:<8} {rule.operator or any_:<12} {rule.describe()}")
    for sku, price in sorted(policy.overrides.items()):  # fixed prices per SKU
        print(f"  {sku:<21} = {price}")
    return EXIT_OK


def cmd_deposit_ticket(args: argparse.Namespace) -> int:
    from kiosk_pos.sync.tickets import check_amount

    amount = None if args.list else check_amount(args.amount)  # bad amount: exit 2 first

    def work(kiosk: Any, client: Any) -> int:
        from kiosk_pos.i18n import tr
        from kiosk_pos.sync.tickets import list_tickets, request_ticket, ticket_json

        tz = kiosk.timezone()
        if amount is None:
            tickets = list_tickets(kiosk, client)
            if args.json:
                print_json([ticket_json(t) for t in tickets])
            elif not tickets:
                print(tr("ticket.none"))
            for t in tickets if not args.json else []:
                print(tr("ticket.cli.item", id=t.id, created=_local(t.created_at, tz),
                         requested=t.amount_requested, amount=t.amount_to_transfer,
                         status=tr("ticket.status." + t.status)))
            return EXIT_OK
        ticket = request_ticket(kiosk, client, amount, args.owner)
        if args.json:
            print_json(ticket_json(ticket))
        else:
            print(tr("ticket.cli.line", id=ticket.id, amount=ticket.amount_to_transfer,
                     bank=ticket.bank_name, account=ticket.bank_account,
                     holder=ticket.bank_holder, time=_local(ticket.expires_at, tz)))
        return EXIT_OK

    return _with_client(args, "ticket.error.not_connected", work,
                        owner_for=None if args.list else Permission.REQUEST_DEPOSIT)


def _local(moment: Any, tz: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M")
