"""``kiosk-pos complaint`` and ``kiosk-pos complaints``: file one about a sale's top-up (it
waits to be sent), list them; refusals are one sentence and write nothing."""

from __future__ import annotations

from kiosk_pos.cli import main  # noqa: F401 - the entry point run() drives
from tests.app.test_cli import data_dir, run, run_json  # noqa: F401 - a fixture


def test_a_complaint_is_filed_and_listed(capsys, data_dir) -> None:  # noqa: F811
    sale = run_json(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890", "--pin", "1111",
                    "--data-dir", data_dir)
    filed = run_json(capsys, "complaint", str(sale["id"]), "--reason", "other", "--note",
                     "kuota tidak bertambah", "--pin", "1111", "--data-dir", data_dir)
    assert filed["sale_id"] == sale["id"] and filed["status"] == "queued"
    assert filed["ref_id"] == sale["ref_id"] and filed["note"] == "kuota tidak bertambah"
    listed = run_json(capsys, "complaints", "--data-dir", data_dir)
    assert [c["complaint_id"] for c in listed] == [filed["complaint_id"]]
    code, out, _ = run(capsys, "complaints", "--data-dir", data_dir)
    assert code == 0 and f"#{sale['id']}" in out and "Lainnya" in out


def test_refusals_write_nothing(capsys, data_dir) -> None:  # noqa: F811
    goods = run_json(capsys, "sell", "--sku", "ACC-CBL", "--pin", "1111", "--data-dir", data_dir)
    topup = run_json(capsys, "sell", "--sku", "TSEL10", "--to", "081234567890", "--pin", "1111",
                     "--data-dir", data_dir)
    for argv, words in (
        ([str(goods["id"]), "--reason", "not_received"], "tidak punya isi ulang"),
        ([str(topup["id"]), "--reason", "other"], "tulis catatan"),
        ([str(topup["id"]), "--reason", "bored"], "bored"),
        (["0", "--reason", "not_received"], "0"),
    ):
        code, out, err = run(capsys, "complaint", *argv, "--pin", "1111", "--data-dir",
                             data_dir)
        assert code == 2 and err.count("\n") == 1 and words in err and not out, (argv, err)
    code, _, err = run(capsys, "complaint", str(topup["id"]), "--reason", "not_received",
                       "--pin", "0000", "--data-dir", data_dir)
    assert code == 2 and err.count("\n") == 1
    assert run_json(capsys, "complaints", "--data-dir", data_dir) == []
