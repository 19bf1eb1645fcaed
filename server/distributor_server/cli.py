"""``distributor-server``: serve, and the distributor's desk work (kiosks, deposits, prices).

Bad input exits with status 2 and one sentence on stderr; a database that cannot be used,
3. Every value is typed and bounded while parsing (numbers of ASCII digits within the
protocol's limits, text within its column and free of control characters, a port a socket
can bind), so nothing out of range reaches the database or the network.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
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

NAME_LENGTH = 120  # models: Kiosk.name, LedgerEntry.reference


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2
        sys.stderr.write(f"distributor-server: {_shown(message.rstrip('.'), 400)}. "
                         f"See '{self.prog} --help'.\n")
        raise SystemExit(2)


def _shown(text: str, limit: int = 40) -> str:
    """``text`` fit for a one-line message: short, control characters and bad bytes as ?."""
    safe = "".join("?" if _unsafe(c) else c for c in text[:limit])
    return safe + ("..." if len(text) > limit else "")


def _unsafe(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in ("Cc", "Cs")  # control; undecodable byte


def _text(limit: int, *, empty: bool = True) -> Callable[[str], str]:
    """Text up to ``limit`` characters (a column's size), without control characters."""

    def convert(text: str) -> str:
        if any(_unsafe(c) for c in text):
            raise argparse.ArgumentTypeError(
                f"{_shown(text)!r} holds control characters or unreadable bytes; "
                "type it with ordinary characters")
        if len(text) > limit:
            raise argparse.ArgumentTypeError(
                f"{_shown(text)!r} is longer than {limit} characters; shorten it")
        if not empty and not text.strip():
            raise argparse.ArgumentTypeError("an empty value cannot be used here; give one")
        return text

    return convert


def _path(text: str) -> Path:
    return Path(_text(4096, empty=False)(text))


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{_shown(text)!r} is not a TCP port (1-65535)")
    return int(text)


def _positive_int(text: str) -> int:
    cleaned = text.replace(".", "").replace(",", "").replace("_", "")
    if not (cleaned.isascii() and cleaned.isdigit()) or len(cleaned) > 30 \
            or not 0 < int(cleaned) <= MAX_RUPIAH:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)!r} is not a positive whole number of rupiah up to {MAX_RUPIAH}")
    return int(cleaned)


def _id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 30 \
            or not 0 < int(text) <= MAX_KIOSK_ID:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)!r} is not a number between 1 and {MAX_KIOSK_ID}")
    return int(text)


