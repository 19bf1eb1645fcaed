"""The staff, shift, refund and audit commands (issue 10): the stable contract, exit codes
and the sentence of each refusal."""

from __future__ import annotations

import pytest

from tests.aids.cli_calls import ok_json, refused, run


def test_user_add_list_disable_and_pins(capsys, data_dir):
    added = ok_json(capsys, data_dir, "user", "add", "--name", "Sari", "--role", "supervisor",
                    "--new-pin", "2580", "--pin", "9999")
    assert added["role"] == "supervisor"
    assert run(capsys, data_dir, "user", "pin", "Sari", "--new-pin", "3691",
               "--pin", "2580")[0] == 0  # her own, the old PIN first
    assert run(capsys, data_dir, "user", "pin", "kasir", "--new-pin", "4826",
               "--pin", "9999")[0] == 0  # the owner resets a clerk's
    assert run(capsys, data_dir, "user", "disable", "Sari", "--pin", "9999")[0] == 0
    users = {u["name"]: u for u in ok_json(capsys, data_dir, "user", "list", "--pin", "9999")}
    assert users["Sari"]["active"] is False and users["kasir"]["role"] == "clerk"
    assert "PIN salah" in refused(capsys, data_dir, "sell", "--sku", "SP-TSEL",
                                  "--pin", "3691")  # a disabled user's PIN logs in no one


def test_a_clerk_on_an_owner_command_is_refused_with_a_sentence(capsys, data_dir):
    err = refused(capsys, data_dir, "user", "add", "--name", "Budi", "--role", "clerk",
                  "--new-pin", "2580", "--pin", "1111")
    assert "pemilik" in err
    assert "pemilik" in refused(capsys, data_dir, "audit", "--pin", "1111")
    assert "pemilik" in refused(capsys, data_dir, "shift", "settings", "--required", "yes",
                                "--pin", "1111")
    assert "pemilik" in refused(capsys, data_dir, "user", "pin", "Pemilik", "--new-pin",
                                "2580", "--pin", "1111")


def test_pin_rules_are_refusals(capsys, data_dir):
    assert "mudah ditebak" in refused(capsys, data_dir, "user", "add", "--name", "Bos",
                                      "--role", "owner", "--new-pin", "1234", "--pin", "9999")
    assert "4 sampai 8" in refused(capsys, data_dir, "user", "add", "--name", "Budi",
                                   "--role", "clerk", "--new-pin", "123", "--pin", "9999")
    assert "--pin" in refused(capsys, data_dir, "user", "list")


def test_a_locked_user_is_told_the_minutes_left(capsys, data_dir):
    for _ in range(4):
        assert "PIN salah" in refused(capsys, data_dir, "shift", "list", "--user", "kasir",
                                      "--pin", "0000")
    err = refused(capsys, data_dir, "shift", "list", "--user", "kasir", "--pin", "0000")
    assert "5 menit" in err
    assert "menit" in refused(capsys, data_dir, "sell", "--sku", "SP-TSEL", "--pin", "1111")
    assert run(capsys, data_dir, "user", "unlock", "kasir", "--pin", "9999")[0] == 0
    assert run(capsys, data_dir, "shift", "list", "--pin", "1111")[0] == 0


