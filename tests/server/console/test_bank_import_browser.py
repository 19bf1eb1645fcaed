"""The bank statement import in a real Chromium: the dry run shows which transfer matches
which open ticket by its unique amount and credits nothing; applying confirms each matched
ticket once (a second import of the same statement credits nothing more); debits, unknown
amounts and repeated rows are left alone. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import requests
from distributor_server import kiosks, tickets
from distributor_server.console.bank_import import parse_amount


def _rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + ",00"


def test_a_statement_is_checked_then_applied_once(console, make_staff, server, tmp_path):
    first = kiosks.create_kiosk(server.ctx, f"Konter Mutasi A {uuid.uuid4().hex[:4]}")
    second = kiosks.create_kiosk(server.ctx, f"Konter Mutasi B {uuid.uuid4().hex[:4]}")
    a = tickets.create_ticket(server.ctx, first.kiosk_id, 300_000)
    b = tickets.create_ticket(server.ctx, second.kiosk_id, 1_250_000)
    statement = tmp_path / "mutasi.csv"
    statement.write_text(
        "Tanggal;Keterangan;Cabang;Jumlah;DB/CR;Saldo\n"
        f"26/11;TRSF E-BANKING CR BUDI;0000;{_rupiah(a.amount_to_transfer)};CR;1\n"
        f"26/11;BIAYA ADM;0000;{_rupiah(a.amount_to_transfer)};DB;1\n"
        f"26/11;SETORAN TUNAI SITI;0000;{_rupiah(b.amount_to_transfer)};CR;1\n"
        "26/11;TRSF DARI ENTAH;0000;987.654.321,00;CR;1\n"
        f"26/11;TRSF ULANG BUDI;0000;{_rupiah(a.amount_to_transfer)};CR;1\n", encoding="utf-8")
    finance = make_staff("keuangan", "finance")
    console.sign_in(finance)
    console.open("/console/deposits")
    console.find("#bank-import summary").click()
    console.find("#statement").send_keys(str(statement))
    console.click("#dry-run")
    assert f"cocok: tiket {a.id}" in console.text("#line-2")
    assert "dilewati" in console.text("#line-3")
    assert f"cocok: tiket {b.id}" in console.text("#line-4")
    assert "tidak ada tiket" in console.text("#line-5")
    assert "baris sebelumnya" in console.text("#line-6")
    assert kiosks.balance(server.ctx, first.kiosk_id).balance == 0  # a dry run credits nothing

    console.click("#apply-import")
    assert console.path == "/console/deposits"
    assert "2 tiket dikonfirmasi" in console.text(".flash")
    assert kiosks.balance(server.ctx, first.kiosk_id).balance == a.amount_to_transfer
    assert kiosks.balance(server.ctx, second.kiosk_id).balance == b.amount_to_transfer

    console.find("#bank-import summary").click()  # the same statement again
    console.find("#statement").send_keys(str(statement))
    console.click("#dry-run")
    assert f"tiket {a.id}" in console.text("#line-2")
    assert "sudah dikonfirmasi" in console.text("#line-2")
    assert not console.all("#apply-import")
    assert kiosks.balance(server.ctx, first.kiosk_id).balance == a.amount_to_transfer


def test_an_applied_pair_whose_amount_is_not_the_tickets_confirms_nothing(
        console, make_staff, server):
    kiosk = kiosks.create_kiosk(server.ctx, f"Konter Tamper {uuid.uuid4().hex[:4]}")
    ticket = tickets.create_ticket(server.ctx, kiosk.kiosk_id, 75_000)
    finance = make_staff("keuangan", "finance")
    console.sign_in(finance)
    http = requests.Session()
    for cookie in console.driver.get_cookies():
        http.cookies.set(cookie["name"], cookie["value"])
    page = http.get(f"{server.url}/console/deposits").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    reply = http.post(f"{server.url}/console/deposits/import/apply",
                      data={"csrf": csrf, "match": f"{ticket.id}:{ticket.amount_to_transfer + 1}"})
    assert reply.status_code == 200 and "0 tiket dikonfirmasi" in reply.text
    assert kiosks.balance(server.ctx, kiosk.kiosk_id).balance == 0
    reply = http.post(f"{server.url}/console/deposits/import/apply",
                      data={"match": f"{ticket.id}:{ticket.amount_to_transfer}"})
    assert reply.status_code == 403  # no CSRF token
    assert kiosks.balance(server.ctx, kiosk.kiosk_id).balance == 0


def test_bank_amount_formats():
    assert [parse_amount(s) for s in ("1.250.123,00", "1,250,123.00", "Rp 50.000", "50000",
                                      "12,50", "-", "0")] == [
        1_250_123, 1_250_123, 50_000, 50_000, None, None, None]
