"""The command-line contract: JSON shapes, exit codes, nothing recorded on bad input."""

import json
import subprocess
import sys

import pytest

from kiosk_pos.cli import main

KIND_VALUES = {"pulsa", "data", "pln", "ewallet", "physical"}


@pytest.fixture
def data_dir(tmp_path, capsys):
    assert main(["init", "--kiosk-name", "Konter Uji", "--owner-pin", "9999", "--demo",
                 "--data-dir", str(tmp_path)]) == 0
    assert "kiosk.db" in capsys.readouterr().out
    return str(tmp_path)


def run(capsys, *args):
    try:
        code = main(list(args))
    except SystemExit as stop:  # refused while parsing (argparse exits)
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *args):
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def history(capsys, data_dir):
    return run_json(capsys, "history", "--data-dir", data_dir)


def test_products_json(capsys, data_dir):
    items = run_json(capsys, "products", "--data-dir", data_dir)
    assert {"sku", "name", "kind", "operator", "price", "cost", "stock"} <= set(items[0])
    assert {i["kind"] for i in items} == KIND_VALUES
    assert all(i["stock"] is None for i in items if i["kind"] != "physical")
    assert all(isinstance(i["stock"], int) for i in items if i["kind"] == "physical")
    operators = {i["operator"] for i in items if i["kind"] == "pulsa"}
    assert {"telkomsel", "indosat", "xl", "axis", "tri", "smartfren"} <= operators


def test_sell_pulsa_json(capsys, data_dir):
    sale = run_json(capsys, "sell", "--sku", "TSEL10", "--to", "+62 812-3456-7890",
                    "--cash", "20.000", "--pin", "1111", "--data-dir", data_dir)
    assert sale["status"] == "queued" and sale["total"] == 12_000 and sale["change"] == 8_000
    assert len(sale["ref_id"]) == 36 and sale["sn"] is None and isinstance(sale["id"], int)
    assert sale["lines"][0]["destination"] == "081234567890"
    assert [s["id"] for s in history(capsys, data_dir)] == [sale["id"]]


def test_sell_goods_json(capsys, data_dir):
    sale = run_json(capsys, "sell", "--sku", "ACC-CBL", "--qty", "2", "--pin", "1111",
                    "--data-dir", data_dir)
    assert sale["ref_id"] is None and sale["total"] == 40_000 and sale["change"] == 0


@pytest.mark.parametrize("args, words", [
    (["--sku", "TSEL10", "--to", "0856-1234-5678"], ["Indosat", "Telkomsel"]),
    (["--sku", "TSEL10", "--to", "0812"], ["digit"]),
    (["--sku", "NOPE", "--to", "081234567890"], ["NOPE"]),
    (["--sku", "TSEL10", "--to", "081234567890", "--cash", "5000"], ["Rp7.000"]),
    (["--sku", "TSEL10", "--to", "081234567890", "--cash", "lima ribu"], ["lima ribu"]),
    (["--sku", "ACC-EAR", "--qty", "500"], ["Earphone", "500"]),
    (["--sku", "PLN20", "--to", "123"], ["PLN"]),
    (["--sku", "TSEL10", "--to", "081234567890", "--qty", "2"], ["satu per nomor"]),
])
def test_bad_sales_exit_2_with_one_sentence_and_record_nothing(capsys, data_dir, args, words):
    code, out, err = run(capsys, "sell", *args, "--pin", "1111", "--data-dir", data_dir)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(("kiosk-pos: ", "kiosk-pos sell --cash: "))
    for word in words:
        assert word in err
    assert history(capsys, data_dir) == []


def test_wrong_pin(capsys, data_dir):
    code, _, err = run(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890",
                       "--pin", "4321", "--data-dir", data_dir)
    assert code == 2 and "PIN" in err
    assert history(capsys, data_dir) == []


def test_missing_arguments_exit_2(capsys, data_dir):
    with pytest.raises(SystemExit) as exit_:
        main(["sell", "--data-dir", data_dir])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--sku" in err and err.count("\n") == 1


def test_english_messages(capsys, data_dir):
    code, _, err = run(capsys, "sell", "--sku", "TSEL10", "--to", "0856-1234-5678",
                       "--pin", "1111", "--data-dir", data_dir, "--lang", "en")
    assert code == 2
    assert "belongs to Indosat, not Telkomsel. Pick a product for Indosat." in err


