"""Start-up stays lean: the desktop app reaches its first screen (the PIN login) without
importing SQLAlchemy, Alembic or the libraries of printing and sync, nor the screens and
panels it builds on first use or after that first paint, without PySide's Qt namespace,
and with no thread but its own; and a CLI command imports only its own module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_pos.app import ENV_READY_MODULES, ENV_SELF_TEST
from kiosk_pos.cli import COMMAND_MODULES, COMMANDS, build_parser, main
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.core.setup import init_kiosk

HEAVY = ("sqlalchemy", "alembic", "reportlab", "escpos", "requests", "pydantic", "babel")
# Built when first opened: the History and report pages, payment, search, the owner's tools,
# the training switch's dialog (and its strip, shown only in training).
LATER = ("kiosk_pos.ui.history", "kiosk_pos.ui.history_model", "kiosk_pos.ui.report_view",
         "kiosk_pos.ui.payment", "kiosk_pos.ui.search", "kiosk_pos.ui.tools",
         "kiosk_pos.ui.training_widgets")
# Imported where used, never by the window's start: the shift a sale belongs to and search
# (by the writer or a query), PIN hashing (on login), the ref id of a top-up (on a sale),
# stock and goods (the low-stock notice's query after a sale of goods).
WHERE_USED = ("kiosk_pos.core.shifts", "kiosk_pos.core.shift_figures",
              "kiosk_pos.core.sale_search", "kiosk_pos.core.stock", "kiosk_pos.core.goods",
              "hashlib", "hmac", "secrets", "uuid")
# After the login's first paint, while the PIN is typed (ui/first_paint.py): the sales
# screen, and what the first login's queries import (the forecast, the staff settings).
AFTER_FIRST_PAINT = ("kiosk_pos.ui.sales_screen", "kiosk_pos.ui.cart",
                     "kiosk_pos.ui.product_grid", "kiosk_pos.ui.forecast_watch",
                     "kiosk_pos.core.deposit_forecast", "kiosk_pos.core.staff", "decimal",
                     "fractions", "kiosk_pos.core.sales", "concurrent.futures",
                     "PySide6.QtCore.Qt")


def _env() -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_POS_DATA_DIR", None)
    return env


def _python(script: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by a fresh interpreter with the test environment; it must succeed."""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, env=_env())
    assert done.returncode == 0, done.stderr
    return done


def _ready_listing(tmp_path: Path, to: str) -> set[str]:
    folder = tmp_path / "data"
    kiosk = init_kiosk(folder, "Konter Uji", "9999", demo=True)
    clerk = kiosk.users.authenticate("1111")  # a sale today: the sales screen loads it
    kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, "081234567890")], Payment())
    kiosk.close()
    listing = tmp_path / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-m", "kiosk_pos", "gui", "--self-test", "--data-dir", str(folder)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        env={**_env(), ENV_READY_MODULES: str(listing), ENV_SELF_TEST: to})
    assert done.returncode == 0, done.stderr
    assert "ready in" in done.stdout
    if to == "login":
        assert "sales screen in" in done.stdout  # the good PIN after ready got there
    loaded = set(listing.read_text(encoding="utf-8").split())
    assert "kiosk_pos.ui.main_window" in loaded  # the listing was taken with the window up
    return loaded


def test_the_login_is_ready_with_nothing_it_does_not_show(tmp_path: Path) -> None:
    loaded = _ready_listing(tmp_path, "login")
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"imported before the window was ready: {heavy[:5]}"
    assert sorted(loaded.intersection(LATER)) == []
    assert sorted(loaded.intersection(WHERE_USED)) == []
    assert sorted(loaded.intersection(AFTER_FIRST_PAINT)) == []
    assert sorted(m for m in loaded if m.startswith("thread:")) == ["thread:MainThread"]


def test_the_sales_screen_is_ready_without_sqlalchemy_or_alembic(tmp_path: Path) -> None:
    """Straight to the sales screen (the self-test's second figure): still lean, and its
    queries wait for the first paint."""
    loaded = _ready_listing(tmp_path, "sales")
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"imported before the window was ready: {heavy[:5]}"
    assert sorted(loaded.intersection(LATER)) == []
    assert sorted(loaded.intersection(WHERE_USED)) == []
    assert "kiosk_pos.ui.sales_screen" in loaded
    assert sorted(m for m in loaded if m.startswith("thread:")) == ["thread:MainThread"]


