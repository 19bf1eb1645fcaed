"""``kiosk-pos history --search``: the same cek status as History's, from a terminal."""

from __future__ import annotations

from kiosk_pos.cli import main
from tests.app.test_cli import data_dir, run, run_json  # noqa: F401 - a fixture


def test_history_search_finds_a_sale_by_number_ref_and_sn(capsys, data_dir) -> None:  # noqa: F811
    sale = run_json(capsys, "sell", "--sku", "TSEL10", "--to", "0812-3456-7890",
                    "--pin", "1111", "--data-dir", data_dir)
    run_json(capsys, "sell", "--sku", "TSEL10", "--to", "081298765432", "--pin", "1111",
             "--data-dir", data_dir)
    for typed in ("+62 812 3456 7890", sale["ref_id"], sale["ref_id"][:8]):
        found = run_json(capsys, "history", "--search", typed, "--data-dir", data_dir)
        assert [s["id"] for s in found] == [sale["id"]], typed
    code, out, _ = run(capsys, "history", "--search", "081234567890", "--data-dir", data_dir)
    assert code == 0 and f"#{sale['id']} " in out and out.count("#") == 1


def test_history_search_nothing_found_and_refusals(capsys, data_dir) -> None:  # noqa: F811
    assert run_json(capsys, "history", "--search", "085799998888", "--data-dir", data_dir) == []
    code, out, err = run(capsys, "history", "--search", "085799998888", "--data-dir", data_dir)
    assert code == 0 and "085799998888" in out and not err
    for typed in ("abc", "", "   "):
        code, out, err = run(capsys, "history", "--search", typed, "--data-dir", data_dir)
        assert code == 2 and err.count("\n") == 1 and "8" in err and not out, typed
    code, _, err = run(capsys, "history", "--search", "x" * 65, "--data-dir", data_dir)
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(capsys, "history", "--search", "081234567890", "--date",
                       "2026-11-22", "--data-dir", data_dir)
    assert code == 2 and "--date" in err and err.count("\n") == 1
    assert main(["history", "--data-dir", data_dir]) == 0  # the day's list still works
