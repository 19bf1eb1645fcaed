"""The core's name check with a stand-in distributor: what is asked, and how every answer (or
its absence) reads for the clerk, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pulsa_protocol.inquiry import InquiryReply

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.name_check import NameCheckUnavailable, NameStatus, check_name
from kiosk_pos.i18n import set_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def catalog(kiosk):
    return kiosk.catalog.catalog


def test_asks_with_the_normalised_destination_and_the_catalogue_sku(catalog) -> None:
    asked: list[tuple[str, str]] = []

    def ask(sku: str, destination: str) -> InquiryReply:
        asked.append((sku, destination))
        return InquiryReply(sku=sku, destination=destination, kind="pln", status="found",
                            name="SITI RAHAYU", segment_power="R1/900VA")

    result = check_name(catalog, ask, "pln50", " 5234-5678-9012 ")
    assert asked == [("PLN50", "523456789012")]
    assert result.status is NameStatus.FOUND
    assert result.headline() == "SITI RAHAYU · R1/900VA"


@pytest.mark.parametrize("status, headline", [
    ("not_found", "ID tidak ditemukan — periksa nomornya"),
    ("unavailable", "Nama tidak dapat dicek — boleh lanjut"),
])
def test_no_name_reads_as_what_to_do(catalog, status: str, headline: str) -> None:
    def ask(sku: str, destination: str) -> InquiryReply:
        return InquiryReply(sku=sku, destination=destination, kind="ewallet", status=status)

    result = check_name(catalog, ask, "OVO20", "081234567890")
    assert not result.found and result.headline() == headline and result.reason
    set_language("en")
    try:
        assert "—" in result.headline() and result.headline() != headline
    finally:
        set_language("id")


def test_no_answer_is_unchecked_with_its_reason(catalog) -> None:
    def ask(sku: str, destination: str) -> InquiryReply:
        raise NameCheckUnavailable("Distributor tidak bisa dihubungi sekarang.")

    result = check_name(catalog, ask, "PLN20", "52345678901")
    assert result.status is NameStatus.UNCHECKED
    assert result.reason == "Distributor tidak bisa dihubungi sekarang."
    assert check_name(catalog, None, "PLN20", "52345678901").reason.startswith("Konter belum")


def test_nothing_is_asked_for_what_cannot_be_checked(catalog) -> None:
    def ask(sku: str, destination: str) -> InquiryReply:
        raise AssertionError("asked")

    for sku, destination in (("TSEL10", "081234567890"), ("PLN20", "081234567890"),
                             ("PLN20", "1234"), ("NOPE", "52345678901")):
        with pytest.raises(KioskError):
            check_name(catalog, ask, sku, destination)


def test_every_inquiry_key_is_in_both_languages_and_every_used_key_exists() -> None:
    folder = ROOT / "resources" / "locale"
    ids = json.loads((folder / "inquiry.id.json").read_text(encoding="utf-8"))
    ens = json.loads((folder / "inquiry.en.json").read_text(encoding="utf-8"))
    assert set(ids) == set(ens)
    used: set[str] = set()
    for path in (ROOT / "kiosk_pos").rglob("*.py"):
        used |= set(re.findall(r"[\"'](inquiry\.[a-z_.]+)[\"']", path.read_text()))
    assert used and used <= set(ids), used - set(ids)
    assert all("Kiosk" not in text for text in ids.values())  # "konter" in Indonesian


def test_the_kinds_checked_are_the_protocols() -> None:
    from pulsa_protocol.inquiry import INQUIRY_KINDS

    from kiosk_pos.core.name_check import CHECKED_KINDS

    assert CHECKED_KINDS == INQUIRY_KINDS
