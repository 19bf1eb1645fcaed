"""Fuzz every ``distributor-server`` desk command's argv: no traceback, refusals write nothing.

Hypothesis draws argvs from each sub-parser's real options (tests/aids/argv_fuzz.py) and runs
them in-process against a temporary SQLite database that holds a kiosk with a deposit, an
open deposit ticket and a price file to import; the working folder is the example's own
temporary folder, so any file a junk value names lands there. The assertion: return or
exit with 0, 2 or 3 and never an exception; after an exit 2 the database's row counts and
the files around it are as they were. Bounded by examples and a shared time budget.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from distributor_server.cli import build_parser, main
from distributor_server.config import Settings
from distributor_server.context import ServerContext
from distributor_server.kiosks import create_kiosk, credit_deposit
from distributor_server.tickets import create_ticket
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.aids.argv_fuzz import TimeSlices, argv_for, leaves
from tests.aids.cli_run import run_cli, server_fingerprint

# `serve` runs the HTTP API until it is stopped (and a `worker`, where there is one, its
# loop): they do not return, so they are left out; their arguments are checked at parse
# time and tests/server/test_cli_bounds.py covers the bad ones (a port out of range).
SKIPPED = {("serve",), ("worker",)}
LEAVES = [(path, parser) for path, parser in leaves(build_parser()) if path not in SKIPPED]
# The database and the master key are given, not drawn: a desk command creates a missing key
# file by design (first use), so a drawn --key-file would "write" on every refusal; their
# bad values are covered by tests/server/test_cli_bounds.py.
FIXED = {"db", "key_file"}
BUDGET_SECONDS = 30.0
SLICES = TimeSlices(BUDGET_SECONDS, {path: 1.0 for path, _ in LEAVES})


class Setup:
    def __init__(self, url: str, key_file: Path, base: Path, hints: dict[str, list[str]]
                 ) -> None:
        self.url, self.key_file, self.base, self.hints = url, key_file, base, hints


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    base = tmp_path_factory.mktemp("server-cli-fuzz")
    url, key_file = f"sqlite:///{base / 'server.sqlite3'}", base / "master.key"
    ctx = ServerContext(Settings.for_db(url, key_file))
    try:
        kiosk = create_kiosk(ctx, "Konter Fuzz")
        credit_deposit(ctx, kiosk.kiosk_id, 1_000_000)
        ticket = create_ticket(ctx, kiosk.kiosk_id, 50_000)
    finally:
        ctx.close()
    prices = base / "prices.csv"
    prices.write_text("sku,name,kind,operator,nominal,price,active\n"
                      "FUZZ7,Tri 7rb,pulsa,tri,7000,7300,1\n")
    hints = {"name": ["Konter Baru"], "kiosk": [str(kiosk.kiosk_id), "2"],
             "amount": ["50000", "1.000.000"], "reference": ["BCA 123"],
             "ticket": [str(ticket.id), "999"], "file": [str(prices), "missing.csv"]}
    return Setup(url, key_file, base, hints)


@pytest.mark.parametrize("path, parser", LEAVES, ids=[" ".join(p) for p, _ in LEAVES])
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
@settings(max_examples=40, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: the failure names argv
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_argv_ends_in_a_traceback(setup: Setup, path: tuple[str, ...], parser: object,
                                     data: st.DataObject) -> None:
    argv = data.draw(argv_for(path, parser, setup.hints, skip=FIXED), label="argv")
    if SLICES.over(path):
        return
    try:
        _example(setup, argv)
    except BaseException:
        SLICES.failing.add(path)
        raise


def _example(setup: Setup, argv: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(dir=setup.base))
    before = server_fingerprint(setup.url, folder)
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        outcome = run_cli(main, ["--db", setup.url, "--key-file", str(setup.key_file), *argv])
    finally:
        os.chdir(cwd)
    assert outcome.code in (0, 2, 3), (argv, outcome)
    assert "Traceback" not in outcome.err, (argv, outcome.err)
    if outcome.code == 2:
        assert outcome.err.strip(), (argv, "a refusal without a sentence")
        assert server_fingerprint(setup.url, folder) == before, (argv, outcome.err)
