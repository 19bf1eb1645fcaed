"""The CLI as people type it: global options anywhere, help on every option, times in the
kiosk's zone, rupiah as rupiah, SKUs in any case, a word when a top-up cannot go out."""

import argparse
import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk_pos.cli import build_parser, command_first, main


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as stop:  # refused while parsing, or --help
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def test_data_dir_before_the_command(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", data_dir, "history", "--json")
    assert code == 0, err
    assert json.loads(out) == []
    code, out, err = run(capsys, f"--data-dir={data_dir}", "report", "stock", "--json")
    assert code == 0, err
    assert any(row["sku"] == "ACC-CBL" for row in json.loads(out))


def test_lang_before_the_command(capsys, data_dir):
    code, _, err = run(capsys, "--lang", "en", "--data-dir", data_dir, "sell", "--sku", "NOPE",
                       "--pin", "1111")
    assert code == 2
    assert "is not in the price list" in err


def test_lang_before_help_prints_the_top_level_help(capsys):
    code, out, _ = run(capsys, "--lang", "id", "--help")
    assert code == 0
    assert out.startswith("usage: kiosk-pos ")
    assert "history" in out and "reconcile" in out  # the commands, not the gui's options
    assert "--self-test" not in out


def test_no_command_still_means_the_gui():
    assert command_first([]) == ["gui"]
    assert command_first(["--data-dir", "D"]) == ["gui", "--data-dir", "D"]
    assert command_first(["--lang", "en", "--self-test"]) == ["gui", "--lang", "en",
                                                               "--self-test"]
    assert command_first(["--lang", "en", "report", "daily"]) == ["report", "daily", "--lang",
                                                                  "en"]


def _options(parser: argparse.ArgumentParser, path: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _options(sub, f"{path} {name}")
        elif action.option_strings and not isinstance(action, argparse._HelpAction):
            yield path, action


def test_every_option_says_what_it_does():
    missing = [f"{path} {action.option_strings[-1]}"
               for path, action in _options(build_parser(), "kiosk-pos") if not action.help]
    assert missing == []


def test_history_shows_the_kiosks_time_not_the_computers(capsys, data_dir, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")  # a computer left on UTC; the kiosk is in WIB
    time.tzset()
    try:
        code, out, err = run(capsys, "sell", "--sku", "ACC-CBL", "--pin", "1111",
                             "--data-dir", data_dir, "--json")
        assert code == 0, err
        sold = datetime.fromisoformat(json.loads(out)["created_at"])
        wib = sold.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%H:%M")
        code, out, _ = run(capsys, "history", "--data-dir", data_dir)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert code == 0
    assert f" {wib} " in out.splitlines()[0]


def test_balance_prints_rupiah_and_json_stays_whole(capsys, data_dir):
    code, out, _ = run(capsys, "balance", "--data-dir", data_dir)
    assert code == 2  # never connected: the local figure, then the sentence
    assert out.startswith("local Rp")
    code, out, _ = run(capsys, "balance", "--data-dir", data_dir, "--json")
    assert isinstance(json.loads(out)["local"], int)


def test_stock_report_has_a_header(capsys, data_dir):
    code, out, _ = run(capsys, "report", "stock", "--data-dir", data_dir, "--lang", "en")
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["SKU", "Name", "Stock"]


def test_sku_in_any_case(capsys, data_dir):
    code, out, err = run(capsys, "sell", "--sku", "acc-cbl", "--pin", "1111",
                         "--data-dir", data_dir, "--json")
    assert code == 0, err
    assert json.loads(out)["lines"][0]["sku"] == "ACC-CBL"


def test_sku_differing_only_by_case_is_refused(capsys, data_dir):
    code, _, err = run(capsys, "goods", "add", "--sku", "acc-cbl", "--name", "Kabel kecil",
                       "--price", "5000", "--cost", "3000", "--pin", "9999",
                       "--data-dir", data_dir)
    assert code == 0, err
    code, _, err = run(capsys, "stock", "receive", "--sku", "acc-cbl", "--qty", "3",
                       "--pin", "9999", "--data-dir", data_dir)
    assert code == 0, err
    code, out, err = run(capsys, "sell", "--sku", "Acc-Cbl", "--pin", "1111",
                         "--data-dir", data_dir, "--lang", "en")
    assert code == 2 and out == ""
    assert "ACC-CBL, acc-cbl" in err and err.count("\n") == 1
    code, out, err = run(capsys, "sell", "--sku", "acc-cbl", "--pin", "1111",
                         "--data-dir", data_dir, "--json")  # the exact one is meant
    assert code == 0, err
    assert json.loads(out)["lines"][0]["sku"] == "acc-cbl"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_not_connected_ticket_points_to_connect(lang):
    from kiosk_pos.i18n import set_language, tr

    set_language(lang)
    try:
        sentence = tr("ticket.error.not_connected")
    finally:
        set_language("id")
    assert "kiosk-pos connect" in sentence
    assert "Sinkronisasi" not in sentence and "under Sync" not in sentence


def test_top_up_on_a_never_connected_kiosk_is_kept_with_a_warning(capsys, data_dir):
    code, out, err = run(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890",
                         "--pin", "1111", "--data-dir", data_dir, "--json", "--lang", "en")
    assert code == 0
    assert json.loads(out)["status"] == "queued"  # kept: sent by the first sync
    assert "NOT sent" in err and "kiosk-pos connect" in err and err.count("\n") == 1
    code, _, err = run(capsys, "sell", "--sku", "ACC-CBL", "--pin", "1111",
                       "--data-dir", data_dir)
    assert code == 0 and err == ""  # goods need no distributor
