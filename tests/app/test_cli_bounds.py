"""Out-of-range command-line values are one sentence and exit 2, with nothing written.

Each of these once ended in a traceback (an int past SQLite's INTEGER, a date whose local
midnight cannot be converted, a NaN timeout handed to requests) or was silently changed
into something else (a printer port of 99999 saved as 9100). The kiosk is connected to a
real distributor, so a value that slipped through would reach the code that crashed.
"""

from __future__ import annotations

import pytest

from kiosk_pos.cli import main
from tests.aids.cli_run import Outcome, kiosk_fingerprint, run_cli
from tests.aids.distributor import CopiedShop

TIMEOUT = ["seconds", "detik"]
DATE = ["2000-01-01", "2099-12-31"]
WHOLE = ["angka bulat"]


def refused(shop: CopiedShop, *argv: str) -> Outcome:
    folder = shop.folder
    before = kiosk_fingerprint(folder / "kiosk.db", folder)
    outcome = run_cli(main, [*argv, "--data-dir", str(folder)])
    assert outcome.code == 2, outcome
    assert outcome.out == ""
    assert outcome.err.count("\n") == 1 and outcome.err.startswith("kiosk-pos"), outcome.err
    assert "Traceback" not in outcome.err
    assert kiosk_fingerprint(folder / "kiosk.db", folder) == before, "a refusal wrote something"
    return outcome


@pytest.mark.parametrize("argv, words", [
    (["sync", "--timeout", "-1"], ["--timeout", "-1", "1", "600"]),
    (["sync", "--timeout", "nan"], ["--timeout", "nan"]),
    (["sync", "--timeout", "inf"], ["--timeout", "inf"]),
    (["sync", "--timeout", "1e309"], ["--timeout", "1e309"]),
    (["sync", "--timeout", "0"], ["--timeout"]),
    (["sync", "--timeout", "١٠"], ["--timeout"]),
    (["reconcile", "--date", "0001-01-01"], ["0001-01-01", *DATE]),
    (["reconcile", "--date", "9999-12-31"], ["9999-12-31", *DATE]),
    (["history", "--date", "0001-01-01"], DATE),
    (["report", "daily", "--date", "9999-12-31"], DATE),
    (["receipt", "99999999999999999999"], ["99999999999999999999", "9223372036854775807"]),
    (["receipt", "٣"], ["٣", *WHOLE]),
    (["sell", "--sku", "ACC-CBL", "--pin", "1111", "--cash", "99999999999999999999999"],
     ["--cash", "Rp1.000.000.000.000"]),
    (["sell", "--sku", "ACC-CBL", "--pin", "1111", "--qty", "٢"], ["--qty", "1", "999"]),
    (["deposit-ticket", "--amount", "99999999999999999999999"], ["--amount"]),
    (["connect", "--url", "http://127.0.0.1:1", "--kiosk-id", "99999999999999999999",
      "--secret", "x"], ["--kiosk-id", "2147483647"]),
    (["init", "--kiosk-name", "Konter\x00", "--owner-pin", "1234"], ["--kiosk-name"]),
    (["init", "--kiosk-name", "Konter \udcff", "--owner-pin", "1234"], ["--kiosk-name"]),
    (["report", "daily", "--pdf", "laporan\x00.pdf"], ["--pdf"]),
    (["report", "daily", "--pdf", ""], ["--pdf", "kosong"]),
    (["products", "--data-dir", ""], ["--data-dir", "kosong"]),
])
def test_bad_values_are_one_sentence(shop: CopiedShop, argv: list[str], words: list[str]
                                     ) -> None:
    err = refused(shop, *argv).err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("option, value", [
    ("--port", "99999"), ("--port", "0"), ("--port", "-1"),
    ("--copies", "99"), ("--copies", "0"), ("--copies", "-1"),
    ("--width", "99"), ("--width", "1e3"),
    ("--timeout", "0"), ("--timeout", "nan"), ("--timeout", "100"),
    ("--baudrate", "5"), ("--baudrate", "99999999"),
    ("--host", "printer\x00"),
])
def test_printer_values_are_refused_not_coerced(shop: CopiedShop, option: str, value: str
                                                ) -> None:
    """A value the printer settings cannot hold used to be saved as something else."""
    err = refused(shop, "printer", "--connection", "network", "--host", "127.0.0.1",
                  option, value).err
    assert option in err


def test_printer_values_in_range_are_saved(shop: CopiedShop) -> None:
    import json

    done = run_cli(main, ["printer", "--connection", "serial", "--serial-port", "/dev/ttyS0",
                          "--baudrate", "19200", "--timeout", "2.5", "--copies", "2",
                          "--width", "80", "--pin", "9999", "--json",
                          "--data-dir", str(shop.folder)])
    assert done.code == 0, done.err
    saved = json.loads(done.out)
    assert (saved["baudrate"], saved["timeout"], saved["copies"], saved["paper_width"]) == (
        19200, 2.5, 2, 80)


def test_sentences_follow_the_language(shop: CopiedShop) -> None:
    err = refused(shop, "sync", "--lang", "en", "--timeout", "nan").err
    assert "Type a number of seconds from 1 to 600" in err
    err = refused(shop, "sync", "--timeout", "nan", "--lang", "id").err
    assert "Ketik jumlah detik antara 1 dan 600" in err


@pytest.mark.parametrize("argv, english", [
    (["sell", "--pin", "1111"], "The option --sku is required"),
    (["report"], "This command is incomplete"),
    (["report", "weekly"], "weekly is not known. Choose one of: daily, stock."),
    (["frobnicate"], "frobnicate is not known. Choose one of: init, products"),
    (["sync", "--timeout"], "--timeout needs a value"),
    (["sync", "--frob"], "--frob is not known. See 'kiosk-pos --help'"),
    (["deposit-ticket", "--amount", "50000", "--list"], "--list cannot be used together"),
    (["deposit-ticket"], "Choose one of --amount --list"),
    (["sync", "--json=yes"], "--json takes no value"),
    (["receipt", "1", "--width", "99"], "99 is not known for --width. Choose one of: 58, 80."),
])
def test_argparse_errors_are_sentences_that_say_what_to_do(shop: CopiedShop, argv: list[str],
                                                            english: str) -> None:
    err = refused(shop, *argv, "--lang", "en").err
    assert english in err, err
    assert err.rstrip().endswith(".")


def test_every_cli_sentence_is_in_both_languages() -> None:
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    used = set(re.findall(r"\"(cli\.error\.[a-z_]+)\"", (root / "kiosk_pos" / "cli" / "args.py")
                          .read_text()))
    assert len(used) > 10
    for lang in ("id", "en"):
        catalogue = json.loads((root / "resources" / "locale" / f"cli.{lang}.json").read_text())
        assert used <= set(catalogue), (lang, used - set(catalogue))
