"""A long catch-up fetches the next page of the feed while it applies this one (issue 12);
what a clerk relies on stays: every change applied once and in order, the cursor kept with
what was applied, and no fetch left running once the pull returns (the client is not shared
between threads). Real HTTP to a real server on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import cursor
from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.relay import relay_all
from tests.aids.distributor import local_topups, wait_final

PAGE = 4


def _fetching_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pull-ahead")]


def _sold_and_final(shop, count: int) -> list[str]:
    refs = [shop.sell(to=f"0812345678{n:02d}").topups[0].ref_id for n in range(count)]
    relay_all(shop.kiosk, shop.client)
    for ref in refs:
        wait_final(shop.client, ref)
    return refs


def test_a_catch_up_over_many_pages_applies_every_change_once(make_shop) -> None:
    shop = make_shop()
    refs = _sold_and_final(shop, 6)
    server_changes = shop.client.balance().change_seq
    done = pull(shop.kiosk, shop.client, limit=PAGE)
    assert done.complete and done.changes_applied == server_changes > 3 * PAGE
    assert cursor(shop.kiosk) == server_changes
    statuses = local_topups(shop.kiosk)
    assert all(statuses[ref][0] in ("success", "failed") for ref in refs)
    assert _fetching_threads() == []
    again = pull(shop.kiosk, shop.client, limit=PAGE)
    assert again.complete and again.changes_applied == 0


def test_a_failed_page_keeps_what_was_applied_and_leaves_no_fetch_running(
        make_shop, monkeypatch) -> None:
    shop = make_shop()
    _sold_and_final(shop, 6)
    server_changes = shop.client.balance().change_seq
    real = change_feed.apply_page
    calls = {"n": 0}

    def second_page_fails(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(change_feed, "apply_page", second_page_fails)
    with pytest.raises(OSError):
        pull(shop.kiosk, shop.client, limit=PAGE)
    assert _fetching_threads() == []
    assert cursor(shop.kiosk) == PAGE  # the first page and its cursor, nothing of the second
    monkeypatch.setattr(change_feed, "apply_page", real)
    rest = pull(shop.kiosk, shop.client, limit=PAGE)
    assert rest.complete and rest.changes_applied == server_changes - PAGE
    assert cursor(shop.kiosk) == server_changes
