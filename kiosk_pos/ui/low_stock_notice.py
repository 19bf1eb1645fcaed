"""After a sale of goods: a notice when an item it sold is now at or below its minimum
("Stok X tinggal 2"), so the counter can reorder before it runs out (the sale itself says
when the last unit went). One indexed read per sale, off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import ProductKind
from kiosk_pos.i18n import tr
from kiosk_pos.ui.notices import NoticeArea
from kiosk_pos.ui.operations import QueryOp
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:  # the stock module (and goods) load with the first low-stock query
    from kiosk_pos.core.records import SaleRecord
    from kiosk_pos.core.stock import LowStockItem


def low_stock_sentence(item: LowStockItem) -> str:
    return tr("office.notice.running_low", name=item.name, stock=item.stock,
              min_stock=item.min_stock)


class LowStockNotices:
    def __init__(self, kiosk: Kiosk, tasks: TaskManager, notices: NoticeArea,
                 owner: QObject) -> None:
        self._kiosk = kiosk
        self._tasks = tasks
        self._notices = notices
        self._owner = owner  # the operation's parent: it ends with the window

    def sale_saved(self, sale: SaleRecord) -> None:
        skus = [line.sku for line in sale.lines if line.kind is ProductKind.PHYSICAL]
        if not skus:
            return
        stock = self._kiosk.stock
        QueryOp(self._owner, lambda: stock.running_low(skus)).success(self._show
                                                                      ).run(self._tasks)

    def _show(self, items: list[LowStockItem]) -> None:
        for item in items:
            self._notices.show_notice(low_stock_sentence(item))
