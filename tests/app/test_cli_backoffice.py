"""CLI contract of the back office (issue 9): goods, stock, customer, kasbon and
``sell --kasbon``. Every refusal of the issue's "Bad input": exit 2, one sentence on stderr,
nothing written; a clerk's PIN on an owner-only command says the owner must do it."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from kiosk_pos.core.setup import init_kiosk
from tests.aids.backoffice_cli import Cli


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("template") / "data"
    init_kiosk(folder, "Konter Uji", "9999", demo=True).close()
    return folder


@pytest.fixture
def folder(template, tmp_path) -> Path:
    """A demo kiosk (a copy through SQLite's backup API) with one customer allowed credit."""
    target = tmp_path / "data"
    target.mkdir()
    src, dst = sqlite3.connect(template / "kiosk.db"), sqlite3.connect(target / "kiosk.db")
    src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture
def cli(capsys, folder) -> Cli:
    return Cli(capsys, folder)


ADD = ("goods", "add", "--sku", "MIE-1", "--name", "Indomie Goreng", "--price", "3500",
       "--cost", "2800", "--barcode", "8998866200011", "--category", "Makanan",
       "--min-stock", "10")


def test_goods_add_edit_retire(cli):
    item = cli.json(*ADD, "--pin", "9999")
    assert item == {"sku": "MIE-1", "name": "Indomie Goreng", "category": "Makanan",
                    "barcodes": ["8998866200011"], "price": 3500, "cost": 2800,
                    "min_stock": 10, "stock": 0, "active": True}
    item = cli.json("goods", "edit", "MIE-1", "--price", "3.800", "--barcode", "MIE1",
                    "--pin", "9999")
    assert item["price"] == 3800 and item["barcodes"] == ["8998866200011", "MIE1"]
    assert cli.json("goods", "retire", "MIE-1", "--pin", "9999")["active"] is False
    code, out, _ = cli("products", "--json")
    assert "MIE-1" in {p["sku"] for p in json.loads(out)}  # retired, never deleted


def test_goods_list_pages_in_sku_order(cli):
    first = cli.json("goods", "list", "--limit", "3")
    assert [i["sku"] for i in first] == ["ACC-CBL", "ACC-CHG", "ACC-EAR"]
    assert first[0]["barcodes"] == ["8991234500073"] and first[0]["stock"] == 15
    more = cli.json("goods", "list", "--after", first[-1]["sku"], "--limit", "3")
    assert [i["sku"] for i in more] == ["ACC-TG", "SP-ISAT", "SP-TSEL"]


def test_the_owner_allows_kasbon_to_an_existing_customer(cli):
    cli.json("customer", "add", "--name", "Sari", "--pin", "9999")
    cli.refused("sell", "--sku", "SP-XL", "--kasbon", "--customer", "1", "--pin", "1111")
    cli.refused("customer", "edit", "1", "--credit-limit", "50000", "--pin", "1111")
    edited = cli.json("customer", "edit", "1", "--credit-limit", "50000", "--pin", "9999")
    assert (edited["name"], edited["credit_limit"]) == ("Sari", 50000)
    code, _, err = cli("sell", "--sku", "SP-XL", "--kasbon", "--customer", "1", "--pin", "1111")
    assert code == 0, err


def test_goods_price_below_cost_needs_the_confirm_flag(cli):
    args = ("goods", "add", "--sku", "GULA", "--name", "Gula", "--price", "14000", "--cost",
            "15000", "--pin", "9999")
    assert "--confirm-below-cost" in cli.refused(*args)
    assert cli.json(*args, "--confirm-below-cost")["price"] == 14000


def test_stock_receive_adjust_movements_low(cli):
    cli.json(*ADD, "--pin", "9999")
    move = cli.json("stock", "receive", "--sku", "MIE-1", "--qty", "12", "--cost", "3000",
                    "--supplier", "Grosir Jaya", "--pin", "9999")
    assert (move["delta"], move["stock_after"], move["unit_cost"], move["supplier"]) == (
        12, 12, 3000, "Grosir Jaya")
    move = cli.json("stock", "adjust", "--sku", "MIE-1", "--counted", "9", "--reason",
                    "stock opname", "--pin", "9999")
    assert (move["delta"], move["stock_after"], move["reason"], move["note"]) == (
        -3, 9, "adjust", "stock opname")
    moves = cli.json("stock", "movements", "--sku", "MIE-1")
    assert [m["delta"] for m in moves] == [-3, 12]
    low = cli.json("stock", "low")
    assert [(i["sku"], i["stock"], i["min_stock"]) for i in low] == [("MIE-1", 9, 10)]
    assert set(low[0]) >= {"sku", "stock", "min_stock", "suggested_order"}
    assert low[0]["suggested_order"] == 1


def test_customer_kasbon_sale_payment_and_statement(cli, tmp_path):
    customer = cli.json("customer", "add", "--name", "Budi", "--phone", "081234567000",
                        "--credit-limit", "50.000", "--pin", "9999")
    assert (customer["id"], customer["credit_limit"], customer["balance"]) == (1, 50000, 0)
    code, out, err = cli("sell", "--sku", "SP-XL", "--qty", "2", "--kasbon", "--customer",
                         "1", "--pin", "1111", "--json")  # the clerk may sell on kasbon
    assert code == 0, err
    sale = json.loads(out)
    assert sale["payment_method"] == "kasbon" and sale["total"] == 24000
    owing = cli.json("kasbon", "list")
    assert [(d["customer_id"], d["balance"], d["days_outstanding"]) for d in owing] == [
        (1, 24000, 0)]
    paid = cli.json("kasbon", "pay", "--customer", "1", "--amount", "4000", "--method",
                    "transfer", "--pin", "9999")
    assert (paid["amount"], paid["method"], paid["balance"]) == (4000, "transfer", 20000)
    statement = cli.json("kasbon", "statement", "--customer", "1")
    assert [e["amount"] for e in statement["entries"]] == [24000, -4000]
    assert statement["balance"] == 20000 and "Rp20.000" in statement["text"]
    code, out, _ = cli("kasbon", "statement", "--customer", "1")
    assert code == 0 and out.startswith("*Konter Uji*")
    pdf = tmp_path / "kasbon.pdf"
    code, _, err = cli("kasbon", "statement", "--customer", "1", "--pdf", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    assert cli.json("customer", "list")[0]["balance"] == 20000
    report = cli.json("report", "daily")
    assert (report["kasbon_sales"], report["cash_sales"]) == (24000, 0)


def test_kasbon_correction_rows(cli):
    _with_debt(cli)  # Budi owes 12.000
    fixed = cli.json("kasbon", "correct", "--customer", "1", "--amount", "-2.000", "--reason",
                     "salah hitung", "--pin", "9999")
    assert (fixed["amount"], fixed["balance"], fixed["note"]) == (-2000, 10000, "salah hitung")
    assert cli.json("kasbon", "correct", "--customer", "1", "--amount", "+500", "--reason",
                    "lupa catat", "--pin", "9999")["balance"] == 10500
    cli.refused("kasbon", "correct", "--customer", "1", "--amount", "-10501", "--reason", "x",
                "--pin", "9999")
    cli.refused("kasbon", "correct", "--customer", "1", "--amount", "-1", "--reason", "x",
                "--pin", "1111")
    statement = cli.json("kasbon", "statement", "--customer", "1")
    assert [e["kind"] for e in statement["entries"]] == ["sale", "correction", "correction"]


def test_goods_import_dry_run_then_apply(cli, tmp_path):
    path = tmp_path / "goods.csv"
    path.write_text("sku,name,price,cost,stock\nMIE-1,Indomie,3500,2800,24\n", encoding="utf-8")
    plan = cli.json("goods", "import", str(path), "--pin", "9999")
    assert plan["applied"] is False and [a["sku"] for a in plan["added"]] == ["MIE-1"]
    assert cli("products", "--json")[1].count("MIE-1") == 0
    plan = cli.json("goods", "import", str(path), "--apply", "--pin", "9999")
    assert plan["applied"] is True
    exported = tmp_path / "out.csv"
    code, _, _ = cli("goods", "export", str(exported))
    assert code == 0
    again = cli.json("goods", "import", str(exported), "--pin", "9999")
    assert again["added"] == again["changed"] == again["refused"] == []


OWNER_ONLY = [
    ADD,
    ("goods", "edit", "SP-XL", "--price", "13000"),
    ("goods", "retire", "SP-XL"),
    ("stock", "receive", "--sku", "SP-XL", "--qty", "5"),
    ("stock", "adjust", "--sku", "SP-XL", "--counted", "5", "--reason", "opname"),
    ("customer", "add", "--name", "Sari"),
    ("kasbon", "pay", "--customer", "1", "--amount", "1000"),
]


@pytest.mark.parametrize("args", OWNER_ONLY, ids=lambda a: " ".join(a[:2]))
def test_a_clerks_pin_is_refused_saying_the_owner_must_do_it(cli, args):
    assert "pemilik" in cli.refused(*args, "--pin", "1111").lower()
    cli.refused(*args)  # no PIN at all
    cli.refused(*args, "--pin", "0000")  # nobody's PIN


def _with_debt(cli):
    cli.json("customer", "add", "--name", "Budi", "--credit-limit", "30000", "--pin", "9999")
    cli.json("customer", "add", "--name", "Sari", "--pin", "9999")  # no credit
    code, _, err = cli("sell", "--sku", "SP-XL", "--kasbon", "--customer", "1", "--pin", "1111")
    assert code == 0, err


BAD_INPUT = {
    "zero quantity": ("stock", "receive", "--sku", "SP-XL", "--qty", "0", "--pin", "9999"),
    "negative quantity": ("stock", "receive", "--sku", "SP-XL", "--qty", "-3", "--pin", "9999"),
    "zero price": ("goods", "add", "--sku", "X", "--name", "X", "--price", "0", "--cost", "0",
                   "--pin", "9999"),
    "negative price": ("goods", "edit", "SP-XL", "--price", "-100", "--pin", "9999"),
    "non-integer rupiah": ("goods", "add", "--sku", "X", "--name", "X", "--price", "1500,50",
                           "--cost", "1000", "--pin", "9999"),
    "non-integer cost": ("stock", "receive", "--sku", "SP-XL", "--qty", "2", "--cost", "99.5",
                         "--pin", "9999"),
    "unknown SKU": ("stock", "receive", "--sku", "NOPE", "--qty", "2", "--pin", "9999"),
    "unknown SKU to edit": ("goods", "edit", "NOPE", "--price", "100", "--pin", "9999"),
    "unknown customer": ("kasbon", "pay", "--customer", "99", "--amount", "1000", "--pin",
                         "9999"),
    "unknown customer statement": ("kasbon", "statement", "--customer", "99"),
    "duplicate barcode": ("goods", "add", "--sku", "X", "--name", "X", "--price", "2000",
                          "--cost", "1000", "--barcode", "8991234500035", "--pin", "9999"),
    "duplicate SKU": ("goods", "add", "--sku", "SP-XL", "--name", "X", "--price", "2000",
                      "--cost", "1000", "--pin", "9999"),
    "kasbon over the limit": ("sell", "--sku", "SP-XL", "--qty", "2", "--kasbon",
                              "--customer", "1", "--pin", "1111"),
    "kasbon without credit": ("sell", "--sku", "SP-XL", "--kasbon", "--customer", "2",
                              "--pin", "1111"),
    "kasbon without a customer": ("sell", "--sku", "SP-XL", "--kasbon", "--pin", "1111"),
    "kasbon with cash": ("sell", "--sku", "SP-XL", "--kasbon", "--customer", "1", "--cash",
                         "20000", "--pin", "1111"),
    "payment over the debt": ("kasbon", "pay", "--customer", "1", "--amount", "12001",
                              "--pin", "9999"),
    "adjust below zero": ("stock", "adjust", "--sku", "SP-XL", "--counted", "-1", "--reason",
                          "opname", "--pin", "9999"),
    "take out more than the stock": ("stock", "out", "--sku", "SP-XL", "--qty", "99",
                                     "--reason", "damage", "--pin", "9999"),
    "adjust without a reason": ("stock", "adjust", "--sku", "SP-XL", "--counted", "3",
                                "--reason", " ", "--pin", "9999"),
}


@pytest.mark.parametrize("args", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_one_sentence_and_writes_nothing(cli, args):
    _with_debt(cli)
    cli.refused(*args)


def test_csv_refusals_apply_nothing(cli, tmp_path):
    cases = {
        "missing column": b"sku;name;price\nX;Barang;1000\n",
        "wrong encoding": "sku;name;price;cost\nX;Caf\u00e9;5000;3000\n".encode("latin-1"),
        "bad row in the middle": (b"sku;name;price;cost\nA;Satu;1000;500\n"
                                  b"B;Dua;1000,5;500\nC;Tiga;1000;500\n"),
    }
    for name, data in cases.items():
        path = tmp_path / f"{name.replace(' ', '_')}.csv"
        path.write_bytes(data)
        cli.refused("goods", "import", str(path), "--apply", "--pin", "9999")
    code, out, err = cli("goods", "import", str(path), "--apply", "--pin", "9999")
    assert code == 2 and re.search(r"baris\s+3\s+B\b", out)  # the listing names the row
    cli.refused("goods", "import", str(tmp_path / "nope.csv"), "--pin", "9999")


def test_refusals_in_english(cli):
    err = cli.refused("stock", "receive", "--sku", "NOPE", "--qty", "2", "--pin", "9999",
                      "--lang", "en")
    assert "There is no item with SKU NOPE" in err


@pytest.mark.parametrize("junk", ["\udcff", "a\x00b", "9" * 5000, "\u0663", "1e309",
                                  str(2**63)])
def test_junk_values_are_a_sentence_not_a_traceback(cli, junk):
    """Bytes that are not text, NUL, huge or non-ASCII digits, floats: refused, not guessed."""
    if junk in ("\udcff", "a\x00b", "9" * 5000):  # as a name; "\u0663" is a fine name
        cli.refused("goods", "add", "--sku", "Z", "--name", junk, "--price", "5000", "--cost",
                    "100", "--pin", "9999")
    for args in (("goods", "add", "--sku", "Z", "--name", "Z", "--price", junk, "--cost",
                  "100", "--pin", "9999"),
                 ("stock", "receive", "--sku", "SP-XL", "--qty", junk, "--pin", "9999"),
                 ("kasbon", "statement", "--customer", junk)):
        cli.refused(*args)


def test_stock_receive_several_lines_in_one_delivery(cli):
    moves = cli.json("stock", "receive", "--line", "SP-XL:10:8000", "--line", "ACC-TG:5",
                     "--supplier", "CV Sinar", "--pin", "9999")
    assert [(m["sku"], m["delta"], m["supplier"]) for m in moves] == [
        ("SP-XL", 10, "CV Sinar"), ("ACC-TG", 5, "CV Sinar")]
    assert moves[0]["unit_cost"] == 8000 and moves[0]["stock_after"] == 30
    one = cli.json("stock", "receive", "--line", "SP-XL:1", "--pin", "9999")
    assert isinstance(one, list) and one[0]["stock_after"] == 31  # --line: always a list


def test_stock_receive_a_delivery_csv(cli, tmp_path):
    note = tmp_path / "kiriman.csv"
    note.write_text("SKU;Jumlah;Modal\nSP-XL;4;7.500\n\nACC-CBL;2;\n", encoding="utf-8")
    moves = cli.json("stock", "receive", "--file", str(note), "--pin", "9999")
    assert [(m["sku"], m["delta"], m["unit_cost"]) for m in moves] == [
        ("SP-XL", 4, 7500), ("ACC-CBL", 2, moves[1]["unit_cost"])]
    code, out, _ = cli("goods", "list", "--json")
    stock = {i["sku"]: i["stock"] for i in json.loads(out)}
    assert (stock["SP-XL"], stock["ACC-CBL"]) == (24, 17)


@pytest.mark.parametrize(("text", "words"), [
    ("sku;qty\nSP-XL;4\nACC-TG;tiga\nACC-CBL;1\n", "Baris 3"),    # bad row in the middle
    ("sku;qty\nSP-XL;4\nNOPE;1\n", "NOPE"),                        # unknown SKU, after a good one
    ("sku;qty\nSP-XL;4\nSP-XL;1\n", "dua kali"),
    ("sku;cost\nSP-XL;4\n", "qty"),                                # a missing column
    ("sku;qty\n", "Belum ada barang"),
])
def test_a_bad_delivery_csv_receives_nothing(cli, tmp_path, text, words):
    note = tmp_path / "kiriman.csv"
    note.write_text(text, encoding="utf-8")
    assert words in cli.refused("stock", "receive", "--file", str(note), "--pin", "9999")


def test_a_delivery_in_the_wrong_encoding_or_two_ways_is_refused(cli, tmp_path):
    note = tmp_path / "kiriman.csv"
    note.write_bytes("sku;qty\nSP-XL;4\nKOPI-\u00c9;1\n".encode("cp1252"))
    assert "UTF-8" in cli.refused("stock", "receive", "--file", str(note), "--pin", "9999")
    for args in (("--sku", "SP-XL", "--qty", "1", "--line", "ACC-TG:1"), ("--sku", "SP-XL"),
                 (), ("--line", "SP-XL"), ("--line", "SP-XL:-2"), ("--line", "SP-XL:2:1,5"),
                 ("--file", str(tmp_path / "missing.csv"))):
        cli.refused("stock", "receive", *args, "--pin", "9999")


def _price(cli, sku: str) -> int:
    code, out, err = cli("products", "--json")
    assert code == 0, err
    return {p["sku"]: p["price"] for p in json.loads(out)}[sku]


def test_prices_rules_edited_by_the_owner(cli):
    before = _price(cli, "TSEL10")
    dry = cli.json("prices", "set-rule", "--kind", "pulsa", "--operator", "Telkomsel",
                   "--fixed", "3.000", "--dry-run", "--pin", "9999")
    new = {r["sku"]: r["new_price"] for r in dry["repriced"]}["TSEL10"]
    assert dry["applied"] is False and _price(cli, "TSEL10") == before
    done = cli.json("prices", "set-rule", "--kind", "pulsa", "--operator", "Telkomsel",
                    "--fixed", "3.000", "--pin", "9999")
    assert done["applied"] and _price(cli, "TSEL10") == new
    rules = cli.json("prices", "rules")
    assert {"kind": "pulsa", "operator": "telkomsel", "fixed": 3000, "percent": "0"} in \
        rules["rules"]
    cli.json("prices", "fixed-price", "--sku", "TSEL10", "--price", "12.750", "--pin", "9999")
    assert _price(cli, "TSEL10") == 12_750
    code, out, _ = cli("prices", "rules")
    assert "TSEL10" in out and "12750" in out
    cli.json("prices", "fixed-price", "--sku", "TSEL10", "--clear", "--pin", "9999")
    cli.json("prices", "remove-rule", "--kind", "pulsa", "--operator", "telkomsel",
             "--pin", "9999")
    assert "overrides" not in cli.json("prices", "rules")
    cli.json("prices", "step", "--step", "100", "--pin", "9999")
    assert cli.json("prices", "rules")["step"] == 100


@pytest.mark.parametrize("args", [
    ("set-rule", "--fixed", "-5"),
    ("set-rule", "--percent", "abc"),
    ("set-rule", "--percent", "2000"),
    ("remove-rule", "--kind", "pln", "--operator", "nobody"),
    ("fixed-price", "--sku", "TSEL10", "--price", "10"),       # below cost
    ("fixed-price", "--sku", "SP-XL", "--price", "20000"),     # physical goods
    ("fixed-price", "--sku", "TSEL10"),                         # neither --price nor --clear
    ("step", "--step", "0"),
])
def test_bad_price_rules_are_refused_and_nothing_written(cli, args):
    before = cli.json("prices", "rules")
    cli.refused("prices", *args, "--pin", "9999")
    assert cli.json("prices", "rules") == before


def test_a_clerk_may_not_edit_price_rules(cli):
    assert "pemilik" in cli.refused("prices", "set-rule", "--fixed", "9000",
                                    "--pin", "1111").lower()


def test_sell_with_part_on_kasbon_the_rest_in_cash(cli):
    cli.json("customer", "add", "--name", "Budi", "--credit-limit", "30000", "--pin", "9999")
    code, out, err = cli("sell", "--sku", "SP-XL", "--qty", "2", "--kasbon-amount", "10.000",
                         "--customer", "1", "--cash", "20000", "--pin", "1111", "--json")
    assert code == 0, err
    sale = json.loads(out)
    assert (sale["total"], sale["cash_given"], sale["change"]) == (24_000, 20_000, 6_000)
    statement = cli.json("kasbon", "statement", "--customer", "1")
    assert statement["balance"] == 10_000
    assert [e["kind"] for e in statement["entries"]] == ["sale"]
    for args in (("--kasbon-amount", "5000"),                                 # whose?
                 ("--kasbon-amount", "5000", "--customer", "1", "--kasbon"),  # both ways
                 ("--kasbon-amount", "5000", "--customer", "1", "--method", "qris"),
                 ("--kasbon-amount", "25000", "--customer", "1"),             # over the limit
                 ("--kasbon-amount", "5000", "--customer", "1", "--cash", "1000")):  # short
        cli.refused("sell", "--sku", "SP-XL", "--qty", "2", *args, "--pin", "1111")
