"""Every call to the supplier is a row of the top-up's timeline, on both databases, and the
desk command shows how many sends and status checks each top-up took."""

from __future__ import annotations

import json
import uuid

from distributor_server.cli import main
from distributor_server.models import UpstreamCall
from sqlalchemy import select

from tests.aids.waiting import wait_for
from tests.server.conftest import wait_final


def test_sends_and_checks_are_counted_per_topup(server, make_kiosk, capsys, db):
    url, key_file = db
    kiosk = make_kiosk(deposit=50_000)
    at_once, later = uuid.uuid4().hex, uuid.uuid4().hex
    assert kiosk.put_topup(at_once, "TSEL10", "081234567890").status_code == 201
    assert kiosk.put_topup(later, "TSEL10", "081234567893").status_code == 201  # pending first
    assert wait_final(kiosk, at_once)["status"] == "success"
    assert wait_final(kiosk, later)["status"] == "success"
    assert main(["--db", url, "--key-file", str(key_file), "transactions", "--kiosk",
                 str(kiosk.kiosk_id), "--json"]) == 0
    rows = {r["ref_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows[at_once]["sends"], rows[at_once]["checks"]) == (1, 0)
    assert rows[later]["sends"] == 1 and rows[later]["checks"] >= 1

    def whos() -> set[str]:
        with server.ctx.db.read() as session:
            return set(session.scalars(select(UpstreamCall.who)))

    assert wait_for(whos, timeout=5) and all(w.count(":") == 1 for w in whos())


def test_the_worker_command_refuses_sqlite(tmp_path, capsys):
    code = main(["--db", f"sqlite:///{tmp_path / 'w.sqlite3'}", "worker"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "needs PostgreSQL" in err
