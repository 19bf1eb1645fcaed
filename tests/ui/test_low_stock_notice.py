"""A sale that leaves an item at its minimum puts a notice on the counter's notice strip,
read off the GUI thread; a sale of electronic products or of well-stocked goods says
nothing."""

from __future__ import annotations

from kiosk_pos.core.goods import NewGoods
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.ui.low_stock_notice import LowStockNotices
from kiosk_pos.ui.notices import NoticeArea
from kiosk_pos.ui.tasks import TaskManager


def test_running_low_after_a_sale_is_a_notice(qtbot, kiosk, clerk):
    owner = kiosk.users.authenticate("9999")
    kiosk.goods.add(owner, NewGoods("KOPI-1", "Kopi Kapal Api", 2000, 1500, min_stock=3))
    kiosk.stock.receive(owner, "KOPI-1", 5)
    area = NoticeArea()
    qtbot.addWidget(area)
    tasks = TaskManager(area)
    watch = LowStockNotices(kiosk, tasks, area, area)
    try:
        first = kiosk.sales.sell(clerk, [CartLine("KOPI-1", 1)], Payment())  # 4 left
        pulsa = kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        watch.sale_saved(first)
        watch.sale_saved(pulsa)
        low = kiosk.sales.sell(clerk, [CartLine("KOPI-1", 1)], Payment())  # 3: the minimum
        watch.sale_saved(low)
        qtbot.waitUntil(lambda: len(area.notices) == 1 and not tasks.busy, timeout=5000)
        assert len(area.notices) == 1  # the first sale (4 left) and the pulsa said nothing
        text = area.texts()[0]
        assert "Kopi Kapal Api" in text and "tinggal 3" in text and "minimum 3" in text
    finally:
        tasks.shutdown()
