"""The price list page in a real Chromium: finance records the supplier's cost, adds a
markup rule, applies it, turns a product off, and a kiosk pulling the versioned price list
over signed HTTP sees exactly those changes; every change is audited with before and after.
A desk user gets 403. SQLite and PostgreSQL (the test's own product, so other tests' prices
stay as they are)."""

from __future__ import annotations

import json
import uuid

import requests
from distributor_server import products
from distributor_server.models import ConsoleAudit
from pulsa_protocol import signing
from sqlalchemy import select


def _pull(server, kiosk, since: int) -> dict:
    path = f"/v1/prices?since={since}"
    headers = signing.sign_request(kiosk.kiosk_id, kiosk.secret, "GET", path)
    reply = requests.get(server.url + path, headers=headers, timeout=10)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _own_product(server) -> str:
    sku = f"TT{uuid.uuid4().hex[:6].upper()}"
    row = products.ProductRow(sku=sku, name=f"Telkomsel uji {sku}", kind="pulsa",
                              operator="telkomsel", nominal=25_000, price=26_000)
    products.import_products(server.ctx.db, [row])
    return sku


def test_finance_prices_a_product_by_rule_and_kiosks_pull_the_new_version(
        console, make_staff, server):
    sku = _own_product(server)
    kiosk = server.create_kiosk(f"Konter Harga {uuid.uuid4().hex[:4]}")
    before = _pull(server, kiosk, 0)["version"]
    finance = make_staff("keuangan", "finance")
    console.sign_in(finance)
    console.open("/console/prices?operator=telkomsel&kind=pulsa")
    row = f"#product-{sku}"
    assert "Rp26.000" in console.text(f"{row} .price")
    console.find(f"{row} summary").click()
    console.type(f"{row} input[name=cost]", "24.800")
    console.click(f"{row} button.save")
    assert sku in console.text(".flash")
    assert console.text(f"{row} .cost") == "Rp24.800"
    assert _pull(server, kiosk, before)["products"] == []  # a cost is not the kiosks' business

    if not console.find("#rules").get_attribute("open"):
        console.find("#rules summary").click()
    console.find("#rule-operator option[value=telkomsel]").click()
    console.find("#rule-kind option[value=pulsa]").click()
    console.type("#rule-markup", "1300")
    console.type("#rule-round", "500")
    console.click("#save-rule")
    assert "disimpan" in console.text(".flash")
    assert "Rp26.500" in console.text(row)  # suggested: 24.800 + 1.300 rounded up to 500
    console.click("#apply-rules")
    assert "diterbitkan" in console.text(".flash")
    assert console.text(f"{row} .price") == "Rp26.500"
    pulled = _pull(server, kiosk, before)
    assert [(p["sku"], p["price"], p["active"]) for p in pulled["products"]] == [
        (sku, 26_500, True)]

    console.click(f"{row} button.toggle")
    assert "tidak dijual" in console.text(row)
    last = _pull(server, kiosk, pulled["version"])
    assert [(p["sku"], p["active"]) for p in last["products"]] == [(sku, False)]
    assert last["version"] == pulled["version"] + 1

    with server.ctx.db.read() as session:
        audit = session.scalars(select(ConsoleAudit).where(
            ConsoleAudit.target == f"product {sku}").order_by(ConsoleAudit.id)).all()
    assert [a.username for a in audit] == [finance.username] * 3
    changes = [(json.loads(a.before), json.loads(a.after)) for a in audit]
    assert changes[0][0]["cost"] is None and changes[0][1]["cost"] == 24_800
    assert (changes[1][0]["price"], changes[1][1]["price"]) == (26_000, 26_500)
    assert (changes[2][0]["active"], changes[2][1]["active"]) == (True, False)


def test_a_desk_user_may_not_open_the_price_list(console, make_staff, server):
    desk = make_staff("meja", "desk")
    console.sign_in(desk)
    assert "Isi jual" not in console.text("header nav")
    console.open("/console/prices")
    assert console.status() == 403
