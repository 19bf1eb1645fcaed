"""``distributor-server``: serve, and the distributor's desk work (kiosks, deposits, prices).

Bad input exits with status 2 and one sentence on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from pulsa_protocol.money import format_rupiah
from pulsa_protocol.wire import MAX_KIOSK_ID, MAX_RUPIAH
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.db import CLI_POOL
from distributor_server.upstream import UPSTREAM_NAMES


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2
        sys.stderr.write(f"distributor-server: {message}.\n")
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    cleaned = text.replace(".", "").replace(",", "").replace("_", "")
    if not (cleaned.isascii() and cleaned.isdigit()) or not 0 < int(cleaned) <= MAX_RUPIAH:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a positive whole number of rupiah up to {MAX_RUPIAH}")
    return int(cleaned)


def _id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_KIOSK_ID:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 1 and {MAX_KIOSK_ID}")
    return int(text)


def _pool_size(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of connections (0-1000)")
    return int(text)


def _add_common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default,
                        help="database URL (default: SQLite in the user data dir)")
    parser.add_argument("--key-file", type=Path, default=default,
                        help="master key file (see kiosk_keys.py)")
    parser.add_argument("--json", action="store_true", default=False if top else default,
                        help="print data as JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="distributor-server", description="Pulsa distributor server")
    _add_common(parser, top=True)
    # the options work before or after the subcommand; sub-level copies do not reset them
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    _add_common(common, top=False)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", parents=[common], help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--upstream", choices=UPSTREAM_NAMES, default="simulator")
    serve.add_argument("--db-pool-size", type=_pool_size, default=8,
                       help="database connections kept open by this process (default 8)")
    serve.add_argument("--db-pool-overflow", type=_pool_size, default=4,
                       help="extra connections under load (default 4); keep the sum over all "
                            "processes under PostgreSQL's max_connections")
    serve.add_argument("--docs", action="store_true",
                       help="serve /docs and /openapi.json (keep off in production)")

    kiosk = sub.add_parser("kiosk", parents=[common], help="manage kiosks")
    ksub = kiosk.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = ksub.add_parser("add", parents=[common], help="create a kiosk; prints id and secret")
    add.add_argument("--name", required=True)
    ksub.add_parser("list", parents=[common], help="list kiosks and balances")
    rot = ksub.add_parser("rotate-secret", parents=[common], help="issue a new secret")
    rot.add_argument("--kiosk", type=_id, required=True)

    dep = sub.add_parser("deposit", parents=[common], help="kiosk deposits")
    dsub = dep.add_subparsers(dest="action", required=True, parser_class=_Parser)
    credit = dsub.add_parser("credit", parents=[common], help="credit a kiosk's deposit")
    credit.add_argument("--kiosk", type=_id, required=True)
    credit.add_argument("--amount", type=_positive_int, required=True)
    credit.add_argument("--reference", default="")
    confirm = dsub.add_parser("confirm", parents=[common], help="confirm a deposit ticket")
    confirm.add_argument("ticket", type=_id)

    led = sub.add_parser("ledger", parents=[common], help="a kiosk's ledger (mutasi)")
    led.add_argument("--kiosk", type=_id, required=True)
    trx = sub.add_parser("transactions", parents=[common], help="a kiosk's top-ups")
    trx.add_argument("--kiosk", type=_id, required=True)

    prod = sub.add_parser("products", parents=[common], help="the price list")
    psub = prod.add_subparsers(dest="action", required=True, parser_class=_Parser)
    imp = psub.add_parser("import", parents=[common], help="import a CSV or JSON price list")
    imp.add_argument("file", type=Path)
    psub.add_parser("list", parents=[common], help="print the price list")

    inc = sub.add_parser("incidents", parents=[common],
                         help="what needs settling by hand (e.g. Sukses after a refund)")
    isub = inc.add_subparsers(dest="action", required=True, parser_class=_Parser)
    isub.add_parser("list", parents=[common], help="list incidents, oldest first")

    from distributor_server.console import cli_admin

    cli_admin.register(sub, common, _Parser)
    return parser


def _print(args: argparse.Namespace, data: object, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def run(args: argparse.Namespace) -> int:
    from distributor_server import incidents, kiosks, products, tickets, topups

    settings = Settings.for_db(args.db, args.key_file,
                               upstream=getattr(args, "upstream", "simulator"))
    if args.command == "serve":
        from distributor_server.serve import serve

        return serve(replace(settings, api_docs=args.docs, db_pool_size=max(1, args.db_pool_size),
                             db_pool_overflow=args.db_pool_overflow), args.host, args.port)
    # a desk command needs one connection; many of them at once must not exhaust PostgreSQL
    ctx = ServerContext(replace(settings, db_pool_size=CLI_POOL.size,
                                db_pool_overflow=CLI_POOL.overflow,
                                db_pool_timeout=CLI_POOL.timeout))
    try:
        if args.command == "kiosk" and args.action == "add":
            c = kiosks.create_kiosk(ctx, args.name)
            _print(args, {"kiosk_id": c.kiosk_id, "name": c.name, "secret": c.secret},
                   f"kiosk_id: {c.kiosk_id}\nsecret: {c.secret}")
        elif args.command == "kiosk" and args.action == "rotate-secret":
            c = kiosks.rotate_secret(ctx, args.kiosk)
            _print(args, {"kiosk_id": c.kiosk_id, "secret": c.secret},
                   f"kiosk_id: {c.kiosk_id}\nsecret: {c.secret}")
        elif args.command == "kiosk":
            rows = [{"kiosk_id": k.id, "name": k.name, "balance": k.balance}
                    for k in kiosks.list_kiosks(ctx)]
            _print(args, rows, "\n".join(
                f"{r['kiosk_id']:>5}  {r['name']:<30} {format_rupiah(r['balance']):>15}"
                for r in rows) or "no kiosks yet")
        elif args.command == "deposit" and args.action == "credit":
            e = kiosks.credit_deposit(ctx, args.kiosk, args.amount, reference=args.reference)
            _print(args, e.model_dump(mode="json"),
                   f"credited {format_rupiah(e.amount)}; balance {format_rupiah(e.balance_after)}")
        elif args.command == "deposit":
            e = tickets.confirm_ticket(ctx, args.ticket)
            _print(args, e.model_dump(mode="json"),
                   f"ticket {args.ticket} confirmed: credited {format_rupiah(e.amount)}; "
                   f"balance {format_rupiah(e.balance_after)}")
        elif args.command == "ledger":
            page = kiosks.ledger(ctx, args.kiosk)
            lines = [f"{e.seq:>6} {e.created_at:%Y-%m-%d %H:%M:%S} {e.reason:<15}"
                     f"{format_rupiah(e.amount):>14} {format_rupiah(e.balance_after):>14}"
                     f"  {e.reference}" for e in page.entries]
            lines.append(f"balance: {format_rupiah(page.balance)}")
            _print(args, page.model_dump(mode="json"), "\n".join(lines))
        elif args.command == "transactions":
            kiosks.balance(ctx, args.kiosk)  # NotFound for an unknown kiosk
            rows = topups.list_topups(ctx, args.kiosk)
            _print(args, [r.model_dump(mode="json") for r in rows], "\n".join(
                f"{r.ref_id:<38} {r.status.value:<8} {format_rupiah(r.price):>12} "
                f"{r.sku:<10} {r.destination:<14} {r.sn}" for r in rows) or "no top-ups")
        elif args.command == "products" and args.action == "import":
            rows = products.load_price_file(args.file)
            version, changed = products.import_products(ctx.db, rows)
            _print(args, {"version": version, "changed": changed},
                   f"{changed} product(s) changed; price list version {version}")
        elif args.command == "incidents":
            found = incidents.list_incidents(ctx)
            _print(args, [asdict(i) for i in found], "\n".join(
                f"{i.id:>5} {i.created_at:%Y-%m-%d %H:%M:%S} {i.kind:<22} kiosk {i.kiosk_id:<5}"
                f" {format_rupiah(i.amount):>12} {i.ref_id}  {i.detail}" for i in found)
                or "no incidents")
        elif args.command == "admin":
            from distributor_server.console import cli_admin

            return cli_admin.run(args, ctx)
        elif args.command == "products":
            plist = products.prices_since(ctx.db, 0)
            _print(args, plist.model_dump(mode="json"), "\n".join(
                f"{p.sku:<12} {p.kind:<8} {p.operator:<10} {format_rupiah(p.price):>12}"
                f"{'' if p.active else '  (inactive)'}  {p.name}" for p in plist.products))
    finally:
        ctx.close()
    return 0


def _database_sentence(url: str | None, exc: Exception) -> str:
    """One sentence for a database that cannot be used, without the password."""
    where = "the default SQLite file"
    if url:
        try:
            where = make_url(url).render_as_string(hide_password=True)
        except ArgumentError:
            return f"{url!r} is not a database URL; use postgresql+psycopg://... or sqlite:///file."
    if isinstance(exc, PoolTimeout):
        return f"The database at {where} is too busy; try again in a minute."
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return f"{where} is not a database URL; use postgresql+psycopg://... or sqlite:///file."
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0].rstrip(".")
    return (f"Cannot use the database at {where} ({detail}); check --db and that the "
            "database server is running.")


def main(argv: Sequence[str] | None = None) -> int:
    from distributor_server.kiosk_keys import KeyFileError
    from distributor_server.kiosks import NotFound
    from distributor_server.products import PriceListError
    from distributor_server.tickets import TicketError

    args = build_parser().parse_args(argv)
    # psycopg warns on stderr while cleaning up after an error we already handle
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    try:
        return run(args)
    except (NotFound, PriceListError, TicketError, KeyFileError, ValueError) as exc:
        message = str(exc).rstrip(".")
        sys.stderr.write(f"distributor-server: {message[:1].upper()}{message[1:]}.\n")
        return 2
    except (OperationalError, PoolTimeout, ArgumentError, NoSuchModuleError) as exc:
        sys.stderr.write(f"distributor-server: {_database_sentence(args.db, exc)}\n")
        return 3
