"""The name check's wire types refuse what the server must never act on, on either end."""

from __future__ import annotations

import pytest
from pulsa_protocol.destinations import DestinationError
from pulsa_protocol.inquiry import (
    InquiryReply,
    InquiryRequest,
    NoInquiry,
    check_inquiry_destination,
    has_inquiry,
)
from pydantic import ValidationError


@pytest.mark.parametrize("destination", [
    "52345678901", "523456789012", "0812-3456-7890", "+62 812 3456 7890", " (0812) 3456.7890 ",
])
def test_request_takes_destinations_as_clerks_type_them(destination: str) -> None:
    assert InquiryRequest(sku="PLN20", destination=destination).sku == "PLN20"


@pytest.mark.parametrize("fields", [
    {"sku": "PLN20", "destination": "5234567890１"},          # a full-width digit
    {"sku": "PLN20", "destination": "٥٢٣٤٥٦٧٨٩٠١"},           # Arabic-Indic digits
    {"sku": "PLN20", "destination": "123456789"},              # too short for anything
    {"sku": "PLN20", "destination": "1234567890123456"},       # too long for anything
    {"sku": "PLN20", "destination": "52345678901\x00"},
    {"sku": "PLN 20", "destination": "52345678901"},
    {"sku": "", "destination": "52345678901"},
    {"sku": "PLN20", "destination": "52345678901", "amount": 20000},  # unknown field
    {"sku": "PLN20", "destination": 52345678901},              # not text
])
def test_request_refuses_anything_else(fields: dict) -> None:
    with pytest.raises(ValidationError):
        InquiryRequest.model_validate(fields)


def test_a_found_reply_carries_a_name_and_only_it_does() -> None:
    base = {"sku": "PLN20", "destination": "52345678901", "kind": "pln"}
    assert InquiryReply(**base, status="found", name="SITI").name == "SITI"
    with pytest.raises(ValidationError):
        InquiryReply(**base, status="found")
    with pytest.raises(ValidationError):
        InquiryReply(**base, status="unavailable", name="SITI")
    with pytest.raises(ValidationError):
        InquiryReply(**base, status="found", name="SITI\nRAHAYU")
    with pytest.raises(ValidationError):
        InquiryReply(**base, status="maybe")


def test_only_pln_and_ewallet_have_a_name_and_the_sale_rules_apply() -> None:
    assert has_inquiry("pln") and has_inquiry("ewallet") and not has_inquiry("pulsa")
    assert check_inquiry_destination("pln", "pln", "523-4567-8901") == "52345678901"
    assert check_inquiry_destination("ewallet", "dana", "+62 812 3456 7890") == "081234567890"
    with pytest.raises(NoInquiry):
        check_inquiry_destination("data", "telkomsel", "081234567890")
    with pytest.raises(DestinationError) as err:
        check_inquiry_destination("pln", "pln", "081234567890")
    assert err.value.key == "error.pln_phone"
