"""The console in a real browser (headless Chromium): sign-in with a TOTP computed here, the
refusals a clerk or an attacker meets, and a deposit ticket confirmed with one click.

Each test runs on SQLite and PostgreSQL (the ``server`` fixture)."""

from __future__ import annotations

import pytest
from distributor_server import kiosks, tickets
from distributor_server.console import sessions, staff
from distributor_server.console.audit import Actor
from distributor_server.models import ConsoleAudit, LedgerEntry
from sqlalchemy import func, select


def test_sign_in_with_password_and_totp_reaches_the_dashboard(console, make_staff):
    boss = make_staff("boss", "admin")
    console.open("/console/kiosks")
    assert console.path == "/console/login"  # signed out: 303 to the sign-in form
    console.submit_password(boss.username, boss.password)
    assert console.find("#code")  # the second step asks for the code
    console.submit_code(boss.code())
    assert console.path == "/console/"
    assert f"Masuk sebagai {boss.username}" in console.text("header")
    cookie = console.driver.get_cookie(sessions.COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    console.open("/console/lang/en?next=/console/kiosks")  # the switch at the top
    assert console.path == "/console/kiosks"
    assert console.text("h1") == "Kiosks" and "Sign out" in console.text("header")


def test_a_wrong_code_and_a_replayed_code_are_refused(console, make_staff, server):
    boss = make_staff("boss", "admin")
    console.submit_password(boss.username, boss.password)
    valid = {boss.code(-1), boss.code(), boss.code(1)}
    wrong = next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919))
                 if c not in valid)
    console.submit_code(wrong)
    assert console.status() == 401
    assert "Kode salah" in console.text("#error")
    used = boss.code()
    console.submit_code(used)
    assert console.path == "/console/"
    console.sign_out()
    console.submit_password(boss.username, boss.password)
    console.submit_code(used)  # the same code again, still inside its 30 s
    assert console.status() == 401
    assert "sudah dipakai" in console.text("#error")
    console.open("/console/")
    assert console.path == "/console/login"


def test_a_wrong_password_is_refused_and_five_lock_the_account_even_for_the_right_one(
        console, make_staff, server):
    desk = make_staff("meja1", "desk")
    console.submit_password(desk.username, "bukan kata sandinya")
    assert console.status() == 401
    assert "Nama pengguna atau kata sandi salah" in console.text("#error")
    console.open("/console/")
    assert console.path == "/console/login"
    # the count lives in the database: failures at another server process count too
    for _ in range(staff.MAX_FAILURES - 2):
        with pytest.raises(staff.StaffError):
            staff.check_password(server.ctx.db, desk.username, "salah sekali lagi ya",
                                 Actor(None, desk.username, "10.0.0.9"))
    console.submit_password(desk.username, "salah sekali lagi ya")
    assert "dikunci" in console.text("#error")
    console.submit_password(desk.username, desk.password)
    assert console.status() == 401
    assert "dikunci" in console.text("#error")


def test_a_desk_user_on_a_finance_page_gets_403(console, make_staff):
    desk = make_staff("meja1", "desk")
    console.sign_in(desk)
    assert "Deposit" not in console.text("header nav")  # not offered either
    console.open("/console/deposits")
    assert console.status() == 403
    assert "tidak boleh membuka halaman ini" in console.text("#error")


def test_a_forged_or_revoked_session_cookie_is_signed_out(console, make_staff):
    boss = make_staff("boss", "admin")
    console.sign_in(boss)
    real = console.driver.get_cookie(sessions.COOKIE)["value"]
    token = real.split(".")[0]
    for forged in (token + "." + "0" * 64, "x" * 43 + "." + real.split(".")[1], "garbage"):
        console.driver.delete_cookie(sessions.COOKIE)
        console.driver.add_cookie({"name": sessions.COOKIE, "value": forged,
                                   "path": "/console/"})
        console.open("/console/kiosks")
        assert console.path == "/console/login", forged
    console.driver.add_cookie({"name": sessions.COOKIE, "value": real, "path": "/console/"})
    console.open("/console/kiosks")
    assert console.path == "/console/kiosks"
    console.sign_out()  # revokes the row: the same cookie is worth nothing now
    console.driver.add_cookie({"name": sessions.COOKIE, "value": real, "path": "/console/"})
    console.open("/console/kiosks")
    assert console.path == "/console/login"


def _ledger_rows(server, kiosk_id):
    with server.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry)
                              .where(LedgerEntry.kiosk_id == kiosk_id))


def test_a_form_without_its_csrf_token_is_refused(console, make_staff, server):
    finance = make_staff("keuangan", "finance")
    kiosk = kiosks.create_kiosk(server.ctx, "Konter Csrf")
    ticket = tickets.create_ticket(server.ctx, kiosk.kiosk_id, 50_000)
    console.sign_in(finance)
    console.open("/console/deposits")
    console.driver.execute_script(
        "document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    console.click(f"#ticket-{ticket.id} button.confirm")
    assert console.status() == 403
    assert "Muat ulang halaman" in console.text("#error")
    assert kiosks.balance(server.ctx, kiosk.kiosk_id).balance == 0
    assert _ledger_rows(server, kiosk.kiosk_id) == 0


def test_a_deposit_ticket_confirmed_in_the_browser_credits_the_kiosk_once(
        console, make_staff, server):
    finance = make_staff("keuangan", "finance")
    kiosk = kiosks.create_kiosk(server.ctx, "Konter Sumber Rejeki")
    ticket = tickets.create_ticket(server.ctx, kiosk.kiosk_id, 250_000)
    console.sign_in(finance)
    console.open("/console/deposits")
    first = console.driver.current_window_handle
    console.driver.switch_to.new_window("tab")  # a second clerk's tab, opened before the click
    console.open("/console/deposits")
    second = console.driver.current_window_handle
    console.driver.switch_to.window(first)
    row = console.find(f"#ticket-{ticket.id}")
    assert "Konter Sumber Rejeki" in row.text
    console.click(f"#ticket-{ticket.id} button.confirm")
    assert console.path == "/console/deposits"
    assert "dikonfirmasi" in console.text(".flash")
    assert not console.all(f"#ticket-{ticket.id}")  # no longer waiting
    console.driver.switch_to.window(second)  # the stale tab confirms the same ticket
    console.click(f"#ticket-{ticket.id} button.confirm")
    assert "sudah dikonfirmasi" in console.text(".flash.error")
    assert kiosks.balance(server.ctx, kiosk.kiosk_id).balance == ticket.amount_to_transfer
    assert _ledger_rows(server, kiosk.kiosk_id) == 1
    with server.ctx.db.read() as session:
        audit = session.scalars(select(ConsoleAudit).where(
            ConsoleAudit.action == "deposit.confirm",
            ConsoleAudit.target == f"ticket {ticket.id}")).all()
    assert [a.username for a in audit] == [finance.username]
    console.open(f"/console/kiosks/{kiosk.kiosk_id}")
    assert console.text("#balance") == f"Rp{ticket.amount_to_transfer:,}".replace(",", ".")
