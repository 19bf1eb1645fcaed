"""The command line: a stable contract that ops scripts and later features rely on.

Exit 0 on success; 2 on bad input with one sentence on stderr and nothing
recorded; 3 when the distributor could not be reached (data kept). Command
modules import what they need inside their handlers, so ``gui`` starts lean.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from kiosk_pos.cli.args import early_language, usage_sentence
from kiosk_pos.cli.common import EXIT_BAD_INPUT, CliError, add_common

# Every sub-command: (name, module that registers it, help). Grouped by module, in the
# order ``--help`` lists them. A run imports only its command's module; the other commands
# get a bare sub-parser carrying this help text, so ``--help`` still lists them all.
# Each module has register(subparsers, common); tests/app/test_cli_lazy.py checks this
# table against what the modules register.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("init", "kiosk_pos.cli.shop", "create a kiosk database"),
    ("products", "kiosk_pos.cli.shop", "list the price list and goods"),
    ("sell", "kiosk_pos.cli.shop", "record a one-line sale"),
    ("history", "kiosk_pos.cli.shop", "a day's sales and their status"),
    ("report", "kiosk_pos.cli.shop", "reports"),
    ("gui", "kiosk_pos.cli.gui", "start the desktop app (default)"),
    ("connect", "kiosk_pos.cli.sync", "connect this kiosk to its distributor's server"),
    ("sync", "kiosk_pos.cli.sync", "send queued top-ups and fetch statuses, deposit and prices"),
    ("balance", "kiosk_pos.cli.sync", "deposit balance: local cache and the distributor's"),
    ("reconcile", "kiosk_pos.cli.reconcile",
     "compare a day's top-ups and the deposit with the distributor"),
    ("prices", "kiosk_pos.cli.reconcile", "distributor price list"),
    ("deposit-ticket", "kiosk_pos.cli.reconcile",
     "request a deposit ticket (unique amount to transfer)"),
    ("inquiry", "kiosk_pos.cli.inquiry", "check the customer's name behind a PLN id or "
     "e-wallet number (cek ID)"),
    ("deposit", "kiosk_pos.cli.deposit",
     "the deposit: when it runs out, how much to top it up"),
    ("receipt", "kiosk_pos.cli.printing", "show or save a sale's receipt"),
    ("print-test", "kiosk_pos.cli.printing", "print a test page on the configured printer"),
    ("printer", "kiosk_pos.cli.printing", "show or change printer settings"),
    ("backup", "kiosk_pos.cli.backup", "back up the kiosk database (owner PIN), or --list"),
    ("restore", "kiosk_pos.cli.backup", "replace the kiosk data with a backup (owner PIN)"),
    ("goods", "kiosk_pos.cli.goods", "goods: add, edit, retire, import and export (owner PIN)"),
    ("stock", "kiosk_pos.cli.stock", "stock: receive, count (opname), movements, low stock"),
    ("customer", "kiosk_pos.cli.customers", "customers: add, edit and list"),
    ("kasbon", "kiosk_pos.cli.customers", "kasbon: who owes what, payments, statements"),
    ("user", "kiosk_pos.cli.staff", "staff: add, list, disable, PINs"),
    ("audit", "kiosk_pos.cli.audit", "the audit trail of a day"),
    ("shift", "kiosk_pos.cli.shifts", "shifts and the cash drawer: open, cash, close, report"),
    ("refund", "kiosk_pos.cli.shifts", "refund goods of a sale"),
    ("complaint", "kiosk_pos.cli.complaints", "complain about a sale's top-up (komplain)"),
    ("complaints", "kiosk_pos.cli.complaints", "complaints and the distributor's answers"),
)
COMMAND_MODULES = tuple(dict.fromkeys(module for _, module, _ in COMMANDS))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one sentence, exit 2, nothing done
        self.exit(EXIT_BAD_INPUT, usage_sentence(self.prog, message) + "\n")


def _present(module: str) -> bool:
    """Whether a command module is part of this copy (without importing it)."""
    import importlib.util

    return importlib.util.find_spec(module) is not None


def build_parser(command: str | None = None, *, others: bool = True
                 ) -> argparse.ArgumentParser:
    """The parser, with ``command``'s module imported and registered in full; every other
    command is a bare sub-parser with its help text (enough for ``--help`` and errors).
    With ``command=None``, every module is imported and registered. With ``others=False``
    and ``command`` one of the commands, the other modules' commands are left out: a run
    of ``command`` never meets them (``kiosk-pos gui`` starts ~2 ms sooner without their
    30 sub-parsers); an unknown command still gets them all, for the error naming them."""
    import importlib

    parser = _Parser(prog="kiosk-pos", description="Kasir konter pulsa / pulsa kiosk POS",
                     epilog="--data-dir, --lang and --training may come before or after the "
                            "command.")
    add_common(parser)  # listed in the top-level help; main() hands them to the command
    common = _Parser(add_help=False)
    add_common(common)
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    wanted = {module for name, module, _ in COMMANDS if command is None or name == command}
    present = {module for module in COMMAND_MODULES if _present(module)}
    listed = others or not wanted & present  # an unknown command's error names them all
    for name, module, help_text in COMMANDS:
        if module not in present or name in subparsers.choices:
            continue
        if module in wanted:
            importlib.import_module(module).register(subparsers, common)
        elif listed:
            subparsers.add_parser(name, help=help_text, add_help=False)
    _explain_json(parser)
    return parser


JSON_HELP = "print JSON (the stable contract for scripts; money in whole rupiah)"


def _explain_json(parser: argparse.ArgumentParser) -> None:
    """Give every ``--json`` flag registered without help the one wording they all share."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                _explain_json(sub)
        elif "--json" in action.option_strings and not action.help:
            action.help = JSON_HELP


