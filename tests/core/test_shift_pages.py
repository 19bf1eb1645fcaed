"""Past shifts a page at a time (Riwayat shift): a clerk's pages hold their own shifts
only, full pages, read in SQL rather than filtered after the limit."""

from __future__ import annotations

import pytest

from kiosk_pos.core.records import CartLine, Payment


@pytest.fixture
def sold(kiosk, clerk):
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    return kiosk.users.authenticate("9999")


def test_a_clerks_shift_pages_hold_their_own_shifts_only(kiosk, clerk, sold):
    owner = sold
    for _ in range(3):
        kiosk.shifts.open(clerk, 0)
        kiosk.shifts.close(clerk, 0)
        for _ in range(2):
            kiosk.shifts.open(owner, 0)
            kiosk.shifts.close(owner, 0)
    first = kiosk.shifts.list(clerk, 2)
    assert len(first) == 2 and {s.opened_by for s in first} == {"kasir"}
    rest = kiosk.shifts.list(clerk, 2, before=first[-1].id)
    assert [s.opened_by for s in rest] == ["kasir"]
    assert len(kiosk.shifts.list(owner, 50)) == 9 + 1  # every shift, the sales' implicit one too
