"""The Digiflazz adapter against a local fake Digiflazz, through the real server."""

from __future__ import annotations

import json
import uuid

import pytest
from distributor_server.config import DigiflazzSettings
from distributor_server.embedded import start_embedded
from distributor_server.models import TopUp
from distributor_server.upstream.digiflazz import result_from_data, verify_callback_signature
from sqlalchemy import select

from tests.aids.waiting import wait_for
from tests.server.conftest import FAST, KioskClient, demo_price, wait_final
from tests.server.fake_digiflazz import FakeDigiflazz

PRICE = demo_price("TSEL10")


@pytest.fixture
def fake():
    fake = FakeDigiflazz()
    yield fake
    fake.close()


@pytest.fixture
def df(db, fake):
    url, key_file = db
    settings = DigiflazzSettings(
        username=fake.username, api_key=fake.api_key, webhook_secret=fake.webhook_secret,
        base_url=fake.url + "/v1", timeout_seconds=0.5,
    )
    handle = start_embedded(url, key_file=key_file, upstream="digiflazz", digiflazz=settings,
                            **{k: v for k, v in FAST.items() if k == "poll_base_seconds"})
    fake.callback_url = handle.url + "/webhooks/digiflazz"
    creds = handle.create_kiosk("Konter DF")
    handle.credit_deposit(creds.kiosk_id, 100_000)
    client = KioskClient(handle.url, creds.kiosk_id, creds.secret)
    yield handle, client
    handle.stop()


def upstream_ref(handle, client, ref_id):
    with handle.ctx.db.read() as session:
        return session.scalar(select(TopUp.upstream_ref_id).where(
            TopUp.kiosk_id == client.kiosk_id, TopUp.ref_id == ref_id))


def submit(client, last_digit):
    ref = uuid.uuid4().hex
    reply = client.put_topup(ref, "TSEL10", "08123456789" + last_digit)
    assert reply.status_code == 201, reply.text
    return ref


def test_success_and_failure(df, fake):
    handle, client = df
    ok, bad = submit(client, "0"), submit(client, "2")
    assert wait_final(client, ok)["status"] == "success"
    assert wait_final(client, ok)["sn"].startswith("SN")
    assert wait_final(client, bad)["status"] == "failed"
    assert client.balance() == 100_000 - PRICE
    assert [e["reason"] for e in client.ledger()][-1] == "refund"
    sent = fake.calls[0]
    assert sent["buyer_sku_code"] == "TSEL10" and len(sent["sign"]) == 32


def test_pending_then_callback(df, fake):
    handle, client = df
    ref = submit(client, "3")
    final = wait_final(client, ref)
    assert final["status"] == "success" and final["sn"] == "1111-2222-3333"


def test_timeout_then_status_check_with_same_ref_id(df, fake):
    handle, client = df
    ref = submit(client, "5")
    assert wait_final(client, ref, timeout=15)["status"] == "success"
    ups = upstream_ref(handle, client, ref)
    assert len(fake.calls) >= 2
    assert {c["ref_id"] for c in fake.calls} == {ups}  # never a new ref_id
    assert client.balance() == 100_000 - PRICE


def test_bad_callback_signature_is_refused(df, fake):
    handle, client = df
    ref = submit(client, "6")
    ups = upstream_ref(handle, client, ref)
    wait_for(lambda: any(c["ref_id"] == ups for c in fake.calls))
    failed = fake.reply(ups, "081234567896", "TSEL10", "Gagal", "02")
    forged = fake.send_callback(failed, secret="guessed")
    assert forged.status_code == 401
    assert client.get(f"/v1/topups/{ref}").json()["status"] == "pending"
    assert client.balance() == 100_000 - PRICE
    genuine = fake.send_callback(failed)
    assert genuine.status_code == 200
    assert client.get(f"/v1/topups/{ref}").json()["status"] == "failed"
    assert client.balance() == 100_000


def test_rc_mapping_and_signature_helper():
    assert result_from_data({"status": "Sukses", "rc": "00", "sn": "X"}).status == "success"
    assert result_from_data({"status": "Pending", "rc": "03"}).status == "pending"
    assert result_from_data({"status": "Gagal", "rc": "02"}).status == "failed"
    assert result_from_data({"rc": "99"}).status == "pending"
    # our own credentials/IP problems decide nothing: keep pending, never refund blindly
    for rc in ("41", "42", "45"):
        result = result_from_data({"status": "Gagal", "rc": rc})
        assert result.status == "pending" and result.retry_after
    assert result_from_data({"status": "Gagal", "rc": "85"}).status == "pending"
    assert result_from_data({"rc": "??"}).status == "pending"
    import hashlib
    import hmac

    raw = b'{"data": {"ref_id": "a"}}'
    sig = "sha1=" + hmac.new(b"s", raw, hashlib.sha1).hexdigest()
    assert verify_callback_signature("s", raw, sig)
    assert not verify_callback_signature("s", raw + b" ", sig)
    assert not verify_callback_signature("s", raw, None)
    assert not verify_callback_signature("", raw, sig)


def test_sukses_after_refund_raises_one_incident_for_the_distributor(df, fake, db, capsys):
    from distributor_server.cli import main

    handle, client = df
    ref = submit(client, "2")
    assert wait_final(client, ref)["status"] == "failed"
    assert client.balance() == 100_000
    ups = upstream_ref(handle, client, ref)
    late = fake.reply(ups, "081234567892", "TSEL10", "Sukses", "00", "SN-LATE-1")
    for _ in range(2):  # Digiflazz repeats callbacks; one incident, not two
        assert fake.send_callback(late).status_code == 200
    assert client.get(f"/v1/topups/{ref}").json()["status"] == "failed"
    assert client.balance() == 100_000
    url, key_file = db
    capsys.readouterr()
    assert main(["--db", url, "--key-file", str(key_file), "incidents", "list", "--json"]) == 0
    listed = [i for i in json.loads(capsys.readouterr().out) if i["ref_id"] == ref]
    assert len(listed) == 1
    assert listed[0]["kind"] == "success_after_refund"
    assert listed[0]["amount"] == PRICE and listed[0]["kiosk_id"] == client.kiosk_id
    assert "SN-LATE-1" in listed[0]["detail"]
    assert main(["--db", url, "--key-file", str(key_file), "incidents", "list"]) == 0
    assert ref in capsys.readouterr().out
