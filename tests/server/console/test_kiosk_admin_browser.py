"""Kiosks managed in a real Chromium: an admin adds one (its secret shown once, as text and
as a QR code) and the secret works at once; rotating it retires the old one; a disabled
kiosk is refused until enabled; every step is audited without the secret. A desk user gets
403. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid

import requests
from distributor_server import kiosks
from distributor_server.models import ConsoleAudit
from pulsa_protocol import signing
from sqlalchemy import select


def _balance_status(server, kiosk_id: int, secret: str) -> int:
    headers = signing.sign_request(kiosk_id, secret, "GET", "/v1/balance")
    return requests.get(server.url + "/v1/balance", headers=headers, timeout=10).status_code


def test_an_admin_adds_rotates_disables_and_enables_a_kiosk(console, make_staff, server):
    boss = make_staff("boss", "admin")
    name = f"Konter Baru {uuid.uuid4().hex[:4]}"
    console.sign_in(boss)
    console.open("/console/kiosks")
    console.click("#add-kiosk")
    console.type("#name", name)
    console.click("#create")
    assert name in console.text("h1")
    kiosk_id = int(console.text("#kiosk-id"))
    secret = console.text("#secret")
    assert console.text("#server-url") == server.url
    assert console.find("svg.qr path").get_attribute("d").count("z") > 100
    assert _balance_status(server, kiosk_id, secret) == 200
    reveal = console.path
    assert reveal.startswith(f"/console/kiosks/{kiosk_id}/secret?t=")
    assert secret not in console.driver.current_url
    console.driver.refresh()  # a reload shows the same secret: no second kiosk
    assert console.text("#secret") == secret
    assert sum(k.name == name for k in kiosks.list_kiosks(server.ctx)) == 1

    console.open(f"/console/kiosks/{kiosk_id}")
    console.click("#rotate")
    new_secret = console.text("#secret")
    assert new_secret != secret
    console.driver.refresh()  # nor a second rotation
    assert console.text("#secret") == new_secret
    assert _balance_status(server, kiosk_id, secret) == 401
    assert _balance_status(server, kiosk_id, new_secret) == 200
    console.open(reveal)  # the first link died with the rotation
    assert console.status() == 410 and not console.all("#secret")

    console.open(f"/console/kiosks/{kiosk_id}")
    console.click("#disable")
    assert "dinonaktifkan" in console.text(".flash")
    assert console.find("#inactive")
    assert _balance_status(server, kiosk_id, new_secret) == 401
    console.click("#enable")
    assert "aktif lagi" in console.text(".flash")
    assert _balance_status(server, kiosk_id, new_secret) == 200

    with server.ctx.db.read() as session:
        rows = session.scalars(select(ConsoleAudit).where(
            ConsoleAudit.target == f"kiosk {kiosk_id}").order_by(ConsoleAudit.id)).all()
    assert [r.action for r in rows][:4] == ["kiosk.add", "kiosk.rotate_secret",
                                            "kiosk.disable", "kiosk.enable"]
    assert all(secret not in r.after and new_secret not in r.after for r in rows)
    assert json.loads(rows[1].after) == {"secret_generation": 2}


def test_a_desk_user_may_not_manage_kiosks(console, make_staff, server):
    kiosk = server.create_kiosk(f"Konter Meja {uuid.uuid4().hex[:4]}")
    desk = make_staff("meja", "desk")
    console.sign_in(desk)
    console.open(f"/console/kiosks/{kiosk.kiosk_id}")
    assert not console.all("#rotate") and not console.all("#disable")
    console.open("/console/kiosks-new")
    assert console.status() == 403
    http = requests.Session()
    for cookie in console.driver.get_cookies():
        http.cookies.set(cookie["name"], cookie["value"])
    reply = http.post(f"{server.url}/console/kiosks/{kiosk.kiosk_id}/rotate",
                      data={"csrf": "x"}, allow_redirects=False)
    assert reply.status_code == 403
    assert _balance_status(server, kiosk.kiosk_id, kiosk.secret) == 200
