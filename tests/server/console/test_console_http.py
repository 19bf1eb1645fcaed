"""The console's money forms and role checks over plain HTTP (no browser needed): reject
with a reason, manual credit and debit through the kiosk's ledger, refusals that move no
money, the pages' security headers. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import requests
from distributor_server import kiosks, tickets, topups
from distributor_server.clock import local_zone, utcnow
from distributor_server.console.audit import recent
from pulsa_protocol import wire

FLASH = re.compile(r'class="flash( error)?"[^>]*>([^<]+)<')


class Staff:
    """A signed-in staff member's browser, as a requests session."""

    def __init__(self, base_url: str, who) -> None:
        self.base = base_url
        self.http = requests.Session()
        page = self.http.get(f"{base_url}/console/login")
        reply = self.http.post(f"{base_url}/console/login", data={
            "username": who.username, "password": who.password, "csrf": _csrf(page.text)})
        reply = self.http.post(f"{base_url}/console/login",
                               data={"code": who.code(), "csrf": _csrf(reply.text)})
        assert reply.url.endswith("/console/"), reply.text
        self.csrf = _csrf(reply.text)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path)

    def post(self, path: str, **data: str) -> requests.Response:
        return self.http.post(self.base + path, data={"csrf": self.csrf, **data})


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _flash(reply: requests.Response) -> tuple[bool, str]:
    found = FLASH.search(reply.text)
    assert found, reply.text
    return bool(found.group(1)), found.group(2)


@pytest.fixture
def kiosk(server):
    made = kiosks.create_kiosk(server.ctx, "Konter Uji Http")
    kiosks.credit_deposit(server.ctx, made.kiosk_id, 100_000)
    return made.kiosk_id


def test_finance_credits_and_debits_with_a_reason_and_never_below_zero(
        server, make_staff, kiosk):
    finance = Staff(server.url, make_staff("keu", "finance"))
    page = f"/console/kiosks/{kiosk}/adjust"
    error, text = _flash(finance.post(page, direction="credit", amount="Rp25.000",
                                      reason="transfer tunai di kantor"))
    assert not error and "Rp125.000" in text
    error, text = _flash(finance.post(page, direction="debit", amount="200000",
                                      reason="koreksi"))
    assert error and "tidak boleh minus" in text
    error, text = _flash(finance.post(page, direction="debit", amount="5000", reason="  "))
    assert error and "Isi alasannya" in text
    error, text = _flash(finance.post(page, direction="debit", amount="lima ribu",
                                      reason="koreksi"))
    assert error and "Jumlah harus angka" in text
    assert kiosks.balance(server.ctx, kiosk).balance == 125_000
    entries = kiosks.ledger(server.ctx, kiosk).entries
    assert [(e.reason, e.amount) for e in entries] == [("deposit", 100_000), ("deposit", 25_000)]
    assert "transfer tunai di kantor" in entries[-1].reference
    credit = next(a for a in recent(server.ctx.db) if a.action == "ledger.credit"
                  and a.target == f"kiosk {kiosk}")
    assert '"balance": 100000' in credit.before and '"balance": 125000' in credit.after


def test_a_rejected_ticket_needs_a_reason_and_cannot_be_confirmed_after(
        server, make_staff, kiosk):
    finance = Staff(server.url, make_staff("keu", "finance"))
    ticket = tickets.create_ticket(server.ctx, kiosk, 50_000)
    error, text = _flash(finance.post(f"/console/deposits/{ticket.id}/reject", reason=""))
    assert error and "Isi alasannya" in text
    error, _ = _flash(finance.post(f"/console/deposits/{ticket.id}/reject",
                                   reason="tidak ada di mutasi"))
    assert not error
    error, text = _flash(finance.post(f"/console/deposits/{ticket.id}/confirm"))
    assert error and "ditolak" in text
    assert kiosks.balance(server.ctx, kiosk).balance == 100_000
    assert tickets.list_tickets(server.ctx, kiosk)[0].status == "rejected"


@pytest.mark.parametrize("role", ["desk", "viewer"])
def test_desk_and_viewer_cannot_move_money_or_read_the_audit_log(
        server, make_staff, kiosk, role):
    clerk = Staff(server.url, make_staff("meja", role))
    ticket = tickets.create_ticket(server.ctx, kiosk, 50_000)
    for reply in (clerk.post(f"/console/kiosks/{kiosk}/adjust", direction="credit",
                             amount="1000000", reason="x"),
                  clerk.post(f"/console/deposits/{ticket.id}/confirm"),
                  clerk.get("/console/deposits"), clerk.get("/console/audit")):
        assert reply.status_code == 403, reply.url
    assert clerk.get(f"/console/kiosks/{kiosk}").status_code == 200
    assert "adjust" not in clerk.get(f"/console/kiosks/{kiosk}").text  # no form offered
    assert kiosks.balance(server.ctx, kiosk).balance == 100_000


def test_pages_cannot_be_framed_or_cached_and_static_assets_ship(server, make_staff):
    admin = Staff(server.url, make_staff("boss", "admin"))
    reply = admin.get("/console/")
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["Cache-Control"] == "no-store"
    assert admin.get("/console/static/console.css").status_code == 200
    signed_out = requests.get(server.url + "/console/transactions", allow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/console/login"


def test_the_sign_in_form_refuses_a_post_without_its_token(server, make_staff):
    boss = make_staff("boss", "admin")
    reply = requests.post(server.url + "/console/login",
                          data={"username": boss.username, "password": boss.password})
    assert reply.status_code == 403
    assert "console_session" not in reply.cookies


def _listed(reply: requests.Response, destination: str) -> bool:
    return f">{destination}</td>" in reply.text


def test_transactions_are_found_by_a_number_as_typed_a_day_and_a_ref_id(
        server, make_staff, kiosk):
    ref = str(uuid.uuid4())
    topups.submit_topups(server.ctx, kiosk, [wire.TopUpRequest(
        ref_id=ref, sku="TSEL10", destination="081398760011")])  # ends in 1: never failed
    desk = Staff(server.url, make_staff("meja", "desk"))
    today = utcnow().astimezone(local_zone(server.ctx.settings.timezone)).date()
    number = "081398760011"
    assert _listed(desk.get(
        f"/console/transactions?q=%2B62+813-9876-0011&day={today}&kiosk={kiosk}"), number)
    assert _listed(desk.get(f"/console/transactions?q={ref[:8]}"), number)
    assert not _listed(desk.get(
        f"/console/transactions?q={number}&day={today - timedelta(days=1)}"), number)
    assert not _listed(desk.get(
        f"/console/transactions?q={number}&status=failed&kiosk={kiosk}"), number)
    odd = desk.get("/console/transactions?day=kemarin&status=x&kiosk=-1&q=%25%5C_")
    assert odd.status_code == 200  # nonsense filters are ignored, never a 500