def test_a_command_imports_only_its_own_module(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    script = ("import sys; from kiosk_pos.cli import main; "
              f"code = main(['history', '--data-dir', {str(folder)!r}]); "
              "print(' '.join(m for m in sorted(sys.modules) if m.startswith('kiosk_pos.cli.'))); "
              "sys.exit(code)")
    done = _python(script)
    loaded = set(done.stdout.strip().splitlines()[-1].split())
    assert "kiosk_pos.cli.shop" in loaded
    assert loaded.isdisjoint(set(COMMAND_MODULES) - {"kiosk_pos.cli.shop"}), loaded


def _listed(parser) -> list[tuple[str, str | None]]:
    action = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    return [(choice.dest, choice.help) for choice in action._choices_actions]  # noqa: SLF001


def test_the_command_table_says_what_the_modules_register() -> None:
    """The help shown without importing a module is the help the module itself gives."""
    assert _listed(build_parser()) == [(name, help_text) for name, _, help_text in COMMANDS]
    assert _listed(build_parser("sell")) == _listed(build_parser())


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for name, _, help_text in COMMANDS:
        assert name in out and help_text.split()[0] in out


def test_a_run_parses_with_its_own_commands_only(capsys: pytest.CaptureFixture[str]) -> None:
    """``kiosk-pos gui`` (and any command) is parsed without the other commands'
    sub-parsers; an unknown command is still told every command there is, and a known
    command's mistakes read as before."""
    assert [name for name, _ in _listed(build_parser("gui", others=False))] == ["gui"]
    shop = [name for name, module, _ in COMMANDS if module == "kiosk_pos.cli.shop"]
    assert [name for name, _ in _listed(build_parser("sell", others=False))] == shop
    args = build_parser("gui", others=False).parse_args(["gui", "--self-test", "--lang", "en"])
    assert args.self_test and args.lang == "en" and args.handler.__name__ == "cmd_gui"
    with pytest.raises(SystemExit) as stop:
        main(["--lang", "en", "sel"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "sel is not known" in err
    assert all(name in err for name, _, _ in COMMANDS)
    with pytest.raises(SystemExit) as stop:
        main(["--lang", "en", "gui", "--no-such-option"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1 and "--no-such-option" in err


def _main_in_a_fresh_interpreter(tmp_path: Path, patch: str, argv: list[str],
                                 report: str) -> list[str]:
    """``kiosk_pos.__main__.main(argv + a demo folder)`` run by a fresh interpreter after
    ``patch`` (lines that note what the run saw in ``seen``); the words ``report`` printed."""
    folder = tmp_path / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    script = ("import gc, sys\nseen = []\n" + patch
              + "from kiosk_pos.__main__ import main\n"
              + f"code = main({[*argv, '--data-dir', str(folder)]!r})\n"
              + f"print({report})\nsys.exit(code)\n")
    return _python(script).stdout.split()


def test_a_command_other_than_the_gui_runs_with_the_garbage_collector_on(
        tmp_path: Path) -> None:
    """``kiosk-pos`` pauses the collector while it starts (kiosk_pos/__main__.py); any
    command but ``gui`` has it back once its arguments are parsed."""
    patch = ("import kiosk_pos.cli.shop as shop\n"
             "def history(args):\n"
             "    seen.append(gc.isenabled())\n"
             "    return 0\n"
             "shop.cmd_history = history\n")
    printed = _main_in_a_fresh_interpreter(tmp_path, patch, ["history"], "seen, gc.isenabled()")
    assert printed == ["[True]", "True"]


def test_the_gui_paints_with_the_collector_paused_then_hands_it_to_its_own_thread(
        tmp_path: Path) -> None:
    """``kiosk-pos gui``: no pass while the login paints; after the warm-up no automatic
    pass on any thread (a timer on the GUI thread collects, ui/collector.py), and what the
    start built is frozen out of its way."""
    patch = ("import kiosk_pos.app as app\n"
             "noted = app._note_ready_modules\n"
             "app._note_ready_modules = lambda: (seen.append(gc.isenabled()), noted())\n")
    report = ("seen, gc.isenabled(), gc.get_freeze_count() > 0, "
              "__import__('kiosk_pos.ui.collector').ui.collector.installed() is not None")
    printed = _main_in_a_fresh_interpreter(tmp_path, patch, ["gui", "--self-test"], report)
    assert printed[-4:] == ["[False]", "False", "True", "True"]
