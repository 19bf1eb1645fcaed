"""``kiosk-pos gui``: the desktop app."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("gui", parents=[common], help="start the desktop app (default)")
    p.add_argument("--demo", action="store_true",
                   help="demo shop with a built-in demo distributor (own data folder)")
    p.add_argument("--self-test", action="store_true",
                   help="build the main window, print the time to ready, exit")
    p.set_defaults(handler=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from kiosk_pos.app import run_gui
    from kiosk_pos.paths import ENV_DATA_DIR, data_dir

    explicit = args.data_dir or None
    import os

    folder = data_dir(explicit)
    if args.demo and not explicit and not os.environ.get(ENV_DATA_DIR):
        folder = folder / "demo"  # never mix the demo with a real shop's data
    return run_gui(folder, demo=args.demo, self_test=args.self_test, language=args.lang)
