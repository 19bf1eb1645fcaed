"""Aturan harga driven through its widgets: the owner picks a rule, changes it, sees how
many prices move and confirms; a fixed price below cost is refused with the core's sentence;
saying no saves nothing; the tools menu offers the screen to the owner only."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from kiosk_pos.core.markup_rules import for_kiosk
from kiosk_pos.core.records import ProductKind, Role
from kiosk_pos.session import AppSession
from kiosk_pos.ui.markup_view import KINDS, MarkupView
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.tools import ToolDialogs

KEPT: list[QWidget] = []


@pytest.fixture
def tasks(qtbot):
    manager = TaskManager()
    yield manager
    qtbot.waitUntil(lambda: not manager.busy, timeout=5000)
    manager.shutdown()
    for pool in manager._pools.values():
        pool.shutdown(wait=True)
    KEPT.clear()


def owner_of(kiosk):
    return next(u for u in kiosk.users.list() if u.role is Role.OWNER)


def shown(view, qtbot):
    KEPT.append(view)
    qtbot.addWidget(view)
    view.resize(1000, 640)
    view.show()
    return view


def test_owner_changes_a_rule_after_seeing_how_many_prices_move(qtbot, kiosk, tasks):
    asked: list[str] = []
    view = shown(MarkupView(kiosk, owner_of(kiosk), tasks,
                            confirm=lambda q: asked.append(q) or True), qtbot)
    qtbot.waitUntil(lambda: view.table.rowCount() == 5, timeout=5000)  # the default rules
    row = next(r for r in range(5) if view.table.item(r, 0).text() == "Token PLN")
    view.table.selectRow(row)
    assert KINDS[view.kind.currentIndex()] is ProductKind.PLN and view.fixed.text() == "2500"
    view.fixed.setText("3.000")
    with qtbot.waitSignal(view.saved, timeout=5000) as saved:
        view.save_rule.click()
    assert "harga produk akan berubah" in asked[0]
    moved = {r.sku: r.new for r in saved.args[0]}
    pln20 = kiosk.catalog.catalog.get("PLN20")
    assert moved["PLN20"] == pln20.price == 23_500  # 20.150 + 3.000 -> 23.500
    qtbot.waitUntil(lambda: "harga produk berubah" in view.status.text(), timeout=5000)
    assert any(r.kind is ProductKind.PLN and r.fixed == 3_000
               for r in for_kiosk(kiosk).policy().rules)


def test_fixed_price_refused_below_cost_and_no_saves_nothing(qtbot, kiosk, tasks):
    answers = [False]
    view = shown(MarkupView(kiosk, owner_of(kiosk), tasks,
                            confirm=lambda _q: answers.pop(0) if answers else True), qtbot)
    qtbot.waitUntil(lambda: view.policy is not None, timeout=5000)
    view.sku.setText("TSEL10")
    view.price.setText("100")
    view.save_price.click()
    qtbot.waitUntil(lambda: "di bawah modal" in view.status.text(), timeout=5000)
    view.price.setText("12.750")
    view.save_price.click()  # the first answer is no
    qtbot.waitUntil(lambda: view.status.text() == "Tidak disimpan.", timeout=5000)
    assert kiosk.catalog.catalog.get("TSEL10").price != 12_750
    with qtbot.waitSignal(view.saved, timeout=5000):
        view.save_price.click()
    assert kiosk.catalog.catalog.get("TSEL10").price == 12_750
    qtbot.waitUntil(lambda: view.table.rowCount() == 6, timeout=5000)
    assert [view.table.item(5, c).text() for c in range(3)] == ["Harga tetap", "TSEL10",
                                                                 "Rp12.750"]
    assert len(KINDS) == view.kind.count()


def test_only_the_owner_is_offered_price_rules(qtbot, kiosk, clerk, tasks):
    session = AppSession(kiosk, kiosk.data_dir, printing=False, sync=False, verify=False,
                         backups=False)
    window = QWidget()
    KEPT.append(window)
    qtbot.addWidget(window)

    def texts(user) -> list[str]:
        tools = ToolDialogs(window, session, tasks, notice=lambda _s: None, user=lambda: user,
                            paper_width_changed=lambda _w: None, close_app=lambda: None)
        return [t for t, _ in tools.actions()]

    assert "Aturan harga" in texts(owner_of(kiosk))
    assert "Aturan harga" not in texts(clerk)
