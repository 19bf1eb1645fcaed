"""``kiosk-pos sell`` and the repeat check the sales screen makes: the same product to the
same number within minutes is refused (exit 2, one sentence naming the earlier sale, nothing
written) unless the clerk adds ``--again``."""

from __future__ import annotations

import json

from tests.aids.cli_calls import run


def sales(capsys, data_dir) -> list[dict]:
    code, out, err = run(capsys, data_dir, "history", "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_same_top_up_to_the_same_number_asks_for_again(capsys, data_dir):
    code, out, err = run(capsys, data_dir, "sell", "--sku", "TSEL10", "--to", "081234567890",
                         "--pin", "1111", "--json")
    assert code == 0, err
    first = json.loads(out)["id"]
    code, out, err = run(capsys, data_dir, "sell", "--sku", "tsel10", "--to",
                         "0812-3456-7890", "--pin", "1111")
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"#{first}" in err and "081234567890" in err and "--again" in err
    assert len(sales(capsys, data_dir)) == 1  # nothing written
    code, _out, err = run(capsys, data_dir, "sell", "--sku", "TSEL10", "--to", "081234567890",
                          "--again", "--pin", "1111")
    assert code == 0, err
    assert len(sales(capsys, data_dir)) == 2


def test_another_number_another_product_or_goods_are_not_repeats(capsys, data_dir):
    for args in (("--sku", "TSEL10", "--to", "081234567890"),
                 ("--sku", "TSEL10", "--to", "081234567891"),   # another number
                 ("--sku", "TSEL20", "--to", "081234567890"),   # another product
                 ("--sku", "SP-XL"), ("--sku", "SP-XL")):       # goods: no number
        code, _out, err = run(capsys, data_dir, "sell", *args, "--pin", "1111")
        assert code == 0, (args, err)
    assert len(sales(capsys, data_dir)) == 5
