"""Change feed cursors, long-poll, and price-list versioning."""

from __future__ import annotations

import json
import threading
import time
import uuid

from distributor_server.products import ProductRow, import_products

from tests.aids.waiting import wait_for
from tests.server.conftest import demo_price

TSEL = "081234567890"


def test_change_feed_pages_without_gaps(make_kiosk):
    k = make_kiosk(deposit=200_000)
    refs = [uuid.uuid4().hex for _ in range(5)]
    for r in refs:
        assert k.put_topup(r, "TSEL10", TSEL).status_code == 201

    def finals() -> bool:
        return all(k.get(f"/v1/topups/{r}").json()["status"] == "success" for r in refs)

    wait_for(finals)
    seen, cursor = [], 0
    while True:
        page = k.get(f"/v1/changes?cursor={cursor}&limit=3").json()
        seen.extend(page["changes"])
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    # 1 deposit + 5 x (debit + pending) + 5 x success
    assert [c["seq"] for c in seen] == list(range(1, 17))
    assert sum(1 for c in seen if c["kind"] == "ledger") == 6
    success = [c["topup"]["ref_id"] for c in seen
               if c["kind"] == "topup" and c["topup"]["status"] == "success"]
    assert sorted(success) == sorted(refs)
    empty = k.get(f"/v1/changes?cursor={cursor}").json()
    assert empty == {"changes": [], "next_cursor": cursor, "has_more": False}
    balance = k.get("/v1/balance").json()
    assert balance["change_seq"] == 16 and balance["ledger_seq"] == 6


def test_long_poll_wakes_on_change(server, make_kiosk):
    k = make_kiosk(deposit=50_000)
    cursor = k.get("/v1/changes").json()["next_cursor"]
    result = {}

    def poll() -> None:
        started = time.monotonic()
        result["page"] = k.get(f"/v1/changes?cursor={cursor}&wait=10").json()
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.3)
    server.credit_deposit(k.kiosk_id, 1_000)
    thread.join(timeout=15)
    assert result["page"]["changes"][0]["ledger"]["amount"] == 1_000
    assert result["elapsed"] < 3


def test_long_poll_times_out_empty(make_kiosk):
    k = make_kiosk()
    started = time.monotonic()
    page = k.get("/v1/changes?cursor=0&wait=0.5").json()
    assert page["changes"] == [] and 0.4 < time.monotonic() - started < 3


def test_prices_since_version(server, make_kiosk):
    k = make_kiosk()
    full = k.get("/v1/prices?since=0").json()
    skus = {p["sku"]: p for p in full["products"]}
    assert skus["TSEL10"]["price"] == demo_price("TSEL10") and skus["TSEL10"]["kind"] == "pulsa"
    assert {"ISAT10", "XL10", "AXIS10", "TRI10", "SF10", "TSELD5GB", "PLN20", "DANA50"} <= set(skus)
    v0 = full["version"]
    assert k.get(f"/v1/prices?since={v0}").json() == {"version": v0, "products": []}
    sku = "TEST" + uuid.uuid4().hex[:6].upper()
    row = ProductRow(sku, "Test 10", "pulsa", "telkomsel", 10_000, 10_100)
    v1, changed = import_products(server.ctx.db, [row])
    assert changed == 1 and v1 > v0
    assert import_products(server.ctx.db, [row]) == (v1, 0)  # no change, no bump
    delta = k.get(f"/v1/prices?since={v0}").json()
    assert delta["version"] == v1 and [p["sku"] for p in delta["products"]] == [sku]
    v2, _ = import_products(server.ctx.db, [ProductRow(sku, "Test 10", "pulsa", "telkomsel",
                                                       10_000, 10_100, active=False)])
    delta = k.get(f"/v1/prices?since={v1}").json()
    assert delta["version"] == v2 and delta["products"][0]["active"] is False
    # an inactive product cannot be bought
    assert k.put_topup(uuid.uuid4().hex, sku, TSEL).json()["code"] == "unknown_sku"
    assert json.dumps(delta)  # plain JSON, ints only
