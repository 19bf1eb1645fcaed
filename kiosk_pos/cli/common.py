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


def data_dir(args: argparse.Namespace) -> Path:
    from kiosk_pos.paths import data_dir as resolve

    return resolve(args.data_dir)


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
