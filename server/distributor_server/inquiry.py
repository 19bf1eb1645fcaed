"""The name check (inquiry): whose PLN meter or e-wallet account a destination is.

The product decides whether there is a name to check (PLN, e-wallets) and the destination
rules apply as for a top-up (:mod:`distributor_server.destinations`). The supplier's answer
(:meth:`~distributor_server.upstream.base.Upstream.inquire`) becomes ``found`` or
``not_found``; no answer, a slow one or a supplier without a name check is ``unavailable``.
Nothing is written: an inquiry moves no money and leaves no row (its rate budget aside).
"""

from __future__ import annotations

import logging

from pulsa_protocol import wire
from pulsa_protocol.inquiry import (
    NO_INQUIRY,
    InquiryReply,
    InquiryRequest,
    InquiryStatus,
    has_inquiry,
    tidy_segment_power,
)
from sqlalchemy import select

from distributor_server.context import ServerContext
from distributor_server.destinations import DestinationError, check_destination
from distributor_server.models import Product
from distributor_server.upstream.base import UpstreamUnavailable

log = logging.getLogger(__name__)


class InquiryRefused(ValueError):
    """A request that cannot be checked as asked: ``code`` and an English sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _product(ctx: ServerContext, sku: str) -> tuple[str, str, str]:
    with ctx.db.read() as session:
        row = session.execute(select(Product.sku, Product.kind, Product.operator)
                              .where(Product.sku == sku, Product.active.is_(True))).first()
    if row is None:
        raise InquiryRefused(wire.ErrorCode.UNKNOWN_SKU,
                             f"Product {sku} is unknown or not on sale; refresh the price list.")
    return row.sku, row.kind, row.operator


def inquire(ctx: ServerContext, request: InquiryRequest) -> InquiryReply:
    """Check ``request`` with the upstream; InquiryRefused for a bad product or destination."""
    sku, kind, operator = _product(ctx, request.sku.strip().upper())
    if not has_inquiry(kind):
        raise InquiryRefused(NO_INQUIRY, f"{sku} is {kind}: only PLN and e-wallet products "
                                         "have a name to check.")
    try:
        destination = check_destination(kind, operator, request.destination)
    except DestinationError as exc:
        raise InquiryRefused(exc.code, exc.message) from None
    base = {"sku": sku, "destination": destination, "kind": kind}
    try:
        found = ctx.upstream.inquire(sku, kind, destination)
    except UpstreamUnavailable as exc:
        log.info("name check of %s for %s: no answer (%s)", destination, sku, exc)
        return InquiryReply(**base, status=InquiryStatus.UNAVAILABLE,
                            message="The supplier could not check the name now.")
    name = _clean(found.name)[:100]
    if not name:
        return InquiryReply(**base, status=InquiryStatus.NOT_FOUND,
                            message=_clean(found.message)[:300] or "No such customer or account.")
    return InquiryReply(
        **base, status=InquiryStatus.FOUND, name=name,
        segment_power=tidy_segment_power(_clean(found.segment_power)) if kind == "pln" else "",
        meter_no=found.meter_no, subscriber_id=found.subscriber_id,
        message=_clean(found.message)[:300])


def _clean(text: str) -> str:
    """A supplier's text without control characters (the reply model refuses them)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
