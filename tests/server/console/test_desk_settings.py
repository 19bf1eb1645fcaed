"""The desk's settings (complaint SLA, incident thresholds) changed in the console's
Pengaturan page in a real Chromium and with ``distributor-server settings``: every process
reads the stored values, each change is audited with before and after, a bad value is one
sentence and changes nothing, only an admin may. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from distributor_server import desk_settings, incident_rules
from distributor_server.cli import main as server_cli
from distributor_server.clock import utcnow
from distributor_server.console import complaint_queries
from distributor_server.console.audit import Actor
from distributor_server.models import ConsoleAudit
from sqlalchemy import select

from tests.server.console.test_complaint_http import _complaint
from tests.server.console.test_console_http import Staff
from tests.server.console.test_incident_rules import _incidents, _kiosk, _old_pending_topup


@pytest.fixture
def defaults_after(server):
    """The settings are the server's, shared by the module's tests: put the defaults back."""
    yield
    desk_settings.change(server.ctx.db, Actor(None, "test"),
                         {s.name: s.default for s in desk_settings.SETTINGS})


def _audits(server) -> list[tuple[str, dict, dict]]:
    with server.ctx.db.read() as session:
        rows = session.execute(select(ConsoleAudit.username, ConsoleAudit.before,
                                      ConsoleAudit.after)
                               .where(ConsoleAudit.action == "settings.change")
                               .order_by(ConsoleAudit.id)).all()
    return [(u, json.loads(b), json.loads(a)) for u, b, a in rows if u != "test"]


def test_an_admin_sets_the_sla_and_a_threshold_in_the_browser(console, make_staff, server,
                                                               defaults_after):
    boss = make_staff("bos", "admin")
    before = len(_audits(server))
    console.sign_in(boss)
    console.click("header nav a[href='/console/settings']")  # waits for the page
    assert console.path == "/console/settings"
    assert console.find("#set-complaint_sla_minutes").get_attribute("value") == "120"
    console.type("#set-complaint_sla_minutes", "30")
    console.type("#set-pending_minutes", "abc")
    console.click("#save-settings")
    assert "tidak ada yang disimpan" in console.text(".flash")
    assert desk_settings.load(server.ctx.db) == desk_settings.DeskSettings()  # nothing kept
    console.type("#set-complaint_sla_minutes", "30")
    console.type("#set-pending_minutes", "60")
    console.click("#save-settings")
    assert "disimpan" in console.text(".flash") and "complaint_sla_minutes" in console.text(
        ".flash")
    kept = desk_settings.load(server.ctx.db)
    assert (kept.complaint_sla_minutes, kept.pending_minutes) == (30, 60)
    audits = _audits(server)[before:]
    assert audits == [(boss.username, {"complaint_sla_minutes": 120, "pending_minutes": 30},
                       {"complaint_sla_minutes": 30, "pending_minutes": 60})]
    console.open("/console/complaints")
    assert "30 menit" in console.text("main")


def test_the_complaint_queue_and_the_rules_follow_the_settings(server, defaults_after):
    row, _kiosk_id = _complaint(server)
    filed = next(c for c in complaint_queries.queue(server.ctx) if c.id == row)
    later = filed.created_at + timedelta(minutes=45)
    assert not filed.late(later)  # two hours by default
    desk_settings.change(server.ctx.db, Actor(None, "t2"), {"complaint_sla_minutes": 30})
    filed = next(c for c in complaint_queries.queue(server.ctx) if c.id == row)
    assert filed.late(later) and filed.sla == timedelta(minutes=30)

    kiosk = _kiosk(server)
    stuck = _old_pending_topup(server, kiosk.kiosk_id, timedelta(minutes=45))
    desk_settings.change(server.ctx.db, Actor(None, "t2"), {"pending_minutes": 60})
    incident_rules.run_checks(server.ctx, utcnow())
    assert not _incidents(server, incident_rules.PENDING_LONG, f"topup:{stuck}")
    desk_settings.change(server.ctx.db, Actor(None, "t2"), {"pending_minutes": 40})
    incident_rules.run_checks(server.ctx, utcnow())
    assert len(_incidents(server, incident_rules.PENDING_LONG, f"topup:{stuck}")) == 1


def test_the_command_line_sets_and_lists(server, capsys, defaults_after):
    where = ["--db", server.ctx.settings.db_url, "--key-file", str(server.ctx.settings.key_file)]
    assert server_cli([*where, "settings", "set", "failure_rate_percent=35",
                       "low_balance=2.500.000"]) == 0
    assert "failure_rate_percent = 35" in capsys.readouterr().out
    kept = desk_settings.load(server.ctx.db)
    assert (kept.failure_rate, kept.low_balance) == (0.35, 2_500_000)
    for bad in (["failure_rate_percent=0"], ["failure_rate_percent=35", "nope=1"],
                ["failure_rate_percent"], ["silent_hours=-1"], ["silent_hours=٣"]):
        assert server_cli([*where, "settings", "set", "complaint_sla_minutes=10", *bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert desk_settings.load(server.ctx.db) == kept  # all or nothing
    assert server_cli([*where, "settings", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["failure_rate_percent"] == 35
    assert _audits(server)[-1][0].startswith("cli")


def test_only_an_admin_opens_the_settings(server, make_staff):
    desk = Staff(server.url, make_staff("meja", "desk"))
    assert desk.get("/console/settings").status_code == 403
    assert desk.post("/console/settings", complaint_sla_minutes="5").status_code == 403
    assert desk_settings.load(server.ctx.db).complaint_sla_minutes == 120
