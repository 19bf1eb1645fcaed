"""Sync commands: connect, sync, balance.

Exit 0 when the distributor answered, 2 for bad input, refused credentials or a server that
does not prove it is the distributor (one sentence, nothing saved), 3 when it could not be
reached (data kept).
"""

from __future__ import annotations

import argparse
from typing import Any

from pulsa_protocol.wire import MAX_KIOSK_ID

from kiosk_pos.cli.args import path, seconds, text, whole
from kiosk_pos.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_UNREACHABLE,
    CliError,
    open_kiosk,
    print_json,
    refuse_in_training,
)
from kiosk_pos.cli.owner import acting_owner, add_pin

SYNC_TIMEOUT = seconds(1.0, 600.0)
MAX_CODE = 3000  # kiosk_pos/sync/setup_code.py's own limit (not imported: the CLI starts light)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("connect", parents=[common],
                              help="connect this kiosk to its distributor's server")
    p.add_argument("--setup-code", metavar="TEXT", type=text(MAX_CODE),
                   help="the setup code (JSON) from the console's 'add kiosk' QR code, "
                        "instead of --url, --kiosk-id and --secret")
    p.add_argument("--url", type=text(2000),
                   help="server address, e.g. https://distributor:8000")
    p.add_argument("--kiosk-id", help="this kiosk's id at the distributor",
                   type=whole(1, MAX_KIOSK_ID))
    p.add_argument("--secret", help="the secret the distributor gave", type=text(500))
    p.add_argument("--ca-file", metavar="PATH", type=path,
                   help="the distributor's own CA certificate bundle (PEM) for https")
    p.add_argument("--allow-lan-http", action="store_true",
                   help="allow plain http:// to a private LAN IP address (e.g. 192.168.x.x)")
    add_pin(p)
    p.set_defaults(handler=cmd_connect)

    p = subparsers.add_parser("sync", parents=[common],
                              help="send queued top-ups and fetch statuses, deposit and prices")
    p.add_argument("--json", action="store_true")
    p.add_argument("--timeout", type=SYNC_TIMEOUT, default=10.0,
                   help="read timeout in seconds (1-600, default 10)")
    p.set_defaults(handler=cmd_sync)

    p = subparsers.add_parser("balance", parents=[common],
                              help="deposit balance: local cache and the distributor's")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_balance)


def _unreachable(exc: Exception) -> CliError:
    from kiosk_pos.sync.errors import DistributorUnreachable, MalformedReply

    if isinstance(exc, DistributorUnreachable | MalformedReply):
        return CliError(str(exc), EXIT_UNREACHABLE)
    return CliError(str(exc), EXIT_BAD_INPUT)


def _where(args: argparse.Namespace) -> tuple[str, int, str]:
    """The address, kiosk id and secret: from --setup-code, or the three options typed."""
    from kiosk_pos.i18n import tr
    from kiosk_pos.sync.connect import ConnectRefused
    from kiosk_pos.sync.setup_code import parse_setup_code

    typed = (args.url, args.kiosk_id, args.secret)
    if args.setup_code is not None:
        if any(value is not None for value in typed):
            raise CliError(tr("sync.setup_code.or_fields"))
        try:
            code = parse_setup_code(args.setup_code)
        except ConnectRefused as exc:
            raise CliError(str(exc)) from None
        return code.url, code.kiosk_id, code.secret
    if any(value is None for value in typed):
        raise CliError(tr("sync.setup_code.or_fields"))
    return args.url, args.kiosk_id, args.secret


def cmd_connect(args: argparse.Namespace) -> int:
    """Save the connection only once BOTH directions are proven (kiosk_pos/sync/connect.py,
    the same use case as the first-run wizard's)."""
    from kiosk_pos.core.permissions import Permission
    from kiosk_pos.sync import connect
    from kiosk_pos.sync.errors import DistributorNotProven, SyncError, UntrustedCertificate

    refuse_in_training(args)
    url, kiosk_id, secret = _where(args)
    try:
        cfg = connect.config_for(url, kiosk_id, secret, ca_file=args.ca_file,
                                 allow_lan_http=args.allow_lan_http)
    except connect.ConnectRefused as exc:
        raise CliError(str(exc)) from None
    kiosk = open_kiosk(args)
    try:
        owner = acting_owner(kiosk, args.pin, Permission.MANAGE_CONNECTION)
        try:
            connect.connect(kiosk, cfg, owner)
        except (DistributorNotProven, UntrustedCertificate) as exc:  # not proven: refuse
            raise CliError(str(exc), EXIT_BAD_INPUT) from None
        except connect.ConnectRefused as exc:
            raise CliError(str(exc)) from None
        except SyncError as exc:
            raise _unreachable(exc) from None
        print(f"connected: kiosk {cfg.kiosk_id} at {cfg.url}")
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_sync(args: argparse.Namespace) -> int:
    from kiosk_pos.i18n import tr
    from kiosk_pos.sync.config import load_config
    from kiosk_pos.sync.service import SyncService

    kiosk = open_kiosk(args)
    try:
        cfg = load_config(kiosk)
        if cfg is None:
            raise CliError(tr("sync.error.not_configured"))
        result = SyncService(kiosk, cfg.client(timeout=(3.05, args.timeout))).sync_once()
        if args.json:
            print_json(result.as_dict())
        else:
            print(f"pushed {result.pushed}, updated {result.updated}, pending {result.pending}, "
                  f"failed {result.failed}, queue {result.queue}, balance {result.balance}"
                  + (f", server {result.server_balance}" if result.server_balance is not None
                     else ""))
        if result.error:
            import sys

            print(f"kiosk-pos: {result.error}", file=sys.stderr)
        if not result.online:
            definite = result.error_kind in ("rejected", "unproven")
            return EXIT_BAD_INPUT if definite else EXIT_UNREACHABLE
        return EXIT_OK
    finally:
        kiosk.close()


def cmd_balance(args: argparse.Namespace) -> int:
    import sys

    from kiosk_pos.sync.config import load_config
    from kiosk_pos.sync.errors import SyncError

    kiosk = open_kiosk(args)
    try:
        local = kiosk.deposit.balance()
        cfg = load_config(kiosk)
        server: int | None = None
        error: str | None = None
        if cfg is not None:
            try:
                server = cfg.client(retries=1).balance().balance
            except SyncError as exc:
                error = str(exc)
        else:
            from kiosk_pos.i18n import tr

            error = tr("sync.error.not_configured")
        if args.json:
            print_json({"local": local, "server": server, "error": error})
        else:
            from pulsa_protocol.money import format_rupiah

            print(f"local {format_rupiah(local)}"
                  + (f", server {format_rupiah(server)}" if server is not None else ""))
        if error:
            print(f"kiosk-pos: {error}", file=sys.stderr)
        if cfg is None:
            return EXIT_BAD_INPUT
        return EXIT_OK if server is not None else EXIT_UNREACHABLE
    finally:
        kiosk.close()
