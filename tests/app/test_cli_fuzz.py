"""Fuzz every ``kiosk-pos`` sub-command's arguments: never a traceback, refusals write nothing.

For each runnable sub-command, hypothesis draws argvs from that sub-parser's real options
(tests/aids/argv_fuzz.py: plausible values and junk) and runs them in-process against a
fresh copy of a demo kiosk that is connected to a real distributor on 127.0.0.1 (so sync,
reconcile, prices and deposit tickets reach the code that talks to it), with the working
folder set to that example's own temporary folder (so ``--pdf x`` lands there).

The assertion: the command returns or exits with 0, 2 or 3, never anything else and never
an exception; and an exit 2 (a refusal) leaves the kiosk's money tables, its settings and
the files around it as they were. Bounded by examples per sub-command and by a time budget
shared out between them (TimeSlices), so this file stays well under a minute.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributor_server.embedded import EmbeddedServer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kiosk_pos.cli import build_parser, main
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.sync.config import SyncConfig, save_config
from tests.aids.argv_fuzz import TimeSlices, argv_for, leaves
from tests.aids.cli_run import kiosk_fingerprint, run_cli

# `gui` opens the desktop window and runs its event loop until it is closed: not a command
# line that returns, so it is left out here (tests/ui drives it with pytest-qt instead).
SKIPPED = {("gui",)}
LEAVES = [(path, parser) for path, parser in leaves(build_parser())
          if path not in SKIPPED]
EXAMPLES_PER_COMMAND = 40
BUDGET_SECONDS = 34.0
# commands that talk to the distributor take longer per example: a larger slice of the time
NETWORK = {("connect",), ("sync",), ("balance",), ("reconcile",), ("prices", "sync"),
           ("deposit-ticket",), ("inquiry",)}
SLICES = TimeSlices(BUDGET_SECONDS, {path: 2.5 if path in NETWORK else 1.0
                                     for path, _ in LEAVES})


class Setup:
    """The connected template kiosk and the values that let commands get somewhere."""

    def __init__(self, template: Path, hints: dict[str, list[str]], base: Path) -> None:
        self.template = template
        self.hints = hints
        self.base = base


@pytest.fixture(scope="module")
def setup(distributor: EmbeddedServer, template_kiosk: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    base = tmp_path_factory.mktemp("cli-fuzz")
    template = base / "template"
    shutil.copytree(template_kiosk, template)
    kiosk = Kiosk.open(template)
    creds = distributor.create_kiosk("Konter Fuzz")
    distributor.credit_deposit(creds.kiosk_id, 50_000_000)
    save_config(kiosk, SyncConfig(distributor.url, creds.kiosk_id, creds.secret),
                kiosk.users.authenticate("9999"))
    clerk = kiosk.users.authenticate("1111")
    sale = kiosk.sales.sell(clerk, [CartLine("ACC-CBL", 1, "")], Payment())
    kiosk.close()
    backup = run_cli(main, ["backup", "--pin", "9999", "--json", "--data-dir", str(template)])
    assert backup.code == 0, backup.err
    backup_file = next((template / "backups").glob("*"))
    hints = {
        "kiosk_name": ["Konter Baru"], "owner_pin": ["1234", "9999"], "address": ["Jl. Baru"],
        "sku": ["ACC-CBL", "TSEL10", "PLN20", "DANA20"], "qty": ["1", "2", "999"],
        "to": ["081234567890", "+62 812-3456-7890", "12345678901", "backups-extra"],
        "cash": ["50000", "20.000", "50rb"], "pin": ["1111", "9999"],
        "date": ["2026-11-22", "2000-01-01", "2099-12-31", "1970-01-01", "2999-12-31"],
        "pdf": ["out.pdf"], "escpos": ["out.bin", "-"],
        "url": [distributor.url, "http://127.0.0.1:9", "https://127.0.0.1:9"],
        "kiosk_id": [str(creds.kiosk_id)], "secret": [creds.secret], "ca_file": ["ca.pem"],
        "timeout": ["1", "5", "0.2", "60", "600"], "amount": ["50000", "100000", "500rb"],
        "sale_id": [str(sale.id), "2"], "host": ["127.0.0.1", "printer.local"],
        "port": ["9100", "1", "65535"], "queue_name": ["Q"], "serial_port": ["/dev/null"],
        "file_path": ["printer.bin"], "baudrate": ["9600", "115200"], "copies": ["1", "5"],
        "file": [str(backup_file), "missing.db"],
    }
    yield Setup(template, hints, base)


def _example(setup: Setup, argv: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(dir=setup.base))
    data = folder / "kiosk"
    shutil.copytree(setup.template, data)
    db = data / "kiosk.db"
    if "--training" in argv:  # the practice kiosk is made when training is first used;
        from kiosk_pos.training import ensure_training_kiosk  # refusals then write nothing

        db = ensure_training_kiosk(data) / "kiosk.db"
    before = kiosk_fingerprint(db, folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        outcome = run_cli(main, [*argv, "--data-dir", str(data)])
    finally:
        os.chdir(cwd)
    assert outcome.code in (0, 2, 3), (argv, outcome)
    assert "Traceback" not in outcome.err, (argv, outcome.err)
    if outcome.code == 2:
        assert outcome.err.strip(), (argv, "a refusal without a sentence")
        assert kiosk_fingerprint(db, folder) == before, (argv, outcome.err)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("path, parser", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@settings(max_examples=EXAMPLES_PER_COMMAND, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure names argv
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_argv_ends_in_a_traceback(setup: Setup, path: tuple[str, ...], parser: object,
                                     data: st.DataObject) -> None:
    argv = data.draw(argv_for(path, parser, setup.hints, skip={"data_dir"}), label="argv")
    if SLICES.over(path):
        return
    try:
        _example(setup, argv)
    except BaseException:
        SLICES.failing.add(path)
        raise
