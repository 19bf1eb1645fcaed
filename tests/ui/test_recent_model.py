"""The recent list under the cart touches one row per change: a top-up's new status
repaints its line's row, a new sale is its rows inserted at the top, and the list keeps
the newest sales only."""

from __future__ import annotations

from kiosk_pos.core.records import CartLine, TopUpStatus
from kiosk_pos.core.topups import announce, apply_status
from kiosk_pos.ui.recent import RECENT_LIMIT, RecentModel
from tests.aids.cart import cash, pulsa
from tests.aids.samples import goods_line
from tests.aids.samples import sale as sample_sale
from tests.ui.helpers import TSEL_NUMBER


def _watch(model) -> dict[str, list]:
    seen: dict[str, list] = {"changed": [], "inserted": [], "removed": [], "reset": []}
    model.dataChanged.connect(lambda tl, br, _r=(): seen["changed"].append((tl.row(), br.row())))
    model.rowsInserted.connect(lambda _p, first, last: seen["inserted"].append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: seen["removed"].append((first, last)))
    model.modelReset.connect(lambda: seen["reset"].append(1))
    return seen


def test_a_status_change_repaints_only_its_line(qtbot, window, sales, kiosk, clerk):
    for _ in range(3):
        kiosk.sales.sell(clerk, [pulsa()], cash())
    mixed = kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1), CartLine("TSEL20", 1, TSEL_NUMBER)],
                             cash(100_000))
    model = sales.recent.model
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)
    before = [sales.recent.status_of_row(r) for r in range(5)]
    seen = _watch(model)

    topup = mixed.lines[1].topup  # the mixed sale is newest: its lines are rows 0 and 1
    with kiosk.db.write() as conn:
        change = apply_status(conn, topup.ref_id, TopUpStatus.SUCCESS, sn="0144123")
    announce(kiosk.events, [change], None)
    qtbot.waitUntil(lambda: bool(seen["changed"]), timeout=3000)

    assert seen["changed"] == [(1, 1)] and not seen["reset"] and not seen["inserted"]
    after = [sales.recent.status_of_row(r) for r in range(5)]
    assert after[1] == "Sukses\nSN 0144123"
    assert after[:1] + after[2:] == before[:1] + before[2:]


def test_a_new_sale_is_its_rows_at_the_top(qtbot, window, sales, kiosk, clerk):
    first = kiosk.sales.sell(clerk, [pulsa()], cash())
    model = sales.recent.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    seen = _watch(model)
    kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 2), CartLine("TSEL20", 1, TSEL_NUMBER)],
                     cash(100_000))
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=5000)
    assert seen["inserted"] == [(0, 1)] and not seen["reset"]
    assert sales.recent.text_of_row(0).startswith("2x ")
    assert [s.id for s in sales.recent.sales][1] == first.id


def _two_line_sale(sale_id: int):
    return sample_sale(sale_id, [goods_line(2 * sale_id, "Kabel data", 1, 15_000),
                                 goods_line(2 * sale_id + 1, "Perdana", 1, 5_000)])


def test_the_list_keeps_the_newest_sales(qapp):
    model = RecentModel("Asia/Jakarta")
    made = [_two_line_sale(i) for i in range(1, RECENT_LIMIT + 2)]
    model.set_sales(made[:RECENT_LIMIT])  # ids 1..30, two lines each
    seen = _watch(model)
    newest = made[RECENT_LIMIT]
    assert model.add_sale(newest)
    assert seen["inserted"] == [(0, 1)]
    assert seen["removed"] == [(2 * RECENT_LIMIT, 2 * RECENT_LIMIT + 1)]
    assert len(model.sales) == RECENT_LIMIT and model.sales[0].id == newest.id
    assert model.rowCount() == 2 * RECENT_LIMIT
    assert not model.add_sale(newest)  # announced twice: listed once
