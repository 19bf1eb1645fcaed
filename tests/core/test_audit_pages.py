"""The owner's audit viewer reads the trail a page at a time: newest first, by local days,
one person's or one kind of action, through the created_at index (never the whole table)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk_pos.core import audit
from kiosk_pos.core.errors import PermissionDenied

DAY = date(2026, 11, 20)
# 10:00 on DAY in Jakarta; rows every 30 minutes, alternating people and actions
START = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def trail(kiosk):
    owner = kiosk.users.authenticate("9999")
    clerk = kiosk.users.authenticate("1111")
    with kiosk.db.write_raw() as cur:
        for i in range(130):  # 65 hours: DAY, the next two days and a bit
            who = owner if i % 2 else clerk
            action = "shift.opened" if i % 5 == 0 else "cash.in" if i % 5 == 1 else "user.login"
            audit.record(cur, action, who, START + timedelta(minutes=30 * i), n=i)
    return owner, clerk


def _numbers(page) -> list[int]:
    return [e.detail["n"] for e in page.entries]


def test_pages_walk_the_days_newest_first_without_gaps_or_repeats(kiosk, trail):
    owner, _clerk = trail
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        page = kiosk.audit.page(owner, DAY, DAY + timedelta(days=1), after=after, size=20)
        seen += _numbers(page)
        pages += 1
        if not page.more:
            break
        after = page.cursor
    # DAY from 10:00 local (n=0) to the end of the next local day (n=0..75: 14h + 24h)
    assert seen == list(range(75, -1, -1))
    assert pages == 4


def test_filters_keep_one_person_and_one_kind_of_action(kiosk, trail):
    owner, clerk = trail
    page = kiosk.audit.page(owner, DAY, DAY, who="kasir", action="shift.")
    assert page.entries and all(e.user_name == "kasir" and e.action == "shift.opened"
                                for e in page.entries)
    assert _numbers(page) == [n for n in range(27, -1, -1) if n % 2 == 0 and n % 5 == 0]
    assert kiosk.audit.page(owner, date(2020, 1, 1), date(2020, 1, 2)).entries == []


def test_only_the_owner_reads_the_trail(kiosk, trail):
    _owner, clerk = trail
    with pytest.raises(PermissionDenied):
        kiosk.audit.page(clerk, DAY, DAY)


def test_a_page_is_read_through_the_created_at_index(kiosk, trail):
    owner, _clerk = trail
    sql = audit._PAGE.format(who=" AND a.user_name = ?", action=" AND substr(a.action, 1, ?) = ?")
    with kiosk.db.read_raw() as cur:
        plan = " ".join(str(r[-1]) for r in cur.execute(
            "EXPLAIN QUERY PLAN " + sql,
            ["2026-11-20", "2026-11-21", "9999", "9999", 0, "kasir", 6, "shift.", 51]))
    assert "USING INDEX ix_audit_log_created_at" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "SCAN a" not in plan, plan
