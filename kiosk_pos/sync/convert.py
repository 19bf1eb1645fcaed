"""The distributor's wire models turned into the core's plain values.

Sync speaks :mod:`pulsa_protocol.wire`; the core takes values in the shop's words. Each
translation lives here once.
"""

from __future__ import annotations

import logging

from pulsa_protocol import complaints as complaints_wire
from pulsa_protocol import wire

from kiosk_pos.core import deposit
from kiosk_pos.core.change_feed import FeedChange
from kiosk_pos.core.complaints import ServerAnswer
from kiosk_pos.core.ledger_mirror import ServerLedgerRow
from kiosk_pos.core.price_list import PriceListItem
from kiosk_pos.core.records import ProductKind, TopUpStatus
from kiosk_pos.core.topups import ServerTopUp

log = logging.getLogger(__name__)

_LEDGER_REASONS = {
    wire.LedgerReason.TOPUP.value: deposit.REASON_TOPUP,
    wire.LedgerReason.REFUND.value: deposit.REASON_TOPUP_REFUND,
    wire.LedgerReason.DEPOSIT.value: deposit.REASON_DEPOSIT,
    wire.LedgerReason.DEPOSIT_TICKET.value: deposit.REASON_DEPOSIT,
    complaints_wire.LEDGER_REASON: deposit.REASON_COMPLAINT_REFUND,
}


_STATUSES = {w: TopUpStatus(w.value) for w in wire.TopUpStatus}  # a pull converts thousands


def topup(t: wire.TopUp) -> ServerTopUp:
    return ServerTopUp(t.ref_id, t.sku, t.destination, _STATUSES[t.status],
                       sn=t.sn or None, message=t.message or None, price=t.price)


def ledger_row(entry: wire.LedgerEntry) -> ServerLedgerRow:
    """A server ledger row; a reason the kiosk has no word for becomes an ``adjust``."""
    return ServerLedgerRow(entry.seq, entry.amount,
                           _LEDGER_REASONS.get(entry.reason, deposit.REASON_ADJUST),
                           entry.reference or "", entry.balance_after)


def complaint_answer(a: complaints_wire.ComplaintAnswer) -> ServerAnswer:
    return ServerAnswer(a.step_id, a.complaint_id, a.kind.value, a.text, a.sn, a.refund,
                        a.status.value, a.answered_at)


def change(ch: wire.Change) -> FeedChange:
    """A feed change; one of a kind the kiosk does not know carries nothing."""
    if ch.kind == "topup" and ch.topup is not None:
        return FeedChange(ch.seq, topup=topup(ch.topup))
    if ch.kind == "ledger" and ch.ledger is not None:
        return FeedChange(ch.seq, ledger=ledger_row(ch.ledger))
    answer = getattr(ch, "complaint", None)
    if ch.kind == complaints_wire.COMPLAINT_KIND and answer is not None:
        return FeedChange(ch.seq, complaint=complaint_answer(answer))
    log.warning("change %s of unknown kind %r skipped", ch.seq, ch.kind)
    return FeedChange(ch.seq)


def price_item(p: wire.Product) -> PriceListItem:
    """The distributor's price is the kiosk's cost."""
    return PriceListItem(sku=p.sku, name=p.name, kind=ProductKind(p.kind.value),
                         operator=p.operator, nominal=p.nominal, cost=p.price, active=p.active)
