"""A failed top-up's notice at the counter: what to hand back, to whom, and the record of
who handed it back and when (the daily report then stops counting it as owed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import TopUpStatus, User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.notices import Notice, NoticeArea, NoticeKind
from kiosk_pos.ui.operations import OpFailure, QueryOp, WriteOp
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:
    from kiosk_pos.core.records import SaleRecord, TopUpRecord


class RefundNotices:
    """Turns a top-up that failed into a notice whose action stores the acknowledgement."""

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, notices: NoticeArea,
                 user: Callable[[], User | None], owner: QObject) -> None:
        self._kiosk = kiosk
        self._tasks = tasks
        self._notices = notices
        self._user = user
        self._owner = owner  # the operations' parent: they end with the window

    def topup_changed(self, topup: TopUpRecord, sale: SaleRecord | None) -> None:
        """``sale`` is the top-up's sale when the screen has it; an older one is read."""
        if topup.status is not TopUpStatus.FAILED:
            return
        ref_id = topup.ref_id
        if sale is not None:
            self.show(self.text(topup, sale), ref_id)
            return
        QueryOp(self._owner, lambda: self._kiosk.sales.by_ref_id(ref_id)).success(
            lambda older: self.show(self.text(topup, older), ref_id)
        ).run(self._tasks)

    def show(self, text: str, ref_id: str) -> Notice:
        return self._notices.show_notice(text, NoticeKind.REFUND,
                                         lambda notice: self._acknowledge(notice, ref_id))

    def _acknowledge(self, notice: Notice, ref_id: str) -> None:
        user = self._user()
        if user is None:
            self._notices.show_notice(tr("notices.ack_needs_user"))
            return
        notice.close_button.setEnabled(False)  # one write per press

        def failed(failure: OpFailure) -> None:
            if notice in self._notices.notices:
                notice.close_button.setEnabled(True)
            self._notices.show_notice(failure.message)

        WriteOp(self._owner,
                lambda: self._kiosk.acknowledgements.acknowledge_refund(ref_id, user)
                ).success(lambda _ack: self._notices.dismiss(notice)).failure(failed
                                                                              ).run(self._tasks)

    @staticmethod
    def text(topup: TopUpRecord, sale: SaleRecord | None) -> str:
        """What to hand back: the price the customer paid, and for which number."""
        line = None
        if sale is not None:
            line = next((ln for ln in sale.lines
                         if ln.topup is not None and ln.topup.ref_id == topup.ref_id), None)
        if line is None:
            return tr("ui.notice.refund_unknown", number=topup.destination, sku=topup.sku)
        return tr("ui.notice.refund", name=line.name, number=topup.destination,
                  amount=line.amount, sale_id=sale.id if sale else 0)
