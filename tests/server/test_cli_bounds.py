"""``distributor-server``: out-of-range arguments are one sentence and exit 2, nothing written.

Before the bounded converters, a kiosk name or deposit reference longer than its column or
holding a NUL byte crashed on PostgreSQL (DataError), ``serve --port 99999999`` started the
server and died in bind(), and an empty ``--key-file`` ended in IsADirectoryError.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from distributor_server.cli import main

from tests.aids.cli_run import Outcome, run_cli, server_fingerprint


def _run(db: tuple[str, Path], *argv: str) -> Outcome:
    url, key_file = db
    return run_cli(main, ["--db", url, "--key-file", str(key_file), *argv])


@pytest.fixture
def kiosk_id(db: tuple[str, Path]) -> str:
    made = _run(db, "kiosk", "add", "--name", "Konter Batas", "--json")
    assert made.code == 0, made.err
    return str(json.loads(made.out)["kiosk_id"])


@pytest.mark.parametrize("argv, words", [
    (["kiosk", "add", "--name", "x" * 121], "longer than 120 characters"),
    (["kiosk", "add", "--name", "Konter\x00Nol"], "control characters"),
    (["kiosk", "add", "--name", "Konter \udcff"], "unreadable bytes"),
    (["deposit", "credit", "--kiosk", "{kiosk}", "--amount", "5000", "--reference", "r" * 121],
     "longer than 120 characters"),
    (["deposit", "credit", "--kiosk", "{kiosk}", "--amount", "5000", "--reference", "a\x00"],
     "control characters"),
    (["deposit", "credit", "--kiosk", "{kiosk}", "--amount", "99999999999999999999999"],
     "not a positive whole number"),
    (["ledger", "--kiosk", "9" * 5000], "not a number between 1 and"),
    (["serve", "--port", "99999999"], "not a TCP port"),
    (["serve", "--port", "0"], "not a TCP port"),
    (["--key-file", "", "kiosk", "list"], "empty value"),
    (["--db", "", "kiosk", "list"], "empty value"),
    (["products", "import", ""], "empty value"),
])
def test_bad_arguments_are_one_sentence(db: tuple[str, Path], kiosk_id: str,
                                        argv: list[str], words: str) -> None:
    url = db[0]
    before = server_fingerprint(url)
    done = _run(db, *[a.replace("{kiosk}", kiosk_id) for a in argv])
    assert done.code == 2, done
    last = done.err.strip().splitlines()[-1]
    assert last.startswith("distributor-server: ") and words in last, done.err
    assert last.endswith("--help'.") or last.endswith("."), last
    assert "Traceback" not in done.err
    assert server_fingerprint(url) == before


def test_a_key_file_that_is_a_folder_is_a_sentence(db: tuple[str, Path], tmp_path: Path
                                                   ) -> None:
    done = run_cli(main, ["--db", db[0], "--key-file", str(tmp_path), "kiosk", "list"])
    assert done.code == 2 and "Traceback" not in done.err
    assert "check --key-file" in done.err.strip().splitlines()[-1]
