"""The command line: a stable contract that ops scripts and later features rely on.

Exit 0 on success; 2 on bad input with one sentence on stderr and nothing
recorded; 3 when the distributor could not be reached (data kept). Command
modules import what they need inside their handlers, so ``gui`` starts lean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from kiosk_pos.cli.common import EXIT_BAD_INPUT, CliError, add_common

# Modules that add sub-commands: each has register(subparsers, common).
COMMAND_MODULES = (
    "kiosk_pos.cli.shop",
    "kiosk_pos.cli.gui",
    "kiosk_pos.cli.sync",        # connect, sync, balance
    "kiosk_pos.cli.reconcile",   # reconcile, prices, deposit-ticket
    "kiosk_pos.cli.printing",    # receipt, print-test
    "kiosk_pos.cli.backup",      # backup, restore
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(prog="kiosk-pos", description="Kasir konter pulsa / pulsa kiosk POS")
    common = _Parser(add_help=False)
    add_common(common)
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an optional part not built in this copy
            if exc.name != name:
                raise
            continue
        module.register(subparsers, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list.insert(0, "gui")
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler: Callable[[argparse.Namespace], int] = args.handler
    from kiosk_pos.core.errors import KioskError
    from kiosk_pos.i18n import set_language

    if getattr(args, "lang", None):
        set_language(args.lang)
    try:
        return handler(args)
    except (KioskError, CliError) as exc:
        print(f"kiosk-pos: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_BAD_INPUT)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file the user named (--pdf, --escpos, ...) cannot be written
        from kiosk_pos.i18n import tr

        print(f"kiosk-pos: {tr('error.file', path=exc.filename or '-', detail=exc.strerror)}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
