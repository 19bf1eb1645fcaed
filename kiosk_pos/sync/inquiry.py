"""The distributor's name check as the core asks for it (:mod:`kiosk_pos.core.name_check`).

Every way of not getting a proven answer (offline, a refusal, a reply not signed by the
distributor, a rate limit) becomes ``NameCheckUnavailable`` with one short sentence of why:
the clerk is told the name could not be checked, and the sale goes on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulsa_protocol.inquiry import InquiryReply

from kiosk_pos.core.name_check import Ask, NameCheckUnavailable
from kiosk_pos.i18n import tr
from kiosk_pos.sync.errors import (
    DistributorNotProven,
    DistributorRejected,
    DistributorUnreachable,
    SyncError,
)

if TYPE_CHECKING:
    from kiosk_pos.sync.client import DistributorClient


def asker(client: DistributorClient | None) -> Ask | None:
    """``client``'s inquiry as an :data:`Ask` (None when the kiosk is not connected)."""
    if client is None:
        return None

    def ask(sku: str, destination: str) -> InquiryReply:
        try:
            return client.inquiry(sku, destination)
        except SyncError as exc:
            raise NameCheckUnavailable(reason(exc)) from None
        except ValueError:  # a SKU the protocol cannot carry: nothing was sent
            raise NameCheckUnavailable(tr("inquiry.reason.cannot_send")) from None

    return ask


def reason(exc: SyncError) -> str:
    """A short sentence for the payment page (the sync errors' own speak of queued sales)."""
    if isinstance(exc, DistributorUnreachable):
        return tr("inquiry.reason.offline")
    if isinstance(exc, DistributorRejected):
        return tr("inquiry.reason.refused")
    if isinstance(exc, DistributorNotProven):
        return tr("inquiry.reason.not_proven")
    return tr("inquiry.reason.malformed")
