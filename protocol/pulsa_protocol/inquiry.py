"""The name check (inquiry, "cek ID PLN"): who a destination belongs to, before money moves.

``POST /v1/inquiries`` (signed like every ``/v1`` request, rate limited as ``inquiry``) with
an :class:`InquiryRequest` ``{"sku", "destination"}`` answers 200 :class:`InquiryReply`:

- ``found``: ``name`` is the account holder (PLN: the customer, with ``segment_power`` the
  tariff/daya such as ``R1/1300VA``, and ``meter_no`` / ``subscriber_id``; e-wallet: the
  account name);
- ``not_found``: the supplier says no such meter, customer id or account (check the number);
- ``unavailable``: no answer could be had (the supplier is down, slow, or offers no name check
  for that product). Nothing is known: the sale may go on.

Refusals are :class:`~pulsa_protocol.wire.ErrorBody` 422s: ``unknown_sku``, ``bad_destination``,
``wrong_operator`` (the rules of :mod:`pulsa_protocol.destinations`), or ``no_inquiry`` when the
product has no name to check (pulsa and data: a phone number has no holder name on offer).
An inquiry changes nothing and costs nothing; it may be repeated at will.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pulsa_protocol.destinations import EWALLET, PLN, check_destination, clean_digits
from pulsa_protocol.wire import TEXT_PATTERN, ProductKind

INQUIRY_PATH = "/inquiries"
RATE_BUCKET = "inquiry"
NO_INQUIRY = "no_inquiry"
"""``code`` of the 422 for a product that has no name check (pulsa, data, goods)."""
INQUIRY_KINDS = frozenset({PLN, EWALLET})
MAX_NAME = 100
_DESTINATION_SHAPE = re.compile(r"\+?[0-9]{10,15}")
_SEGMENT_POWER = re.compile(r"[A-Z0-9]{1,4} ?/ ?[0-9]{1,10} ?(VA)?", re.IGNORECASE)


class InquiryStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


class NoInquiry(ValueError):
    """The product's kind has no name check."""


def has_inquiry(kind: str) -> bool:
    """True for the kinds whose destination has a name to check: PLN and e-wallets."""
    return str(kind) in INQUIRY_KINDS


def check_inquiry_destination(kind: str, operator: str | None, raw: str) -> str:
    """The normalised destination to check for a product of ``kind``/``operator``.

    Raises :class:`NoInquiry` for kinds without a name check, else the destination rules'
    :class:`~pulsa_protocol.destinations.DestinationError` (a phone number for PLN, ...)."""
    if not has_inquiry(kind):
        raise NoInquiry(str(kind))
    return check_destination(str(kind), operator, raw)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class InquiryRequest(_Strict):
    """Body of ``POST /v1/inquiries``. Unknown fields are refused."""

    sku: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._\-]+$")
    destination: str = Field(
        min_length=1, max_length=40, pattern=TEXT_PATTERN,
        description="a PLN meter number (11 digits) or customer id (12), or an e-wallet's "
                    "phone number; spaces, dashes, dots and brackets are ignored")

    @field_validator("destination")
    @classmethod
    def _digits_only(cls, value: str) -> str:
        if not _DESTINATION_SHAPE.fullmatch(clean_digits(value)):
            raise ValueError("must be 10-15 ASCII digits (an optional leading +), "
                             "with spaces, dashes, dots or brackets between them")
        return value


class InquiryReply(_Strict):
    """What the distributor found for one destination (see the module docstring)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    sku: str
    destination: str = Field(description="normalised (08..., or the PLN id)")
    kind: ProductKind
    status: InquiryStatus
    name: str = Field(default="", max_length=MAX_NAME, pattern=TEXT_PATTERN)
    segment_power: str = Field(default="", max_length=20, pattern=TEXT_PATTERN,
                               description="PLN tariff/daya, e.g. R1/1300VA")
    meter_no: str = Field(default="", max_length=20, pattern=r"^[0-9]*$")
    subscriber_id: str = Field(default="", max_length=20, pattern=r"^[0-9]*$")
    message: str = Field(default="", max_length=300, pattern=TEXT_PATTERN)

    @model_validator(mode="after")
    def _name_when_found(self) -> InquiryReply:
        if self.status is InquiryStatus.FOUND and not self.name:
            raise ValueError("a found destination carries its holder's name")
        if self.status is not InquiryStatus.FOUND and (self.name or self.segment_power):
            raise ValueError("only a found destination carries a name")
        return self


def tidy_segment_power(raw: str) -> str:
    """``R1 /000001300`` (Digiflazz) or ``r1/1300`` -> ``R1/1300VA``; other text unchanged."""
    text = " ".join(raw.split())
    if not _SEGMENT_POWER.fullmatch(text):
        return text[:20]
    tariff, _, power = text.upper().replace(" ", "").removesuffix("VA").partition("/")
    return f"{tariff}/{int(power)}VA"
