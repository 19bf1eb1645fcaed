"""Top-ups: idempotency, conflicts, deposit checks, concurrency, simulator outcomes, refunds."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.server.conftest import demo_price, wait_final

TSEL = "081234567890"
PRICE = demo_price("TSEL10")


def ref() -> str:
    return uuid.uuid4().hex


def test_same_ref_id_twice_charges_once(make_kiosk):
    k = make_kiosk(deposit=50_000)
    r = ref()
    first = k.put_topup(r, "TSEL10", TSEL, expected_price=PRICE)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "pending" and first.json()["price"] == PRICE
    again = k.put_topup(r, "TSEL10", "0812-3456-7890", expected_price=PRICE)
    assert again.status_code == 200
    assert again.json()["ref_id"] == r
    assert k.balance() == 50_000 - PRICE
    assert [e["reason"] for e in k.ledger()] == ["deposit", "topup"]


def test_changed_payload_is_409_and_nothing_charged(make_kiosk):
    k = make_kiosk(deposit=50_000)
    r = ref()
    assert k.put_topup(r, "TSEL10", TSEL).status_code == 201
    conflict = k.put_topup(r, "TSEL20", TSEL)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "ref_conflict"
    assert k.put_topup(r, "TSEL10", "081299999990").status_code == 409
    assert k.balance() == 50_000 - PRICE


def test_concurrent_duplicates_create_one_topup(make_kiosk):
    k = make_kiosk(deposit=50_000)
    r = ref()
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda _: k.put_topup(r, "TSEL10", TSEL).status_code, range(20)))
    assert codes.count(201) == 1 and codes.count(200) == 19
    assert k.balance() == 50_000 - PRICE


def test_batch_results_per_item(make_kiosk):
    k = make_kiosk(deposit=25_000)
    existing = ref()
    assert k.put_topup(existing, "TSEL10", TSEL).status_code == 201
    items = [
        {"ref_id": "a-" + ref(), "sku": "TSEL10", "destination": TSEL},
        {"ref_id": existing, "sku": "TSEL10", "destination": TSEL},
        {"ref_id": existing, "sku": "XL10", "destination": "081712345670"},
        {"ref_id": "b-" + ref(), "sku": "NOPE5", "destination": TSEL},
        {"ref_id": "c-" + ref(), "sku": "XL10", "destination": TSEL},
        {"ref_id": "d-" + ref(), "sku": "TSEL10", "destination": "12345"},
        {"ref_id": "e-" + ref(), "sku": "TSEL10", "destination": TSEL},  # deposit now short
        {"ref_id": "f-" + ref(), "sku": "TSEL10", "destination": TSEL, "expected_price": 10_000},
    ]
    reply = k.request("POST", "/v1/topups", {"items": items})
    assert reply.status_code == 200, reply.text
    results = reply.json()["results"]
    assert [x["code"] for x in results] == [
        "created", "exists", "ref_conflict", "unknown_sku", "wrong_operator",
        "bad_destination", "insufficient_deposit", "price_changed",
    ]
    assert [x["http_status"] for x in results] == [201, 200, 409, 422, 422, 422, 402, 422]
    assert "Telkomsel" in results[4]["message"] and "XL" in results[4]["message"]
    assert reply.json()["balance"] == 25_000 - 2 * PRICE == k.balance()


def test_duplicate_ref_inside_one_batch(make_kiosk):
    k = make_kiosk(deposit=50_000)
    r = ref()
    item = {"ref_id": r, "sku": "TSEL10", "destination": TSEL}
    results = k.request("POST", "/v1/topups", {"items": [item, item]}).json()["results"]
    assert [x["code"] for x in results] == ["created", "exists"]
    assert k.balance() == 50_000 - PRICE


def test_insufficient_deposit_writes_nothing(make_kiosk):
    k = make_kiosk(deposit=10_000)
    r = ref()
    reply = k.put_topup(r, "TSEL10", TSEL)
    assert reply.status_code == 402
    assert reply.json()["code"] == "insufficient_deposit"
    assert k.balance() == 10_000
    assert len(k.ledger()) == 1
    assert k.get(f"/v1/topups/{r}").status_code == 404
    assert k.get("/v1/transactions").json()["topups"] == []


def test_refused_items_write_nothing(make_kiosk):
    k = make_kiosk(deposit=100_000)
    cases = [("NOPE10", TSEL, "unknown_sku"), ("XL10", TSEL, "wrong_operator"),
             ("TSEL10", "0899", "bad_destination"), ("PLN20", "12345", "bad_destination"),
             ("TSEL10", "+1 555 0100", "bad_destination")]
    for sku, dest, code in cases:
        r = ref()
        reply = k.put_topup(r, sku, dest)
        assert reply.status_code == 422, (sku, dest, reply.text)
        assert reply.json()["code"] == code
        assert reply.json()["message"]
    wrong = k.put_topup(ref(), "ISAT10", TSEL).json()["message"]
    assert "Telkomsel" in wrong and "Indosat" in wrong
    assert k.balance() == 100_000 and len(k.ledger()) == 1
    assert k.get("/v1/transactions").json()["topups"] == []


def test_no_overdraft_under_concurrent_submits(make_kiosk):
    affordable = 20
    k = make_kiosk(deposit=PRICE * affordable + 5_000)
    refs = [ref() for _ in range(60)]
    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(lambda r: k.put_topup(r, "TSEL10", TSEL).status_code, refs))
    assert codes.count(201) == affordable
    assert codes.count(402) == 60 - affordable
    assert k.balance() == 5_000
    entries = k.ledger()
    assert len(entries) == affordable + 1
    assert all(e["balance_after"] >= 0 for e in entries)
    assert [e["seq"] for e in entries] == list(range(1, affordable + 2))


def test_simulator_outcomes_by_last_digit_and_refund(make_kiosk):
    k = make_kiosk(deposit=100_000)
    outcomes = {}
    for digit, expected in (("0", "success"), ("2", "failed"), ("3", "success"),
                            ("4", "failed")):
        r = ref()
        assert k.put_topup(r, "TSEL10", "08123456789" + digit).status_code == 201
        outcomes[r] = expected
    for r, expected in outcomes.items():
        final = wait_final(k, r)
        assert final["status"] == expected, final
        assert (final["sn"] != "") == (expected == "success")
    entries = k.ledger()
    refunds = [e for e in entries if e["reason"] == "refund"]
    assert len(refunds) == 2 and all(e["amount"] == PRICE for e in refunds)
    assert k.balance() == 100_000 - 2 * PRICE


def test_kiosks_cannot_see_each_other(make_kiosk):
    a = make_kiosk(deposit=50_000)
    b = make_kiosk(deposit=50_000)
    r = ref()
    assert a.put_topup(r, "TSEL10", TSEL).status_code == 201
    assert b.get(f"/v1/topups/{r}").status_code == 404
    # the same ref_id is a different sale at another kiosk
    assert b.put_topup(r, "XL10", "081712345670").status_code == 201
    assert a.get(f"/v1/topups/{r}").json()["sku"] == "TSEL10"
    assert b.get(f"/v1/topups/{r}").json()["sku"] == "XL10"
    assert a.balance() == 50_000 - PRICE
    assert all(e["reference"] != r or e["amount"] == -PRICE for e in a.ledger())
    b_changes = b.get("/v1/changes?cursor=0").json()["changes"]
    assert all(c["topup"]["sku"] == "XL10" for c in b_changes if c["kind"] == "topup")
    # a signature made with kiosk a's secret cannot pass as kiosk b
    forged = b.get("/v1/balance", headers={"X-Kiosk-Id": str(a.kiosk_id)})
    assert forged.status_code == 401
