"""``kiosk-pos gui``: the desktop app; ``--demo`` the demo shop, ``--reset`` a fresh one."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from kiosk_pos.i18n import tr

DEMO_MARK = "DEMO.txt"  # written by `gui --demo`: this folder holds the demo shop


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("gui", parents=[common], help="start the desktop app (default)")
    p.add_argument("--demo", action="store_true",
                   help="demo shop with a built-in demo distributor (own data folder)")
    p.add_argument("--reset", action="store_true",
                   help="with --demo: throw the demo shop away and start a fresh one")
    p.add_argument("--self-test", action="store_true",
                   help="build the main window, print the time to ready, exit")
    p.set_defaults(handler=cmd_gui)


def demo_folder(args: argparse.Namespace) -> Path:
    from kiosk_pos.paths import ENV_DATA_DIR, data_dir

    explicit = args.data_dir or None
    folder = data_dir(explicit)
    if not explicit and not os.environ.get(ENV_DATA_DIR):
        folder = folder / "demo"  # never mix the demo with a real shop's data
    return folder


def reset_demo(folder: Path) -> str | None:
    """Empty the demo folder; None when done, else the sentence why not.

    Refuses a folder that holds a kiosk not made by ``gui --demo`` (no DEMO.txt beside it)
    and a demo whose window is open. The files are unlinked, never opened."""
    from kiosk_pos.core.kiosk import DB_FILENAME
    from kiosk_pos.instance import LOCK_FILENAME, GuiLock

    if not folder.exists():
        return None
    if (folder / DB_FILENAME).exists() and not (folder / DEMO_MARK).exists():
        return tr("demo.reset_not_demo", path=str(folder))
    lock = GuiLock(folder)
    if not lock.acquire():
        return tr("demo.reset_open", path=str(folder))
    try:
        for entry in folder.iterdir():
            if entry.name == LOCK_FILENAME:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    finally:
        lock.release()
    return None


def mark_demo(folder: Path) -> None:
    """Mark a new demo folder as the demo's; a kiosk made elsewhere is never marked, so
    ``--reset`` can never empty a real shop's folder."""
    from kiosk_pos.core.kiosk import DB_FILENAME

    mark = folder / DEMO_MARK
    if mark.exists() or (folder / DB_FILENAME).exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    mark.write_text("This folder holds the kiosk-pos demo shop (make demo-reset empties it).\n",
                    encoding="utf-8")


def cmd_gui(args: argparse.Namespace) -> int:
    from kiosk_pos.app import run_gui
    from kiosk_pos.paths import data_dir

    if args.reset and not args.demo:
        print(tr("demo.reset_needs_demo"), file=sys.stderr)
        return 2
    if not args.demo:
        return run_gui(data_dir(args.data_dir or None), self_test=args.self_test,
                       language=args.lang, training=args.training)
    folder = demo_folder(args)
    if args.reset:
        refused = reset_demo(folder)
        if refused:
            print(refused, file=sys.stderr)
            return 2
    mark_demo(folder)
    print(tr("demo.folder", path=str(folder)), flush=True)
    return run_gui(folder, demo=True, self_test=args.self_test, language=args.lang,
                   training=args.training)