_GLOBAL_OPTIONS = ("--data-dir", "--lang")
_GLOBAL_FLAGS = ("--training",)
# Commands that talk to the distributor: in training the simulator runs while they do.
DISTRIBUTOR_COMMANDS = frozenset({"sync", "balance", "reconcile", "prices", "deposit-ticket",
                                  "inquiry"})


def command_first(argv: Sequence[str]) -> list[str]:
    """``argv`` with the global options written before the command moved after it (where
    the command's parser takes them), and ``gui`` put in when no command is named:
    ``--lang en sell ...`` is ``sell ... --lang en``; ``--lang id --help`` stays the
    top-level help; ``--data-dir D`` or ``--fullscreen`` alone start the gui."""
    rest = list(argv)
    leading: list[str] = []
    while rest:
        token = rest[0]
        if token in _GLOBAL_FLAGS:
            leading.append(rest.pop(0))
        elif token in _GLOBAL_OPTIONS and len(rest) > 1:
            leading += rest[:2]
            del rest[:2]
        elif token.partition("=")[0] in _GLOBAL_OPTIONS and "=" in token:
            leading.append(rest.pop(0))
        else:
            break
    if rest and rest[0] in ("-h", "--help"):
        return rest + leading
    if not rest or rest[0].startswith("-"):
        return ["gui", *leading, *rest]
    end = rest.index("--") if "--" in rest else len(rest)
    return rest[:end] + leading + rest[end:]


def _in_training(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace
                 ) -> int:
    """A distributor command in training: against the simulator, started for it."""
    from kiosk_pos.cli.common import data_dir
    from kiosk_pos.training import simulator

    with simulator(data_dir(args)):
        return handler(args)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = command_first(sys.argv[1:] if argv is None else argv)
    early_language(args_list)
    parser = build_parser(args_list[0], others=False)
    args = parser.parse_args(args_list)
    if args.command != "gui":
        from kiosk_pos import gc_policy

        gc_policy.resume()  # paused by kiosk_pos.__main__ for the start; the gui hands it on
    handler: Callable[[argparse.Namespace], int] = args.handler
    from kiosk_pos.core.errors import KioskError
    from kiosk_pos.i18n import set_language

    if getattr(args, "lang", None):
        set_language(args.lang)
    try:
        if getattr(args, "training", False) and args.command in DISTRIBUTOR_COMMANDS:
            return _in_training(handler, args)
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
