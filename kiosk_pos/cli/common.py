"""Options every command takes, exit codes, opening the kiosk, printing JSON.

Values are typed and bounded while parsing: see :mod:`kiosk_pos.cli.args`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk_pos.cli.args import path
from kiosk_pos.i18n import LANGUAGES

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_UNREACHABLE = 3


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", type=path,
                        help="kiosk data folder (default: $KIOSK_POS_DATA_DIR or the OS data dir)")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of messages (id or en)")
    parser.add_argument("--training", action="store_true",
                        help="mode latihan: use the practice kiosk in training/ inside the "
                             "data folder (own database, the built-in simulator distributor)")


def data_dir(args: argparse.Namespace) -> Path:
    """The data folder; with ``--training`` the practice kiosk's inside it (made on first
    use, from the demo shop: the real shop's database is never opened)."""
    from kiosk_pos.paths import data_dir as resolve

    folder = resolve(args.data_dir)
    if getattr(args, "training", False):
        from kiosk_pos.training import ensure_training_kiosk

        return ensure_training_kiosk(folder)
    return folder


def refuse_in_training(args: argparse.Namespace, what: str = "connect") -> None:
    """One sentence (exit 2) for a command training never runs: it would reach a real
    distributor (connect) or bring a real shop in (restore)."""
    if getattr(args, "training", False):
        from kiosk_pos.training import refuse

        refuse(what)


def open_kiosk(args: argparse.Namespace):  # noqa: ANN201 - Kiosk, imported lazily
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.settings import LANGUAGE
    from kiosk_pos.i18n import set_language

    kiosk = Kiosk.open(data_dir(args))
    if not args.lang:
        set_language(kiosk.settings.get(LANGUAGE, "id"))
    return kiosk


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")
