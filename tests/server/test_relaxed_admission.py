"""On SQLite, a signed request's admission alone (its nonce and rate window) commits
without a flush of the disk, as it does on PostgreSQL: a kiosk polls all day, and each
flush is one a sale at the counter (the embedded demo shares the disk) may wait behind.
Money never takes that path: a submit and every other write keep the full flush."""

from __future__ import annotations

from pathlib import Path

import pytest
from distributor_server.db import Database
from sqlalchemy import text


def _synchronous(db: Database, **kw: bool) -> int:
    with db.write(**kw) as session:
        return int(session.execute(text("PRAGMA synchronous")).scalar_one())


def test_only_a_relaxed_write_skips_the_flush(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        assert _synchronous(db) == 2  # FULL
        assert _synchronous(db, relaxed=True) == 1  # NORMAL
        assert _synchronous(db) == 2
    finally:
        db.dispose()


def test_a_signed_poll_is_admitted_relaxed_and_a_submit_is_not(
        server, make_kiosk, monkeypatch: pytest.MonkeyPatch) -> None:
    if not server.ctx.db.is_sqlite:
        pytest.skip("PostgreSQL relaxes the admission in its statement (pg_hot)")
    kiosk = make_kiosk(deposit=100_000)  # its account and deposit: ordinary writes, before the spy
    seen: list[bool] = []
    real = Database.write

    def spy(self: Database, *, relaxed: bool = False):  # noqa: ANN202
        seen.append(relaxed)
        return real(self, relaxed=relaxed)

    monkeypatch.setattr(Database, "write", spy)
    assert kiosk.get("/v1/balance").status_code == 200
    assert seen and all(seen), seen
    seen.clear()
    assert kiosk.put_topup("r-relaxed-1", "TSEL10", "081234567890").status_code == 201
    assert seen and not any(seen), seen