def _pool_size(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 30 or not 0 <= int(text) <= 1000:
        raise argparse.ArgumentTypeError(
            f"{_shown(text)!r} is not a number of connections (0-1000)")
    return int(text)


def _add_common(parser: argparse.ArgumentParser, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--db", default=default, type=_text(2000, empty=False),
                        help="database URL (default: SQLite in the user data dir)")
    parser.add_argument("--key-file", type=_path, default=default,
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
    serve.add_argument("--host", default="127.0.0.1", type=_text(253, empty=False))
    serve.add_argument("--port", type=_port, default=8080)
    serve.add_argument("--upstream", choices=UPSTREAM_NAMES, default="simulator")
    serve.add_argument("--db-pool-size", type=_pool_size, default=4,
                       help="database connections kept open by this process (default 4)")
    serve.add_argument("--db-pool-overflow", type=_pool_size, default=4,
                       help="extra connections under load (default 4); keep the sum over all "
                            "processes under PostgreSQL's max_connections")
    serve.add_argument("--db-hot-pool-size", type=_pool_size, default=8,
                       help="PostgreSQL connections for the signed submit and admissions "
                            "(default 8; see docs/deploy.md)")
    serve.add_argument("--workers", type=_pool_size, default=1,
                       help="API processes sharing the port (default 1); each holds its own "
                            "database pool (see docs/deploy.md for the sizes)")
    serve.add_argument("--no-sender", action="store_true",
                       help="send nothing upstream from this process; leave it to "
                            "`distributor-server worker` processes")
    serve.add_argument("--docs", action="store_true",
                       help="serve /docs and /openapi.json (keep off in production)")
    serve.add_argument("--access-log", action="store_true",
                       help="log a line per HTTP request (off by default: thousands of "
                            "kiosks' long polls make ~N/25 lines a second)")

    kiosk = sub.add_parser("kiosk", parents=[common], help="manage kiosks")
    ksub = kiosk.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = ksub.add_parser("add", parents=[common], help="create a kiosk; prints id and secret")
    add.add_argument("--name", required=True, type=_text(NAME_LENGTH))
    ksub.add_parser("list", parents=[common], help="list kiosks and balances")
    rot = ksub.add_parser("rotate-secret", parents=[common], help="issue a new secret")
    rot.add_argument("--kiosk", type=_id, required=True)

    dep = sub.add_parser("deposit", parents=[common], help="kiosk deposits")
    dsub = dep.add_subparsers(dest="action", required=True, parser_class=_Parser)
    credit = dsub.add_parser("credit", parents=[common], help="credit a kiosk's deposit")
    credit.add_argument("--kiosk", type=_id, required=True)
    credit.add_argument("--amount", type=_positive_int, required=True)
    credit.add_argument("--reference", default="", type=_text(NAME_LENGTH))
    confirm = dsub.add_parser("confirm", parents=[common], help="confirm a deposit ticket")
    confirm.add_argument("ticket", type=_id)

    led = sub.add_parser("ledger", parents=[common], help="a kiosk's ledger (mutasi)")
    led.add_argument("--kiosk", type=_id, required=True)
    trx = sub.add_parser("transactions", parents=[common], help="a kiosk's top-ups")
    trx.add_argument("--kiosk", type=_id, required=True)

    work = sub.add_parser("worker", parents=[common],
                          help="send pending top-ups upstream (run any number of these)")
    work.add_argument("--upstream", choices=UPSTREAM_NAMES, default="simulator")
    work.add_argument("--threads", type=_pool_size, default=8,
                      help="upstream calls in flight at once (default 8); the process holds "
                           "threads + 1 database connections")
    work.add_argument("--lease-seconds", type=float, default=90.0,
                      help="how long a claimed top-up stays with this process before another "
                           "may call again (default 90; above the slowest upstream call)")

    prod = sub.add_parser("products", parents=[common], help="the price list")
    psub = prod.add_subparsers(dest="action", required=True, parser_class=_Parser)
    imp = psub.add_parser("import", parents=[common], help="import a CSV or JSON price list")
    imp.add_argument("file", type=_path)
    psub.add_parser("list", parents=[common], help="print the price list")

    inc = sub.add_parser("incidents", parents=[common],
                         help="what needs settling by hand (e.g. Sukses after a refund)")
    isub = inc.add_subparsers(dest="action", required=True, parser_class=_Parser)
    isub.add_parser("list", parents=[common], help="list incidents, oldest first")
    isub.add_parser("check", parents=[common],
                    help="run the incident rules once now (the sender runs them every minute)")

    from distributor_server import cli_settings
    from distributor_server.console import cli_admin

    cli_admin.register(sub, common, _Parser)
    cli_settings.register(sub, common, _Parser)
    return parser


def _print(args: argparse.Namespace, data: object, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def run(args: argparse.Namespace) -> int:
    from distributor_server import incidents, kiosks, products, tickets, topups
    from distributor_server.claims import call_counts

    settings = Settings.for_db(args.db, args.key_file,
                               upstream=getattr(args, "upstream", "simulator"))
    if args.command == "serve":
        from distributor_server.serve import serve

        return serve(replace(settings, api_docs=args.docs, access_log=args.access_log,
                             db_pool_size=max(1, args.db_pool_size),
                             db_pool_overflow=args.db_pool_overflow,
                             db_hot_pool_size=max(1, args.db_hot_pool_size)),
                     args.host, args.port,
                     sender=not args.no_sender, workers=max(1, args.workers))
    if args.command == "worker":
        return _worker(settings, args)
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
            calls = call_counts(ctx, args.kiosk)
            data = [{**r.model_dump(mode="json"), "sends": calls.get(r.ref_id, (0, 0))[0],
                     "checks": calls.get(r.ref_id, (0, 0))[1]} for r in rows]
            _print(args, data, "\n".join(
                f"{r['ref_id']:<38} {r['status']:<8} {format_rupiah(r['price']):>12} "
                f"{r['sku']:<10} {r['destination']:<14} sends {r['sends']} checks "
                f"{r['checks']}  {r['sn']}" for r in data) or "no top-ups")
        elif args.command == "products" and args.action == "import":
            rows = products.load_price_file(args.file)
            version, changed = products.import_products(ctx.db, rows)
            _print(args, {"version": version, "changed": changed},
                   f"{changed} product(s) changed; price list version {version}")
        elif args.command == "incidents" and args.action == "check":
            from distributor_server.incident_rules import run_checks

            raised = run_checks(ctx)
            _print(args, {"events": raised}, f"{raised} event(s) recorded")
        elif args.command == "incidents":
            found = incidents.list_incidents(ctx)
            _print(args, [asdict(i) for i in found], "\n".join(
                f"{i.id:>5} {i.created_at:%Y-%m-%d %H:%M:%S} {i.status:<12} {i.kind:<22} "
                f"{i.subject:<20} {format_rupiah(i.amount):>12} {i.ref_id}  {i.detail}"
                for i in found) or "no incidents")
        elif args.command == "settings":
            from distributor_server import cli_settings

            return cli_settings.run(args, ctx)
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


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from distributor_server.serve import with_upstream_settings
    from distributor_server.worker import run_worker

    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    threads = max(1, args.threads)
    if not 1 <= args.lease_seconds <= 3600:
        raise ValueError("--lease-seconds must be between 1 and 3600")
    if settings.db_url.startswith("sqlite"):
        raise ValueError("the worker command needs PostgreSQL (--db postgresql+psycopg://...); "
                         "with SQLite, serve sends upstream itself")
    settings = replace(with_upstream_settings(settings), worker_threads=threads,
                       lease_seconds=args.lease_seconds, db_pool_size=threads + 1,
                       db_pool_overflow=0)
    ctx = ServerContext(settings)
    try:
        return run_worker(ctx)
    finally:
        ctx.close()


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
    except OSError as exc:  # the key file (or another file named on the command line)
        where = exc.filename if exc.filename is not None else args.key_file
        sys.stderr.write(f"distributor-server: Cannot use the file {_shown(str(where), 200)} "
                         f"({exc.strerror or exc}); check --key-file and the folder's "
                         "permissions.\n")
        return 2
    except (OperationalError, PoolTimeout, ArgumentError, NoSuchModuleError) as exc:
        sys.stderr.write(f"distributor-server: {_database_sentence(args.db, exc)}\n")
        return 3
