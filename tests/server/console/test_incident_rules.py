"""The incident rules: each situation the desk must hear about becomes one incident (however
often the minute's check sees it), refused kiosk requests are noticed without a database
write each, and no rule reads a table's whole history (query plans). SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
import requests
from distributor_server import incident_rules, kiosks, request_watch, tickets, topups
from distributor_server.clock import utcnow
from distributor_server.embedded import EmbeddedServer
from distributor_server.models import DepositTicket, Incident, TopUp
from pulsa_protocol import signing, wire
from sqlalchemy import event, select, text, update

from tests.aids.waiting import wait_for

GROWING = ("topups", "upstream_calls", "deposit_tickets", "events", "ledger_entries",
           "incidents", "changes")


def _incidents(server: EmbeddedServer, kind: str, subject: str) -> list[Incident]:
    with server.ctx.db.read() as session:
        return list(session.scalars(select(Incident).where(
            Incident.kind == kind, Incident.subject == subject)))


def _kiosk(server: EmbeddedServer, deposit: int = 200_000) -> kiosks.KioskCredentials:
    made = kiosks.create_kiosk(server.ctx, f"Konter Aturan {uuid.uuid4().hex[:5]}")
    if deposit:
        kiosks.credit_deposit(server.ctx, made.kiosk_id, deposit)
    return made


def _old_pending_topup(server: EmbeddedServer, kiosk_id: int, age: timedelta) -> int:
    item = wire.TopUpRequest(ref_id=uuid.uuid4().hex, sku="TSEL10", destination="081234567893")
    topups.submit_topups(server.ctx, kiosk_id, [item])
    with server.ctx.db.write() as session:
        topup_id = session.scalar(select(TopUp.id).where(TopUp.ref_id == item.ref_id))
        # still pending, and not due again for an hour: the sender leaves it alone
        session.execute(update(TopUp).where(TopUp.id == topup_id).values(
            created_at=utcnow() - age, status="pending",
            next_check_at=utcnow() + timedelta(hours=1)))
    return topup_id


def test_a_topup_pending_too_long_is_one_incident_however_often_it_is_checked(server):
    kiosk = _kiosk(server)
    stuck = _old_pending_topup(server, kiosk.kiosk_id, timedelta(minutes=45))
    fresh = _old_pending_topup(server, kiosk.kiosk_id, timedelta(minutes=5))
    now = utcnow()
    for minute in range(3):
        incident_rules.check_pending(server.ctx, now + timedelta(minutes=minute))
    found = _incidents(server, incident_rules.PENDING_LONG, f"topup:{stuck}")
    assert len(found) == 1 and found[0].event_count == 1
    assert found[0].kiosk_id == kiosk.kiosk_id and "pending for 4" in found[0].detail
    assert not _incidents(server, incident_rules.PENDING_LONG, f"topup:{fresh}")


def test_a_ticket_left_open_past_its_expiry_and_a_silent_kiosk_are_incidents(server):
    kiosk = _kiosk(server)
    ticket = tickets.create_ticket(server.ctx, kiosk.kiosk_id, 100_000)
    paid = tickets.create_ticket(server.ctx, kiosk.kiosk_id, 150_000)
    tickets.confirm_ticket(server.ctx, paid.id)
    with server.ctx.db.write() as session:
        session.execute(update(DepositTicket).where(DepositTicket.id.in_([ticket.id, paid.id]))
                        .values(expires_at=utcnow() - timedelta(hours=2)))
    quiet = _kiosk(server)
    _old_pending_topup(server, quiet.kiosk_id, timedelta(hours=8))
    never = _kiosk(server, deposit=0)  # never heard from: not "silent", just not set up
    incident_rules.run_checks(server.ctx)
    incident_rules.run_checks(server.ctx)
    unmatched = _incidents(server, incident_rules.TICKET_UNMATCHED, f"ticket:{ticket.id}")
    assert len(unmatched) == 1 and unmatched[0].amount == ticket.amount_to_transfer
    assert not _incidents(server, incident_rules.TICKET_UNMATCHED, f"ticket:{paid.id}")
    silent = _incidents(server, incident_rules.KIOSK_SILENT, f"kiosk:{quiet.kiosk_id}")
    assert len(silent) == 1 and "8 hours" in silent[0].detail
    assert not _incidents(server, incident_rules.KIOSK_SILENT, f"kiosk:{never.kiosk_id}")
    assert not _incidents(server, incident_rules.KIOSK_SILENT, f"kiosk:{kiosk.kiosk_id}")


def test_bad_signatures_from_one_address_and_a_kiosks_clock_off_are_incidents(server):
    request_watch.forget()
    kiosk = _kiosk(server)
    for _ in range(request_watch.BAD_SIGNATURE_BURST + 2):
        headers = signing.sign_request(kiosk.kiosk_id, "not-the-secret", "GET", "/v1/balance")
        assert requests.get(server.url + "/v1/balance", headers=headers,
                            timeout=10).status_code == 401
    found = wait_for(lambda: _incidents(server, incident_rules.BAD_SIGNATURES,
                                        "address:127.0.0.1"), what="the bad-signature incident")
    assert len(found) == 1 and "wrong signature" in found[0].detail
    stale = int(utcnow().timestamp()) - 3600  # the kiosk's clock is an hour behind
    for _ in range(3):
        headers = signing.sign_request(kiosk.kiosk_id, kiosk.secret, "GET", "/v1/balance",
                                    timestamp=stale)
        assert requests.get(server.url + "/v1/balance", headers=headers,
                            timeout=10).status_code == 401
    clock = wait_for(lambda: _incidents(server, incident_rules.KIOSK_CLOCK,
                                        f"kiosk:{kiosk.kiosk_id}"), what="the clock incident")
    assert len(clock) == 1 and clock[0].event_count == 1 and "-36" in clock[0].detail


def _captured(server: EmbeddedServer, call: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(server.ctx.db.engine, "before_cursor_execute", before)
    try:
        call()
    finally:
        event.remove(server.ctx.db.engine, "before_cursor_execute", before)
    return seen


def _plan(server: EmbeddedServer, statement: str, params: Any) -> str:
    with server.ctx.db.engine.connect() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        if server.ctx.db.is_sqlite:
            cur.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            return "\n".join(str(row[3]) for row in cur.fetchall())
        cur.execute("SET enable_seqscan = off")  # what the planner CAN do with the indexes
        cur.execute(f"EXPLAIN {statement}", params)
        plan = "\n".join(str(row[0]) for row in cur.fetchall())
        conn.execute(text("RESET enable_seqscan"))
        return plan


def test_the_periodic_checks_read_windows_through_indexes(server):
    kiosk = _kiosk(server)
    _old_pending_topup(server, kiosk.kiosk_id, timedelta(minutes=40))
    tickets.create_ticket(server.ctx, kiosk.kiosk_id, 80_000)
    if not server.ctx.db.is_sqlite:  # SQLite without statistics takes the best-fit index
        with server.ctx.db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    queries = _captured(server, lambda: incident_rules.run_checks(server.ctx))
    assert len(queries) >= 5
    for statement, params in queries:
        plan = _plan(server, statement, params)
        for table in GROWING:
            assert f"SCAN {table}" not in plan and f"Seq Scan on {table}" not in plan, (
                f"{statement}\n{plan}")


@pytest.fixture(autouse=True)
def _no_watch_counts() -> None:
    request_watch.forget()


def test_the_command_line_runs_the_rules_and_lists_incidents_with_their_status(
        server, capsys):
    from distributor_server.cli import main

    kiosk = _kiosk(server)
    stuck = _old_pending_topup(server, kiosk.kiosk_id, timedelta(hours=1))
    where = ["--db", server.ctx.settings.db_url, "--key-file", str(server.ctx.settings.key_file)]
    capsys.readouterr()
    assert main([*where, "incidents", "check"]) == 0
    assert "event(s) recorded" in capsys.readouterr().out
    assert main([*where, "incidents", "list", "--json"]) == 0
    listed = [i for i in json.loads(capsys.readouterr().out) if i["subject"] == f"topup:{stuck}"]
    assert [(i["kind"], i["status"]) for i in listed] == [(incident_rules.PENDING_LONG, "open")]
