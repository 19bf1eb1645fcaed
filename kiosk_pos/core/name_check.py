"""The name check (cek ID) before money changes hands: whose PLN meter or e-wallet it is.

The clerk reads the customer's name (and, for PLN, the tariff/daya) back before taking the
money: a token bought for a neighbour's meter is money gone. The distributor asks its
supplier (``POST /v1/inquiries``, :mod:`pulsa_protocol.inquiry`); this module decides what
is checked, with the same destination rules a sale uses, and turns every answer, or the lack
of one, into a :class:`NameCheck`. A name that could not be checked never stops the sale:
the clerk is told so and may go on. Nothing is written.

``ask`` is the distributor's check (:func:`kiosk_pos.sync.inquiry.asker` wraps the client);
it raises :class:`NameCheckUnavailable` when there is no answer. The core imports no
network library.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pulsa_protocol.destinations import EWALLET, PLN

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.phone import validate_destination
from kiosk_pos.core.records import Product
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from pulsa_protocol.inquiry import InquiryReply

    from kiosk_pos.core.catalog import Catalog

Ask = Callable[[str, str], "InquiryReply"]
"""(sku, normalised destination) -> the distributor's reply; NameCheckUnavailable if none."""


class NameCheckUnavailable(Exception):
    """No answer from the distributor (offline, refused, not proven); ``reason`` says why
    in the clerk's language."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason)
        self.reason = reason


class NoNameCheck(KioskError):
    """The product has no name to check (pulsa, data, goods)."""


class NameStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class NameCheck:
    sku: str
    destination: str
    status: NameStatus
    name: str = ""
    segment_power: str = ""  # PLN tariff/daya, "R1/1300VA"
    meter_no: str = ""
    subscriber_id: str = ""
    reason: str = ""  # why not found / not checked, a sentence

    @property
    def found(self) -> bool:
        return self.status is NameStatus.FOUND

    def headline(self) -> str:
        """What the clerk reads, large: the name and daya, or what to do instead."""
        if self.status is NameStatus.FOUND:
            if self.segment_power:
                return tr("inquiry.found_pln", name=self.name, power=self.segment_power)
            return self.name
        if self.status is NameStatus.NOT_FOUND:
            return tr("inquiry.not_found")
        return tr("inquiry.unchecked")

    def as_json(self) -> dict[str, Any]:
        return {"sku": self.sku, "destination": self.destination, "status": self.status.value,
                "name": self.name, "segment_power": self.segment_power,
                "meter_no": self.meter_no, "subscriber_id": self.subscriber_id,
                "reason": self.reason}


CHECKED_KINDS = frozenset({PLN, EWALLET})
"""pulsa_protocol.inquiry.INQUIRY_KINDS, without loading pydantic while the screen starts."""


def needs_name_check(product: Product) -> bool:
    """PLN tokens and e-wallet top-ups: a destination with a holder's name on offer."""
    return product.kind.value in CHECKED_KINDS


def find_product(catalog: Catalog, sku: str) -> Product:
    """The product by SKU as typed, or in upper case (distributor SKUs are upper case)."""
    text = sku.strip()
    product = catalog.by_sku.get(text) or catalog.by_sku.get(text.upper())
    return product if product is not None else catalog.get(text)


def check_name(catalog: Catalog, ask: Ask | None, sku: str, raw_destination: str) -> NameCheck:
    """Check the name behind ``raw_destination`` for ``sku``. Raises KioskError (a sentence)
    for an unknown product, one without a name check, or a destination the sale would
    refuse; every other outcome, "could not check" included, is a NameCheck."""
    from pulsa_protocol.inquiry import InquiryStatus

    product = find_product(catalog, sku)
    if not needs_name_check(product):
        raise NoNameCheck("inquiry.error.no_check", name=product.name)
    destination = validate_destination(product.kind, product.operator, raw_destination,
                                       catalog.prefixes)
    if ask is None:
        return NameCheck(product.sku, destination, NameStatus.UNCHECKED,
                         reason=tr("inquiry.reason.not_connected"))
    try:
        reply = ask(product.sku, destination)
    except NameCheckUnavailable as exc:
        return NameCheck(product.sku, destination, NameStatus.UNCHECKED, reason=exc.reason)
    if reply.status is InquiryStatus.FOUND:
        return NameCheck(product.sku, destination, NameStatus.FOUND, name=reply.name,
                         segment_power=reply.segment_power, meter_no=reply.meter_no,
                         subscriber_id=reply.subscriber_id)
    if reply.status is InquiryStatus.NOT_FOUND:
        return NameCheck(product.sku, destination, NameStatus.NOT_FOUND,
                         reason=tr("inquiry.reason.not_found"))
    return NameCheck(product.sku, destination, NameStatus.UNCHECKED,
                     reason=tr("inquiry.reason.supplier"))
