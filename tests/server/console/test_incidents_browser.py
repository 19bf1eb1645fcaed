"""Events and incidents end to end: a supplier that stops answering raises ONE incident for
its operator (however many calls fail), the desk acknowledges and resolves it with a note
in a real Chromium, and every step is on its timeline and in the audit log. SQLite and
PostgreSQL; this module's server talks to a failing supplier."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from distributor_server import incident_rules, incidents, kiosks, topups
from distributor_server.clock import utcnow
from distributor_server.embedded import EmbeddedServer, start_embedded
from distributor_server.models import ConsoleAudit, Event, Incident, TopUp, UpstreamCall
from distributor_server.upstream import Upstream, UpstreamResult, UpstreamUnavailable
from pulsa_protocol import wire
from sqlalchemy import func, select

from tests.aids.waiting import wait_for

SKU = "TSEL10"  # a telkomsel product of the demo price list


class DeadSupplier(Upstream):
    """Every call times out (the supplier is down); counts the calls."""

    name = "dead-supplier"

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def send(self, ref_id: str, sku: str, destination: str) -> UpstreamResult:
        with self._lock:
            self.calls += 1
        raise UpstreamUnavailable("simulated timeout: the supplier did not answer")

    def balance(self) -> int | None:
        return 400_000  # and our deposit there is running out


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[EmbeddedServer]:
    if request.param == "sqlite":
        where = tmp_path_factory.mktemp("incidents")
        url, key_file = f"sqlite:///{where / 'server.sqlite3'}", where / "master.key"
    else:
        url, key_file = request.getfixturevalue("pg_url"), request.getfixturevalue("pg_key_file")
    handle = start_embedded(url, key_file=key_file, upstream=DeadSupplier(),
                            poll_base_seconds=0.02, poll_max_seconds=0.2)
    try:
        yield handle
    finally:
        handle.stop()


def _failed_calls(server: EmbeddedServer, topup_ids: list[int]) -> int:
    with server.ctx.db.read() as session:
        return session.scalar(select(func.count()).select_from(UpstreamCall).where(
            UpstreamCall.topup_id.in_(topup_ids), UpstreamCall.outcome == "unavailable"))


def _sell(server: EmbeddedServer, count: int) -> list[int]:
    kiosk = kiosks.create_kiosk(server.ctx, f"Konter Gangguan {uuid.uuid4().hex[:4]}")
    kiosks.credit_deposit(server.ctx, kiosk.kiosk_id, 500_000)
    items = [wire.TopUpRequest(ref_id=uuid.uuid4().hex, sku=SKU, destination="081234567890")
             for _ in range(count)]
    topups.submit_topups(server.ctx, kiosk.kiosk_id, items)
    with server.ctx.db.read() as session:
        return list(session.scalars(select(TopUp.id).where(TopUp.kiosk_id == kiosk.kiosk_id)))


def _live_incident(server: EmbeddedServer) -> Incident | None:
    with server.ctx.db.read() as session:
        return session.scalars(select(Incident).where(
            Incident.kind == incident_rules.UPSTREAM_FAILURES,
            Incident.subject == "operator:telkomsel",
            Incident.status.in_(incidents.LIVE))).one_or_none()


def _incidents_of(server: EmbeddedServer, kind: str, subject: str) -> list[Incident]:
    with server.ctx.db.read() as session:
        return list(session.scalars(select(Incident).where(
            Incident.kind == kind, Incident.subject == subject)))


def test_a_failing_supplier_raises_one_incident_resolved_in_the_browser(
        console, make_staff, server):
    ids = _sell(server, 4)
    wait_for(lambda: _failed_calls(server, ids) >= 40, timeout=30,
             what="40 unanswered upstream calls")
    now = utcnow()
    assert incident_rules.run_checks(server.ctx, now) >= 1
    first = _live_incident(server)
    assert first is not None and first.severity == "critical"
    assert "telkomsel" in first.detail and "unanswered" in first.detail
    assert incident_rules.run_checks(server.ctx, now) == 0  # the same minute: no new event
    incident_rules.run_checks(server.ctx, now + timedelta(minutes=1))
    again = _live_incident(server)  # a minute later, still failing: the same incident
    assert again.id == first.id and again.event_count > first.event_count

    low = _incidents_of(server, incident_rules.BALANCE_LOW, "upstream")
    assert low and low[0].amount == 400_000

    desk = make_staff("meja", "desk")
    console.sign_in(desk)
    console.open("/console/")
    assert console.text("#upstream-balance b") == "Rp400.000"
    calls = int(console.text("#upstream-tile small").split()[0].replace(".", ""))
    assert calls >= 40  # today's upstream calls, these unanswered ones among them
    if server.ctx.db.is_sqlite:  # (PostgreSQL is shared with the session's other tests)
        assert console.text("#upstream-tile b") == "0%"
    console.click("#live-incidents")
    assert console.path == "/console/incidents"
    assert "Gangguan supplier" in console.text(f"#incident-{first.id}")
    console.open(f"/console/incidents/{first.id}")
    assert console.text("#status") == "baru"
    assert "panggilan ke supplier dalam 5 menit gagal" in console.text("dl")  # in Indonesian
    console.click("#acknowledge")
    assert "sedang ditangani" in console.text(".flash")
    console.find("#resolve").click()  # no note yet: the browser refuses to send an empty one
    assert console.find("#note").get_attribute("validationMessage")
    assert console.path == f"/console/incidents/{first.id}"
    console.type("#note", "Supplier pulih pukul 10.20, transaksi pending dicek ulang")
    console.click("#resolve")
    assert console.text("#status") == "selesai"
    assert "Supplier pulih" in console.text("#resolution")
    timeline = console.text("#timeline")
    for step in ("Insiden dibuka", "Gangguan supplier", "Sedang ditangani", "Diselesaikan"):
        assert step in timeline
    assert desk.username in timeline
    assert not console.all("#resolve")  # nothing more to do
    with server.ctx.db.read() as session:
        row = session.get(Incident, first.id)
        audit = session.scalars(select(ConsoleAudit.action).where(
            ConsoleAudit.target == f"incident {first.id}").order_by(ConsoleAudit.id)).all()
        steps = session.scalars(select(Event.kind).where(
            Event.incident_id == first.id, Event.who == desk.username)).all()
    assert (row.status, row.resolved_by) == ("resolved", desk.username)
    assert audit == ["incident.ack", "incident.resolve"]
    assert sorted(steps) == ["acknowledged", "resolved"]
    # the supplier is still down: the next minute's event opens a NEW incident
    incident_rules.run_checks(server.ctx, now + timedelta(minutes=2))
    assert _live_incident(server).id != first.id


def test_a_viewer_sees_incidents_but_may_not_resolve_them(console, make_staff, server):
    incident_id = incidents.record_event(server.ctx.db, incident_rules.KIOSK_SILENT,
                                         f"kiosk:{uuid.uuid4().hex[:6]}", "silent for 7 hours")
    viewer = make_staff("pengamat", "viewer")
    console.sign_in(viewer)
    console.open(f"/console/incidents/{incident_id}")
    assert "silent for 7 hours" in console.text()
    assert not console.all("#resolve") and not console.all("#acknowledge")
    csrf = console.driver.execute_script(
        "return document.querySelector('form[action=\"/console/logout\"] input').value")
    console.driver.execute_script(f"""
        const f = document.createElement('form'); f.method = 'post';
        f.action = '/console/incidents/{incident_id}/resolve';
        for (const [k, v] of [['csrf', '{csrf}'], ['note', 'bukan urusan saya']]) {{
          const i = document.createElement('input'); i.name = k; i.value = v; f.append(i); }}
        f.id = 'forged'; f.innerHTML += '<button id="go">go</button>';
        document.body.append(f);""")
    console.click("#go")
    assert console.status() == 403
    with server.ctx.db.read() as session:
        assert session.get(Incident, incident_id).status == "open"
