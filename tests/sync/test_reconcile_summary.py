"""Reconcile asks the distributor for the day's summary first (counts and digests) and
downloads the day's lists only when the summary differs from the kiosk's books.

Each case is reconciled twice from the same state: on the kiosk with the summary, and on a
copy of it as if the server were older (no summary: the lists are always compared). What
the owner sees (the result) and what is written (the books) must be the same either way;
with books that agree no list is downloaded, and every kind of difference falls back to the
lists and is found. Real HTTP to a real server on 127.0.0.1.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from distributor_server.models import TopUp as ServerTopUp
from sqlalchemy import text, update

from kiosk_pos.core.clock import day_bounds_utc, to_db
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.reconciliation import LAST_KEY, UNKNOWN_KEY
from kiosk_pos.store.schema import outbox, topups
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.reconcile import Reconciliation, reconcile_day
from kiosk_pos.sync.relay import relay_all
from tests.aids.distributor import wait_final

TABLES = ("topups", "outbox", "deposit_ledger", "topup_events", "sync_state")
FAILING = "081234567892"  # the simulator refuses numbers ending in 2


def _synced(shop, numbers: tuple[str, ...] = ("081234567890", FAILING, "081234567895")
            ) -> list[str]:
    """Sold, sent, finished at the distributor and pulled: the books agree."""
    refs = [shop.sell(to=n).topups[0].ref_id for n in numbers]
    relay_all(shop.kiosk, shop.client)
    for ref in refs:
        wait_final(shop.client, ref)
    assert pull(shop.kiosk, shop.client).complete
    return refs


def _twin(kiosk: Kiosk, folder: Path) -> Kiosk:
    """A second kiosk with the same database, copied with SQLite's backup."""
    folder.mkdir()
    src, dst = sqlite3.connect(kiosk.db.path), sqlite3.connect(folder / DB_FILENAME)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return Kiosk.open(folder)


def _books(kiosk: Kiosk) -> dict[str, list[tuple[Any, ...]]]:
    """What reconciliation may write, with times as "set or not" (the runs differ)."""
    books: dict[str, list[tuple[Any, ...]]] = {}
    with kiosk.db.read() as conn:
        for table in TABLES:
            result = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            names = list(result.keys())
            rows = []
            for row in result:
                values = dict(zip(names, row, strict=True))
                if values.get("name") == LAST_KEY:  # the run's time left out
                    values["value"] = {k: v for k, v in json.loads(values["value"]).items()
                                       if k != "at"}
                if values.get("name") == UNKNOWN_KEY:  # when each was first seen left out
                    values["value"] = {ref: {k: v for k, v in flagged.items()
                                             if k != "first_seen"}
                                       for ref, flagged in json.loads(values["value"]).items()}
                rows.append(tuple((v is not None) if k.endswith("_at") else v
                                  for k, v in values.items()))
            books[table] = rows
    return books


