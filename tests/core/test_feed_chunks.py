"""A long page of the change feed is applied a chunk at a time, each chunk with its cursor:
the writer is free between chunks (a sale never waits behind a whole page), and after a
failure half-way the kiosk keeps what it applied and re-reads only the rest."""

from __future__ import annotations

import pytest

from kiosk_pos.core import change_feed
from kiosk_pos.core.change_feed import WRITE_CHUNK, FeedChange
from kiosk_pos.core.records import TopUpStatus
from kiosk_pos.core.topups import ServerTopUp


def test_a_failure_half_way_keeps_the_chunks_before_it(kiosk, monkeypatch):
    size = 2 * WRITE_CHUNK + 3
    unknown = ServerTopUp("no-such-ref", "TSEL10", "081234567890", TopUpStatus.SUCCESS)
    bad_seq = WRITE_CHUNK + 5  # in the second chunk
    page = [FeedChange(seq, topup=unknown if seq == bad_seq else None)
            for seq in range(1, size + 1)]

    def broken(_conn, _topup, _out):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(change_feed, "_apply_topup", broken)
    with pytest.raises(RuntimeError):
        change_feed.apply_page(kiosk, page, size, last=False)
    assert change_feed.cursor(kiosk) == WRITE_CHUNK  # the first chunk and its cursor stayed

    monkeypatch.undo()
    done = change_feed.apply_page(kiosk, page, size, last=False)
    assert change_feed.cursor(kiosk) == size
    assert done.changes_applied == size - WRITE_CHUNK  # only what was not applied yet
