"""Refusals on the desk's newer forms over plain HTTP: every POST without the session's
CSRF token is a 403 that changes nothing, and each role meets 403 where it has no business.
SQLite and PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from distributor_server import incident_rules, incidents, kiosks, products
from distributor_server.models import Incident, Kiosk, PriceRule, Product, StaffUser
from sqlalchemy import func, select

from tests.server.console.test_console_http import Staff


@pytest.fixture
def targets(server):
    kiosk = kiosks.create_kiosk(server.ctx, f"Konter Tolak {uuid.uuid4().hex[:4]}")
    incident = incidents.record_event(server.ctx.db, incident_rules.KIOSK_SILENT,
                                      f"kiosk:{kiosk.kiosk_id}", "silent")
    sku = f"TR{uuid.uuid4().hex[:6].upper()}"
    products.import_products(server.ctx.db, [products.ProductRow(
        sku=sku, name="Uji tolak", kind="pulsa", operator="xl", nominal=5_000, price=6_000)])
    return {"kiosk": kiosk.kiosk_id, "incident": incident, "sku": sku}


def _forms(t: dict) -> list[tuple[str, dict]]:
    return [
        (f"/console/incidents/{t['incident']}/acknowledge", {}),
        (f"/console/incidents/{t['incident']}/resolve", {"note": "beres"}),
        (f"/console/prices/{t['sku']}", {"price": "9000"}),
        ("/console/prices/rules", {"operator": "xl", "markup": "500"}),
        ("/console/prices/apply", {}),
        ("/console/kiosks-new", {"name": "Konter Palsu"}),
        (f"/console/kiosks/{t['kiosk']}/rotate", {}),
        (f"/console/kiosks/{t['kiosk']}/disable", {}),
        ("/console/staff", {"username": "palsu", "role": "admin",
                            "password": "kata sandi yang panjang"}),
        ("/console/deposits/import/apply", {"match": "1:1"}),
    ]


def _state(server, t: dict) -> tuple:
    with server.ctx.db.read() as session:
        return (session.get(Incident, t["incident"]).status,
                session.get(Product, t["sku"]).price,
                session.scalar(select(func.count()).select_from(PriceRule)),
                session.scalar(select(func.count()).select_from(Kiosk)),
                session.get(Kiosk, t["kiosk"]).secret_generation,
                session.get(Kiosk, t["kiosk"]).active,
                session.scalar(select(func.count()).select_from(StaffUser)))


def test_every_new_form_without_its_csrf_token_is_refused(server, make_staff, targets):
    boss = Staff(server.url, make_staff("boss", "admin"))
    before = _state(server, targets)
    for path, data in _forms(targets):
        reply = boss.http.post(server.url + path, data=data, allow_redirects=False)
        assert reply.status_code == 403, path
        assert "Muat ulang halaman" in reply.text, path
        reply = boss.http.post(server.url + path, data={**data, "csrf": "x" * 43},
                               allow_redirects=False)
        assert reply.status_code == 403, path
    assert _state(server, targets) == before


@pytest.mark.parametrize("role, refused", [
    ("viewer", {"incidents/", "prices", "kiosks", "staff", "deposits"}),
    ("desk", {"prices", "kiosks", "staff", "deposits"}),
    ("finance", {"incidents/", "kiosks", "staff"}),
])
def test_each_role_is_refused_where_it_has_no_business(server, make_staff, targets, role,
                                                       refused):
    who = Staff(server.url, make_staff(role, role))
    before = _state(server, targets)
    for path, data in _forms(targets):
        reply = who.post(path, **data)
        area = next(a for a in ("incidents/", "prices", "kiosks", "staff", "deposits")
                    if path.startswith(f"/console/{a}"))
        if area in refused:
            assert reply.status_code == 403, (role, path)
    assert _state(server, targets)[3:] == before[3:]  # no kiosk or staff change
    for page in ("/console/prices", "/console/staff", "/console/kiosks-new"):
        area = page.split("/")[2].split("-")[0]
        assert (who.get(page).status_code == 403) == (area in refused), (role, page)