class _Downloads:
    """Counts the list downloads of a client (``/v1/transactions`` and ``/v1/ledger``)."""

    def __init__(self, client, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        for name in ("transactions", "ledger"):
            monkeypatch.setattr(client, name, self._counted(name, getattr(client, name)))

    def _counted(self, name: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            self.calls.append(name)
            return call(*args)

        return counted


def _both_ways(shop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> tuple[Reconciliation, list[str]]:
    """Reconcile the kiosk with the summary and a copy of it without; check both agree.
    Returns the first run's result and the lists it downloaded."""
    twin = _twin(shop.kiosk, tmp_path / "twin")
    try:
        downloads = _Downloads(shop.client, monkeypatch)
        summed = reconcile_day(shop.kiosk, shop.client)
        asked = list(downloads.calls)
        monkeypatch.setattr(shop.client, "day_summary", lambda *_args: None)
        listed = reconcile_day(twin, shop.client)
        assert summed.to_json() == listed.to_json()
        assert _books(shop.kiosk) == _books(twin)
    finally:
        twin.close()
    return summed, asked


def _tamper_server(shop, ref: str, **values: Any) -> None:
    with shop.server.ctx.db.write() as session:
        session.execute(update(ServerTopUp).where(ServerTopUp.kiosk_id == shop.kiosk_id,
                                                  ServerTopUp.ref_id == ref).values(**values))


def test_books_that_agree_are_reconciled_without_downloading_a_list(
        make_shop, tmp_path, monkeypatch) -> None:
    shop = make_shop()
    refs = _synced(shop)
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert asked == []
    assert sorted(f.ref_id for f in result.matched) == sorted(refs)
    assert result.ok and result.differences == [] and result.unexplained == 0
    assert result.local_balance == result.server_balance


def test_an_outbox_row_not_marked_sent_is_marked_as_the_lists_would(
        make_shop, tmp_path, monkeypatch) -> None:
    shop = make_shop()
    ref = _synced(shop)[0]
    with shop.kiosk.db.write() as conn:  # answered, but the relay died before noting it
        conn.execute(update(outbox).values(sent_at=None))
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert asked == [] and ref in {f.ref_id for f in result.matched}
    assert shop.kiosk.sales.queue_length() == 0


def test_the_kiosks_own_unmatched_rows_are_explained_without_the_lists(
        make_shop, tmp_path, monkeypatch) -> None:
    shop = make_shop()
    _synced(shop)
    shop.kiosk.deposit.credit(75_000, reference="counted by hand")  # the server never saw it
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert asked == []
    assert [(d.side, d.amount) for d in result.differences] == [("local", 75_000)]
    assert result.difference == 75_000 and result.unexplained == 0


@pytest.mark.parametrize("kind", ["status", "price", "sn"])
def test_one_field_differing_falls_back_to_the_lists(
        make_shop, tmp_path, monkeypatch, kind: str) -> None:
    shop = make_shop()
    ref = _synced(shop)[0]  # a success
    change = {"status": {"status": "failed"}, "price": {"price": 9_999},
              "sn": {"sn": "SN-CHANGED-AT-THE-DESK"}}[kind]
    _tamper_server(shop, ref, **change)
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert "transactions" in asked
    if kind == "status":
        assert [f.ref_id for f in result.resolved] == [ref]
    elif kind == "price":
        assert [(f.ref_id, f.server_price) for f in result.price_mismatch] == [(ref, 9_999)]
    else:
        assert ref in {f.ref_id for f in result.matched}
        with shop.kiosk.db.read() as conn:
            (sn,) = conn.execute(text("SELECT sn FROM topups WHERE ref_id = :r"),
                                 {"r": ref}).one()
        assert sn == "SN-CHANGED-AT-THE-DESK"


def test_a_top_up_missing_at_the_distributor_falls_back_and_is_requeued(
        make_shop, tmp_path, monkeypatch) -> None:
    shop = make_shop()
    _synced(shop)
    lost = shop.sell(to="081234567893").topups[0].ref_id
    with shop.kiosk.db.write() as conn:  # believed sent; the distributor never got it
        conn.execute(update(outbox).values(sent_at=to_db(shop.kiosk.clock())))
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert asked == ["transactions"]  # the mirrored ledger rows agree; the lost one is local
    assert [(f.ref_id, f.action) for f in result.missing_on_server] == [(lost, "requeued")]
    assert [(d.side, d.reference) for d in result.differences] == [("local", lost)]


def test_a_sale_made_offline_and_not_sent_yet_falls_back(make_shop, tmp_path,
                                                          monkeypatch) -> None:
    shop = make_shop()
    _synced(shop)
    waiting = shop.sell(to="081234567894").topups[0].ref_id
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert "transactions" in asked
    assert [(f.ref_id, f.action) for f in result.missing_on_server] == [(waiting, "queued")]


def test_a_sale_sent_after_the_window_falls_back_and_is_found(make_shop, tmp_path,
                                                               monkeypatch) -> None:
    shop = make_shop()
    ref = _synced(shop)[0]
    _, end = day_bounds_utc(shop.kiosk.today(), shop.kiosk.timezone())
    _tamper_server(shop, ref, created_at=end + timedelta(hours=3))  # received tomorrow
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert "transactions" in asked
    assert ref in {f.ref_id for f in result.matched} and result.ok


def test_a_sale_at_the_edge_of_the_day_falls_back_and_is_found(make_shop, tmp_path,
                                                                monkeypatch) -> None:
    shop = make_shop()
    ref = _synced(shop)[0]
    start, _ = day_bounds_utc(shop.kiosk.today(), shop.kiosk.timezone())
    with shop.kiosk.db.write() as conn:  # the kiosk's clock put it a minute before the day
        conn.execute(update(topups).where(topups.c.ref_id == ref)
                     .values(created_at=to_db(start - timedelta(minutes=1))))
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert "transactions" in asked
    assert ref in {f.ref_id for f in result.matched}


def test_a_top_up_unknown_to_the_kiosk_falls_back_and_is_flagged(make_shop, tmp_path,
                                                                  monkeypatch) -> None:
    from pulsa_protocol import wire

    shop = make_shop()
    _synced(shop)
    stranger = "stranger-" + shop.sell(to="081234567896").topups[0].ref_id[:8]
    relay_all(shop.kiosk, shop.client)
    shop.client.submit_topups([wire.TopUpRequest(ref_id=stranger, sku="TSEL5",
                                                 destination="081234567890")])
    wait_final(shop.client, stranger)
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert "transactions" in asked
    assert [f.ref_id for f in result.unknown_locally] == [stranger]


def test_a_deposit_not_pulled_yet_falls_back_to_the_ledger(make_shop, tmp_path,
                                                           monkeypatch) -> None:
    shop = make_shop()
    _synced(shop)
    shop.server.credit_deposit(shop.kiosk_id, 250_000, reference="transfer BCA")
    result, asked = _both_ways(shop, tmp_path, monkeypatch)
    assert asked == ["ledger"]  # the top-ups agree; the ledger does not
    assert [(d.side, d.amount) for d in result.differences] == [("server", -250_000)]
    assert result.unexplained == 0
