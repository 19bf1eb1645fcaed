"""Kiosks and distributors update at different times: against a server older than the
day's summary (its path unknown: 404), reconcile compares the day's lists as it always did,
and finds what it always found. Real HTTP to a real server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributor_server.api import routes_topups
from distributor_server.embedded import EmbeddedServer

from kiosk_pos.sync.pull import pull
from kiosk_pos.sync.reconcile import reconcile_day
from kiosk_pos.sync.relay import relay_all
from tests.aids.distributor import running_distributor, wait_final

SUMMARY_PATH = "/v1/transactions/summary"


@pytest.fixture(scope="module")
def distributor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    """This module's server (``make_shop`` connects to it), built as an older one was:
    without the summary's route."""
    folder = tmp_path_factory.mktemp("older-distributor")
    routes = routes_topups.router.routes
    routes_topups.router.routes = [r for r in routes if getattr(r, "path", "") != SUMMARY_PATH]
    assert len(routes_topups.router.routes) == len(routes) - 1
    try:
        with running_distributor(folder) as handle:
            yield handle
    finally:
        routes_topups.router.routes = routes


def test_the_older_server_does_not_know_the_summary(make_shop) -> None:
    shop = make_shop()
    start = shop.kiosk.clock()
    assert shop.client.day_summary(start, start, start - start, start) is None


def test_reconcile_against_an_older_server_compares_the_lists(make_shop) -> None:
    shop = make_shop()
    refs = [shop.sell(to=n).topups[0].ref_id for n in ("081234567890", "081234567892")]
    relay_all(shop.kiosk, shop.client)
    for ref in refs:
        wait_final(shop.client, ref)
    assert pull(shop.kiosk, shop.client).complete
    waiting = shop.sell(to="081234567895").topups[0].ref_id  # sold offline, not sent yet
    result = reconcile_day(shop.kiosk, shop.client)
    assert sorted(f.ref_id for f in result.matched) == sorted(refs)
    assert [(f.ref_id, f.action) for f in result.missing_on_server] == [(waiting, "queued")]
    assert [(d.side, d.reference) for d in result.differences] == [("local", waiting)]
    assert result.unexplained == 0