def test_report_daily_json(capsys, data_dir):
    run_json(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890", "--pin", "1111",
             "--data-dir", data_dir)
    run_json(capsys, "sell", "--sku", "ACC-TG", "--pin", "1111", "--data-dir", data_dir)
    report = run_json(capsys, "report", "daily", "--pin", "9999", "--data-dir", data_dir)
    assert {"date", "count", "gross", "cost", "profit", "by_operator", "by_kind"} <= set(report)
    assert report["count"] == 2 and report["gross"] == 27_000 and report["with_cost"]
    assert report["cost"] > 0 and report["profit"] == report["gross"] - report["cost"]
    assert {r["key"] for r in report["by_kind"]} == {"pulsa", "physical"}


@pytest.mark.parametrize("pin", [None, "1111"])  # nobody named, or the clerk
def test_report_daily_withholds_cost_and_profit_but_from_the_owner(capsys, data_dir, pin):
    run_json(capsys, "sell", "--sku", "ACC-TG", "--pin", "1111", "--data-dir", data_dir)
    code, out, err = run(capsys, "report", "daily", "--json", "--data-dir", data_dir,
                         *(["--pin", pin] if pin else []))
    report = json.loads(out)
    assert code == 0 and report["gross"] == 15_000 and not report["with_cost"]
    assert report["cost"] is None and report["profit"] is None
    assert all(b["profit"] is None for b in report["by_kind"])
    assert ("--pin" in err) == (pin is None)  # told how to see them
    code, out, _ = run(capsys, "report", "daily", "--data-dir", data_dir,
                       *(["--pin", pin] if pin else []))
    assert code == 0 and "omzet Rp15.000" in out and "laba" not in out and "modal" not in out


def test_report_for_another_day_and_bad_date(capsys, data_dir):
    report = run_json(capsys, "report", "daily", "--date", "2020-01-01", "--data-dir", data_dir)
    assert report["date"] == "2020-01-01" and report["count"] == 0
    code, _, err = run(capsys, "report", "daily", "--date", "22/11/2026", "--data-dir", data_dir)
    assert code == 2 and "22/11/2026" in err


def test_init_twice_is_refused(capsys, data_dir):
    code, _, err = run(capsys, "init", "--kiosk-name", "X", "--owner-pin", "1234",
                       "--data-dir", data_dir)
    assert code == 2 and "kiosk.db" in err


@pytest.mark.parametrize("pin", ["1234", "0000", "9876"])
def test_a_real_counter_refuses_an_easy_owner_pin_and_writes_nothing(capsys, tmp_path, pin):
    folder = tmp_path / "shop"
    code, _, err = run(capsys, "init", "--kiosk-name", "Konter Baru", "--owner-pin", pin,
                       "--data-dir", str(folder))
    assert code == 2 and "PIN" in err and "Traceback" not in err
    assert not (folder / "kiosk.db").exists()
    code, out, err = run(capsys, "init", "--kiosk-name", "Konter Baru", "--owner-pin", "2580",
                         "--data-dir", str(folder))
    assert code == 0, err
    assert (folder / "kiosk.db").exists()


def test_commands_without_a_database_say_how_to_init(capsys, tmp_path):
    code, _, err = run(capsys, "products", "--data-dir", str(tmp_path / "none"))
    assert code == 2 and "kiosk-pos init" in err


def test_data_dir_from_the_environment(tmp_path):
    env = {"KIOSK_POS_DATA_DIR": str(tmp_path), "PATH": ""}
    init = subprocess.run([sys.executable, "-m", "kiosk_pos", "init", "--kiosk-name", "K",
                           "--owner-pin", "9999", "--demo"], env=env, capture_output=True,
                          text=True, check=False)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "kiosk.db").exists()
    listed = subprocess.run([sys.executable, "-m", "kiosk_pos", "products", "--json"], env=env,
                            capture_output=True, text=True, check=True)
    assert len(json.loads(listed.stdout)) > 50


@pytest.mark.parametrize("args", [
    ["report", "daily", "--pin", "9999", "--pdf"], ["report", "stock", "--pdf"],
    ["receipt", "1", "--pdf"], ["receipt", "1", "--escpos"],
])
def test_an_unwritable_output_file_is_one_sentence(capsys, data_dir, tmp_path, args):
    run_json(capsys, "sell", "--sku", "ACC-TG", "--pin", "1111", "--data-dir", data_dir)
    target = str(tmp_path / "no-such-folder" / "out.pdf")
    code, _, err = run(capsys, *args, target, "--data-dir", data_dir)
    assert code == 2 and err.count("\n") == 1 and "no-such-folder" in err
