"""The staff page in a real Chromium: an admin adds a staff member (the authenticator QR
code, URI and recovery codes shown once) who can then sign in with a TOTP computed from that
page; disabling signs them out everywhere and refuses their password; a reset gives a new
password and authenticator secret. Non-admins get 403. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from distributor_server.console import sessions, staff, totp
from distributor_server.console.audit import Actor
from distributor_server.models import ConsoleAudit
from sqlalchemy import select

from tests.server.console.conftest import PASSWORD, StaffLogin


def _actions(server, target: str) -> list[str]:
    with server.ctx.db.read() as session:
        return list(session.scalars(select(ConsoleAudit.action).where(
            ConsoleAudit.target == target, ConsoleAudit.username != "cli")
            .order_by(ConsoleAudit.id)))


def test_an_admin_adds_a_staff_member_who_then_signs_in(console, make_staff, server):
    boss = make_staff("boss", "admin")
    name = f"baru-{uuid.uuid4().hex[:6]}"
    console.sign_in(boss)
    console.open("/console/staff")
    console.find("#add-staff summary").click()
    console.type("#new-username", name)
    console.find("#new-role option[value=desk]").click()
    console.type("#new-password", PASSWORD)
    console.click("#create-staff")
    assert name in console.text("h1")
    uri = console.text("#otpauth")
    assert uri.startswith("otpauth://totp/") and console.all("svg.qr")
    codes = console.text("#recovery-codes").split()
    assert len(codes) == staff.RECOVERY_CODES
    assert _actions(server, name) == ["staff.add"]
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    console.sign_out()
    console.sign_in(StaffLogin(name, PASSWORD, secret, codes))
    assert "layanan" in console.text("header")  # the desk role


def test_disable_signs_out_and_refuses_then_reset_gives_new_credentials(
        console, make_staff, server):
    boss = make_staff("boss", "admin")
    clerk = make_staff("kasir", "desk")
    clerk_token = sessions.start(server.ctx.db, _id(server, clerk.username),
                                 sessions.STAGE_SIGNED_IN)
    console.sign_in(boss)
    console.open("/console/staff")
    assert not console.all(f"#staff-{boss.username} button")  # never on one's own row
    console.click(f"#staff-{clerk.username} button.disable")
    assert "dinonaktifkan" in console.text(".flash")
    assert sessions.lookup(server.ctx.db, clerk_token) is None
    with pytest.raises(staff.StaffError):
        staff.check_password(server.ctx.db, clerk.username, clerk.password, Actor(None, "t"))
    console.click(f"#staff-{clerk.username} button.enable")
    console.find(f"#staff-{clerk.username} summary").click()
    new_password = "teh manis dingin sekali"
    console.type(f"#staff-{clerk.username} input[name=password]", new_password)
    console.click(f"#staff-{clerk.username} button.reset")
    secret = re.search(r"secret=([A-Z2-7]+)", console.text("#otpauth")).group(1)
    assert secret != clerk.secret
    with pytest.raises(staff.StaffError):
        staff.check_password(server.ctx.db, clerk.username, clerk.password, Actor(None, "t"))
    staff_id = staff.check_password(server.ctx.db, clerk.username, new_password,
                                    Actor(None, "t"))
    staff.check_code(server.ctx.db, staff_id, totp.now_code(secret, time.time()),
                     Actor(None, "t"))
    actions = [a for a in _actions(server, clerk.username) if a.startswith("staff.")]
    assert actions == ["staff.disable", "staff.enable", "staff.reset"]


def _id(server, username: str) -> int:
    return next(s.id for s in staff.list_staff(server.ctx.db) if s.username == username)


def test_only_an_admin_opens_the_staff_page(console, make_staff, server):
    finance = make_staff("keuangan", "finance")
    console.sign_in(finance)
    assert "Staf" not in console.text("header nav")
    console.open("/console/staff")
    assert console.status() == 403


def test_reloading_the_reset_page_shows_it_again_and_never_resets_twice(
        console, make_staff, server):
    boss = make_staff("boss", "admin")
    clerk = make_staff("ulang", "desk")
    clerk_id = _id(server, clerk.username)
    console.sign_in(boss)
    console.open("/console/staff")
    console.find(f"#staff-{clerk.username} summary").click()
    console.type(f"#staff-{clerk.username} input[name=password]", "teh manis dingin sekali")
    console.click(f"#staff-{clerk.username} button.reset")
    assert console.path.startswith(f"/console/staff/{clerk_id}/enrolment?t=")  # a GET page
    uri, codes = console.text("#otpauth"), console.text("#recovery-codes").split()
    console.driver.refresh()
    assert (console.text("#otpauth"), console.text("#recovery-codes").split()) == (uri, codes)
    secret = re.search(r"secret=([A-Z2-7]+)", uri).group(1)
    with server.ctx.db.read() as session:
        from distributor_server.models import StaffUser

        assert session.get(StaffUser, clerk_id).totp_secret == secret  # not reset again
    assert [a for a in _actions(server, clerk.username) if a == "staff.reset"] == ["staff.reset"]
    link = console.path
    tampered = link.replace(f"/staff/{clerk_id}/", f"/staff/{_id(server, boss.username)}/")
    console.open(tampered)
    assert console.status() == 410 and not console.all("#otpauth")

    staff.check_code(server.ctx.db, clerk_id, codes[0], Actor(None, "t"))  # a shown code works
    console.open(link)
    assert console.status() == 410 and not console.all("#recovery-codes")  # used: gone
