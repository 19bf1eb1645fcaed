"""The desk's newer pages at a phone's width (390 px) in a real Chromium: nothing wider than
the screen (no sideways scrolling to reach a figure or a button), the main button of each
page in view, and the English switch speaks English. SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from distributor_server import incident_rules, incidents, kiosks, tickets

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}


@pytest.fixture
def phone(console):
    console.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield console
    console.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _fits(console) -> bool:
    return console.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")


def test_the_new_pages_fit_a_phone_and_speak_english_on_request(phone, make_staff, server):
    kiosk = kiosks.create_kiosk(server.ctx, f"Konter Ponsel {uuid.uuid4().hex[:4]}")
    tickets.create_ticket(server.ctx, kiosk.kiosk_id, 40_000)
    incident_id = incidents.record_event(
        server.ctx.db, incident_rules.KIOSK_SILENT, f"kiosk:{kiosk.kiosk_id}",
        "kiosk silent for 9 hours", facts={"kiosk": kiosk.kiosk_id, "hours": 9})
    boss = make_staff("boss", "admin")
    phone.sign_in(boss)
    pages = {
        "/console/incidents": None,
        f"/console/incidents/{incident_id}": "#resolve",
        "/console/prices": "#apply-rules",
        "/console/kiosks-new": "#create",
        f"/console/kiosks/{kiosk.kiosk_id}": "#rotate",
        "/console/staff": "#add-staff summary",
        "/console/deposits": "#bank-import summary",
        "/console/": "#upstream-balance",
    }
    for path, main in pages.items():
        phone.open(path)
        assert phone.status() == 200, path
        assert _fits(phone), f"{path} is wider than a phone"
        if main:
            box = phone.find(main).rect
            assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"], (path, box)
    phone.open(f"/console/lang/en?next=/console/incidents/{incident_id}")
    assert phone.text("h1").startswith("Incident #")
    assert f"Kiosk {kiosk.kiosk_id} has not been heard from for 9 hours" in phone.text("dl")
    assert phone.text("#resolve") == "Resolve"
