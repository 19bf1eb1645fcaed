"""The name check end to end: the kiosk's client and core use case against a real server on
127.0.0.1 (simulator upstream), and ``kiosk-pos inquiry``."""

from __future__ import annotations

import json
import socket

import pytest

from kiosk_pos.cli import main
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.name_check import NameStatus, check_name
from kiosk_pos.i18n import set_language
from kiosk_pos.sync.client import DistributorClient
from kiosk_pos.sync.inquiry import asker

METER = "52345678901"


@pytest.fixture(autouse=True)
def indonesian():
    set_language("id")
    yield
    set_language("id")


def test_client_gets_a_proven_name_and_daya(make_shop) -> None:
    shop = make_shop()
    reply = shop.client.inquiry("PLN20", METER)
    assert reply.status == "found" and reply.name and reply.segment_power.endswith("VA")
    again = check_name(shop.kiosk.catalog.catalog, asker(shop.client), "PLN20", "523-4567-8901")
    assert again.status is NameStatus.FOUND
    assert (again.name, again.segment_power) == (reply.name, reply.segment_power)
    assert again.headline() == f"{reply.name} · {reply.segment_power}"


def test_ewallet_account_name(make_shop) -> None:
    shop = make_shop()
    result = check_name(shop.kiosk.catalog.catalog, asker(shop.client), "DANA50",
                        "+62 812 3456 7890")
    assert result.found and result.destination == "081234567890"
    assert result.segment_power == "" and result.headline() == result.name


def test_unknown_id_is_not_found_with_a_sentence(make_shop) -> None:
    shop = make_shop()
    result = check_name(shop.kiosk.catalog.catalog, asker(shop.client), "PLN50",
                        "52345678902")
    assert result.status is NameStatus.NOT_FOUND and not result.name
    assert result.headline() == "ID tidak ditemukan — periksa nomornya"
    assert result.reason.endswith(".")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("how", ["offline", "wrong_secret", "supplier_silent", "not_connected"])
def test_no_answer_lets_the_clerk_go_on(make_shop, how: str) -> None:
    shop = make_shop()
    client: DistributorClient | None = shop.client
    destination = METER
    if how == "offline":
        client = DistributorClient(f"http://127.0.0.1:{_closed_port()}", shop.kiosk_id, "x")
    elif how == "wrong_secret":
        client = DistributorClient(shop.server.url, shop.kiosk_id, "not-the-secret")
    elif how == "supplier_silent":
        destination = "52345678908"  # the simulator's check does not answer
    else:
        client = None
    result = check_name(shop.kiosk.catalog.catalog, asker(client), "PLN20", destination)
    assert result.status is NameStatus.UNCHECKED and not result.name
    assert result.headline() == "Nama tidak dapat dicek — boleh lanjut"
    assert result.reason and "Traceback" not in result.reason


@pytest.mark.parametrize("sku, destination, words", [
    ("PLN20", "081234567890", "nomor HP"),
    ("TSEL10", "081234567890", "tidak punya cek nama"),
    ("NOPE", "52345678901", "NOPE"),
])
def test_what_cannot_be_checked_is_a_sentence(make_shop, sku: str, destination: str,
                                              words: str) -> None:
    shop = make_shop()
    with pytest.raises(KioskError) as err:
        check_name(shop.kiosk.catalog.catalog, asker(shop.client), sku, destination)
    assert words in str(err.value)


def run(capsys: pytest.CaptureFixture, shop, *args: str) -> tuple[int, str, str]:
    try:
        code = main([*args, "--data-dir", str(shop.data_dir)])
    except SystemExit as stop:
        code = int(stop.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_prints_name_and_daya(make_shop, capsys) -> None:
    shop = make_shop()
    code, out, err = run(capsys, shop, "inquiry", "--sku", "pln20", "--to", METER)
    assert code == 0, err
    assert out.startswith("Nama: ") and "Tarif/daya: R" in out and f"No. meter: {METER}" in out
    code, out, err = run(capsys, shop, "inquiry", "--sku", "PLN20", "--to", METER, "--json",
                         "--lang", "en")
    assert code == 0, err
    body = json.loads(out)
    assert body["status"] == "found" and body["destination"] == METER and body["name"]
    assert body["segment_power"].endswith("VA")


def test_cli_exit_codes_for_no_name(make_shop, capsys) -> None:
    shop = make_shop()
    code, out, err = run(capsys, shop, "inquiry", "--sku", "PLN20", "--to", "52345678902")
    assert code == 2 and out == "" and "ID tidak ditemukan" in err
    code, out, err = run(capsys, shop, "inquiry", "--sku", "PLN20", "--to", "52345678908",
                         "--json")
    assert code == 3 and json.loads(out)["status"] == "unchecked"
    assert "boleh lanjut" in err
    code, out, err = run(capsys, shop, "inquiry", "--sku", "TSEL10", "--to", "081234567890")
    assert code == 2 and "tidak punya cek nama" in err and "Traceback" not in err


def test_cli_not_connected(make_shop, capsys) -> None:
    shop = make_shop(connect=False)
    code, _out, err = run(capsys, shop, "inquiry", "--sku", "PLN20", "--to", METER)
    assert code == 2 and "belum tersambung" in err
    code, _out, err = run(capsys, shop, "inquiry", "--sku", "PLN20", "--to", "0812")
    assert code == 2 and "belum tersambung" not in err  # the bad number is said first