def test_a_shift_from_open_to_close_and_its_report(capsys, data_dir, tmp_path):
    assert run(capsys, data_dir, "shift", "settings", "--required", "yes", "--pin", "9999")[0] == 0
    assert "buka shift dulu" in refused(capsys, data_dir, "sell", "--sku", "SP-TSEL",
                                        "--pin", "1111").lower()
    assert "Tidak ada shift" in refused(capsys, data_dir, "shift", "close", "--counted", "0",
                                        "--pin", "1111")
    opened = ok_json(capsys, data_dir, "shift", "open", "--float", "100.000", "--pin", "1111")
    assert opened["opening_float"] == 100_000
    assert "masih terbuka" in refused(capsys, data_dir, "shift", "open", "--float", "0",
                                      "--pin", "9999")
    sale = ok_json(capsys, data_dir, "sell", "--sku", "SP-TSEL", "--qty", "2", "--cash",
                   "50000", "--pin", "1111")
    assert run(capsys, data_dir, "shift", "cash", "--in", "--amount", "20000", "--reason",
               "uang kecil", "--pin", "1111")[0] == 0
    assert "alasan" in refused(capsys, data_dir, "shift", "cash", "--out", "--amount", "5000",
                               "--reason", " ", "--pin", "1111").lower()
    assert run(capsys, data_dir, "shift", "cash", "--out", "--amount", "5000", "--reason",
               "galon", "--pin", "1111")[0] == 0
    assert "PIN supervisor" in refused(capsys, data_dir, "refund", str(sale["id"]),
                                       "--reason", "rusak", "--pin", "1111")
    refund = ok_json(capsys, data_dir, "refund", str(sale["id"]), "--line", "1", "--reason",
                     "rusak", "--pin", "1111", "--approver-pin", "9999")
    assert refund["amount"] == 30_000 and refund["approver"] == "Pemilik"
    closed = ok_json(capsys, data_dir, "shift", "close", "--counted", "84.000",
                     "--pin", "1111")
    # 100.000 + 50.000 - 20.000 change + 20.000 in - 5.000 out - 30.000 refunded
    assert closed["expected"] == 115_000 and closed["counted"] == 84_000
    assert closed["difference"] == -31_000
    assert sum(closed["parts"].values()) == closed["expected"]
    assert {"opening_float", "cash_received", "change_given", "cash_in", "cash_out",
            "cash_refunds", "topup_paybacks", "kasbon_cash"} == set(closed["parts"])
    listed = ok_json(capsys, data_dir, "shift", "list", "--pin", "9999")
    assert listed[0]["id"] == opened["id"] and listed[0]["difference"] == -31_000
    report = ok_json(capsys, data_dir, "shift", "report", str(opened["id"]), "--pin", "9999")
    assert report["expected"] == 115_000
    escpos, pdf = tmp_path / "z.bin", tmp_path / "z.pdf"
    assert run(capsys, data_dir, "shift", "report", "--escpos", str(escpos),
               "--pin", "1111")[0] == 0
    assert b"LAPORAN SHIFT" in escpos.read_bytes()
    assert run(capsys, data_dir, "shift", "report", "--pdf", str(pdf), "--pin", "1111")[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    actions = [e["action"] for e in ok_json(capsys, data_dir, "audit", "--pin", "9999")]
    for action in ("shift.opened", "cash.in", "cash.out", "sale.refunded", "shift.closed"):
        assert action in actions


def test_a_top_up_cannot_be_refunded(capsys, data_dir):
    sale = ok_json(capsys, data_dir, "sell", "--sku", "TSEL10", "--to", "081234567890",
                   "--pin", "1111")
    err = refused(capsys, data_dir, "refund", str(sale["id"]), "--reason", "salah",
                  "--pin", "9999")
    assert "komplain" in err


def test_a_failed_top_up_paid_back_from_the_drawer(capsys, data_dir):
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import TopUpStatus
    from kiosk_pos.core.topups import apply_status

    opened = ok_json(capsys, data_dir, "shift", "open", "--float", "50000", "--pin", "1111")
    sale = ok_json(capsys, data_dir, "sell", "--sku", "TSEL10", "--to", "081234567890",
                   "--pin", "1111")
    assert "tidak gagal" in refused(capsys, data_dir, "shift", "payback", sale["ref_id"],
                                    "--pin", "1111")
    kiosk = Kiosk.open(data_dir)
    with kiosk.db.write() as conn:
        apply_status(conn, sale["ref_id"], TopUpStatus.FAILED)
    kiosk.close()
    assert run(capsys, data_dir, "shift", "payback", sale["ref_id"], "--pin", "1111")[0] == 0
    assert "sudah" in refused(capsys, data_dir, "shift", "payback", sale["ref_id"],
                              "--pin", "1111")
    report = ok_json(capsys, data_dir, "shift", "report", str(opened["id"]), "--pin", "1111")
    assert report["parts"]["topup_paybacks"] == -12_000 and report["expected"] == 50_000


ROLE_PINS = {"clerk": "1111", "supervisor": "2580", "owner": "9999"}
# command -> the roles that may run it (the rest get exit 2 and a sentence)
MATRIX = {
    ("user", "list"): {"owner"},
    ("audit",): {"owner"},
    ("shift", "settings", "--blind", "no"): {"owner"},
    ("shift", "list"): {"clerk", "supervisor", "owner"},
    ("sell", "--sku", "SP-TSEL"): {"clerk", "supervisor", "owner"},
    ("refund", "SALE", "--reason", "rusak"): {"supervisor", "owner"},
    ("user", "unlock"): {"owner"},
}


@pytest.mark.parametrize("role", sorted(ROLE_PINS))
def test_the_permission_matrix_on_the_command_line(capsys, data_dir, role):
    assert run(capsys, data_dir, "user", "add", "--name", "Sari", "--role", "supervisor",
               "--new-pin", "2580", "--pin", "9999")[0] == 0
    for command, allowed in MATRIX.items():
        args = list(command)
        if "SALE" in args:
            sale = ok_json(capsys, data_dir, "sell", "--sku", "SP-XL", "--pin", "9999")
            args[args.index("SALE")] = str(sale["id"])
        code, _out, err = run(capsys, data_dir, *args, "--pin", ROLE_PINS[role])
        if role in allowed:
            assert code == 0, (command, err)
        else:
            assert code == 2 and err.count("\n") == 1, (command, err)


def test_a_blind_close_hides_expected_from_the_clerk_until_counted(capsys, data_dir):
    assert run(capsys, data_dir, "shift", "settings", "--blind", "yes", "--pin", "9999")[0] == 0
    ok_json(capsys, data_dir, "shift", "open", "--float", "50000", "--pin", "1111")
    ok_json(capsys, data_dir, "sell", "--sku", "SP-TSEL", "--pin", "1111")
    seen = ok_json(capsys, data_dir, "shift", "report", "--pin", "1111")
    assert seen["expected"] is None and seen["parts"] is None
    code, text, _err = run(capsys, data_dir, "shift", "report", "--pin", "1111")
    assert code == 0 and "Rp65.000" not in text and "Tutup buta" in text
    assert ok_json(capsys, data_dir, "shift", "report", "--pin", "9999")["expected"] == 65_000
    closed = ok_json(capsys, data_dir, "shift", "close", "--counted", "60000", "--pin", "1111")
    assert closed["expected"] is None  # the clerk's close says what they counted only
    code, text, _err = run(capsys, data_dir, "shift", "close", "--counted", "1", "--pin", "1111")
    assert code == 2
    after = ok_json(capsys, data_dir, "shift", "list", "--pin", "9999")[0]
    assert after["expected"] == 65_000 and after["difference"] == -5_000


def test_the_refund_receipt_and_the_z_report_print(capsys, data_dir, tmp_path):
    sale = ok_json(capsys, data_dir, "sell", "--sku", "SP-XL", "--pin", "1111")
    assert "printer" in refused(capsys, data_dir, "refund", str(sale["id"]), "--reason",
                                "rusak", "--pin", "9999", "--print").lower()
    out = tmp_path / "printer.bin"
    assert run(capsys, data_dir, "printer", "--connection", "file", "--file-path", str(out),
               "--pin", "9999")[0] == 0
    assert run(capsys, data_dir, "refund", str(sale["id"]), "--reason", "rusak",
               "--pin", "9999", "--print")[0] == 0  # the refusal above recorded nothing
    assert b"STRUK RETUR" in out.read_bytes()
    assert run(capsys, data_dir, "shift", "report", "--print", "--pin", "9999")[0] == 0
    assert b"LAPORAN SHIFT" in out.read_bytes()
    only = ok_json(capsys, data_dir, "audit", "--action", "sale.", "--pin", "9999")
    assert [e["action"] for e in only] == ["sale.refunded"]


def test_the_drawer_counted_by_notes_and_coins(capsys, data_dir):
    assert "pecahan" in refused(capsys, data_dir, "shift", "open", "--notes", "50rb",
                                "--pin", "1111")
    assert "jumlah" in refused(capsys, data_dir, "shift", "open", "--pin", "1111").lower()
    assert "bukan pecahan" in refused(capsys, data_dir, "shift", "open", "--notes", "75000=1",
                                      "--pin", "1111")
    opened = ok_json(capsys, data_dir, "shift", "open", "--notes", "50000=1,10000=4,500=6",
                     "--pin", "1111")
    assert opened["opening_float"] == 93_000
    assert "tidak sama" in refused(capsys, data_dir, "shift", "close", "--counted", "90000",
                                   "--notes", "50000=1,20000=1", "--pin", "1111")
    closed = ok_json(capsys, data_dir, "shift", "close", "--notes", "50000=1,20000=2,1000=3",
                     "--pin", "1111")
    assert (closed["counted"], closed["difference"]) == (93_000, 0)
