"""Deposit tickets and the distributor-server command line."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from distributor_server.cli import main
from distributor_server.tickets import confirm_ticket


def test_tickets_have_unique_amounts_and_confirm_credits(server, make_kiosk):
    a, b = make_kiosk(), make_kiosk()
    tickets = [c.request("POST", "/v1/deposit-tickets", {"amount": 100_000}).json()
               for c in (a, b) for _ in range(10)]
    amounts = [t["amount_to_transfer"] for t in tickets]
    assert len(set(amounts)) == 20
    assert all(1 <= t["unique_code"] <= 999 for t in tickets)
    assert all(t["amount_to_transfer"] == 100_000 + t["unique_code"] for t in tickets)
    first = tickets[0]
    assert first["status"] == "open" and first["bank_account"] and first["expires_at"]
    entry = confirm_ticket(server.ctx, first["id"])
    assert entry.amount == first["amount_to_transfer"]
    assert a.balance() == first["amount_to_transfer"]
    assert a.ledger()[-1]["reason"] == "deposit_ticket"
    listed = a.get("/v1/deposit-tickets").json()["tickets"]
    assert {t["id"] for t in listed} == {t["id"] for t in tickets[:10]}
    assert [t["status"] for t in listed if t["id"] == first["id"]] == ["confirmed"]
    bad = a.request("POST", "/v1/deposit-tickets", {"amount": 5})
    assert bad.status_code == 422


def cli(capsys, db, *args: str) -> tuple[int, str, str]:
    url, key_file = db
    code = main(["--db", url, "--key-file", str(key_file), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_desk_work(server, db, capsys, tmp_path):
    code, out, _ = cli(capsys, db, "kiosk", "add", "--name", "Konter Sinar", "--json")
    assert code == 0
    created = json.loads(out)
    kiosk_id, secret = created["kiosk_id"], created["secret"]
    assert len(secret) == 64
    assert cli(capsys, db, "deposit", "credit", "--kiosk", str(kiosk_id),
               "--amount", "50000")[0] == 0
    from tests.server.conftest import KioskClient, wait_final

    client = KioskClient(server.url, kiosk_id, secret)
    assert client.balance() == 50_000
    ref = uuid.uuid4().hex
    assert client.put_topup(ref, "TSEL10", "081234567892").status_code == 201
    wait_final(client, ref)
    code, out, _ = cli(capsys, db, "ledger", "--kiosk", str(kiosk_id), "--json")
    ledger = json.loads(out)
    assert [e["reason"] for e in ledger["entries"]] == ["deposit", "topup", "refund"]
    assert ledger["balance"] == 50_000
    code, out, _ = cli(capsys, db, "transactions", "--kiosk", str(kiosk_id))
    assert ref in out and "failed" in out
    ticket = client.request("POST", "/v1/deposit-tickets", {"amount": 20_000}).json()
    code, out, _ = cli(capsys, db, "deposit", "confirm", str(ticket["id"]))
    assert code == 0 and "confirmed" in out
    assert client.balance() == 50_000 + ticket["amount_to_transfer"]
    code, _, err = cli(capsys, db, "deposit", "confirm", str(ticket["id"]))
    assert code == 2 and "already confirmed" in err

    sku = "CSV" + uuid.uuid4().hex[:5].upper()
    price_csv = tmp_path / "prices.csv"
    price_csv.write_text("sku,name,kind,operator,nominal,price,active\n"
                         f"{sku},Tri 7rb,pulsa,tri,7000,7300,1\n")
    code, out, _ = cli(capsys, db, "products", "import", str(price_csv), "--json")
    assert code == 0 and json.loads(out)["changed"] == 1
    assert sku in cli(capsys, db, "products", "list")[1]


@pytest.mark.parametrize("args, words", [
    (["deposit", "credit", "--kiosk", "424242", "--amount", "1000"], "no kiosk 424242"),
    (["deposit", "credit", "--kiosk", "1", "--amount", "lots"], "not a positive"),
    (["deposit", "credit", "--kiosk", "1", "--amount", "-5"], "not a positive"),
    (["deposit", "confirm", "777777"], "no deposit ticket"),
    (["ledger", "--kiosk", "abc"], "not a number"),
    (["kiosk", "add", "--name", "  "], "needs a name"),
    (["products", "import", "/nonexistent/prices.csv"], "Cannot read"),
    (["frobnicate"], "invalid choice"),
])
def test_cli_bad_input_exits_2(capsys, tmp_path, args, words):
    db = (f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "k.key")
    try:
        code, _, err = cli(capsys, db, *args)
    except SystemExit as exc:
        code, err = exc.code, capsys.readouterr().err
    assert code == 2
    assert words in err and err.count("\n") == 1


def test_cli_bad_price_files(capsys, tmp_path):
    db = (f"sqlite:///{tmp_path / 'cli.sqlite3'}", tmp_path / "k.key")
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name,kind,operator,nominal,price\nX1,X,pulsa,nokia,1000,1100\n")
    code, _, err = cli(capsys, db, "products", "import", str(bad))
    assert code == 2 and "operator 'nokia' is unknown" in err
    bad.write_text("sku,name,kind,operator,nominal,price\nX1,X,pulsa,tri,1000,11.5\n")
    assert cli(capsys, db, "products", "import", str(bad))[0] == 2
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{oops")
    code, _, err = cli(capsys, db, "products", "import", str(bad_json))
    assert code == 2 and "not valid JSON" in err


def test_console_script_runs(tmp_path):
    url = f"sqlite:///{tmp_path / 'script.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "distributor_server", "--db", url, "kiosk", "add", "--name", "X",
         "--json"], capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["kiosk_id"] == 1
    assert (tmp_path / "script.sqlite3.master-key").exists()
    bad = subprocess.run([sys.executable, "-m", "distributor_server", "--db", url, "ledger",
                          "--kiosk", "9"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip() == "distributor-server: There is no kiosk 9."
