"""Receipt documents and their ESC/POS bytes, checked against golden files.

Regenerate the golden files after an intended layout change with::

    KIOSK_POS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/printing -k golden

then read the ``.txt`` twins in tests/printing/golden/ and commit both.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from kiosk_pos import i18n
from kiosk_pos.core.records import KioskInfo
from kiosk_pos.printing import (
    format_pln_token,
    receipt_from_sale,
    render_escpos,
    render_text,
    test_page_document,
)
from kiosk_pos.printing.transliterate import to_ascii
from tests.aids.decode import decode_escpos
from tests.aids.samples import CASES, GOODS_ONLY, KIOSK, MIXED, PLN, PULSA, SOLD_AT

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("KIOSK_POS_REGEN_GOLDEN") == "1"
WIDTHS = (58, 80)


def _bytes_for(case: str, width: int) -> bytes:
    sale, copy = CASES[case]
    return render_escpos(receipt_from_sale(sale, KIOSK, copy=copy), width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_escpos_bytes(case: str, width: int) -> None:
    data = _bytes_for(case, width)
    golden = GOLDEN / f"{case}-{width}.bin"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(data)
        sale, copy = CASES[case]
        text = render_text(receipt_from_sale(sale, KIOSK, copy=copy), width)
        (GOLDEN / f"{case}-{width}.txt").write_text(text, encoding="utf-8")
    assert golden.exists(), f"missing {golden}; run with KIOSK_POS_REGEN_GOLDEN=1"
    assert data == golden.read_bytes()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_printed_row_fits_the_paper(case: str, width: int) -> None:
    columns = {58: 32, 80: 48}[width]
    decoded = decode_escpos(_bytes_for(case, width))
    assert decoded.rows, "nothing printed"
    for row in decoded.rows:
        assert row.width <= columns, f"{row.text!r} is {row.width} columns wide"
        assert all(" " <= ch <= "~" for ch in row.text), row.text
    assert decoded.cuts == 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_text_preview_has_the_printed_rows(case: str, width: int) -> None:
    sale, copy = CASES[case]
    text = render_text(receipt_from_sale(sale, KIOSK, copy=copy), width)
    printed = decode_escpos(_bytes_for(case, width)).text
    for line in text.splitlines():
        if line.strip() and "[ QR ]" not in line and not line.startswith("- -"):
            assert line.strip().split()[0] in printed


def test_pulsa_receipt_carries_what_a_struk_must() -> None:
    text = render_text(receipt_from_sale(PULSA, KIOSK), 58)
    for expected in (
        "Konter Berkah Jaya", "Jl. Merdeka No. 12, Bandung", "05/03/2025 14:32 WIB", "#101",
        "Siti", "Telkomsel Pulsa 10.000", "081234567890", "0041002345678901234",
        "3fa85f64-5717-4562-b3fc-", "Rp11.500", "Rp20.000", "Rp8.500", "Terima kasih",
    ):
        assert expected in text, expected


def test_pln_token_is_grouped_four_by_four() -> None:
    assert format_pln_token("12345678901234567890") == "1234-5678-9012-3456-7890"
    assert format_pln_token("1234 5678 9012 3456 7890") == "1234-5678-9012-3456-7890"
    assert format_pln_token("12345") == "12345"
    text = render_text(receipt_from_sale(PLN, KIOSK), 58)
    assert "1234-5678-9012-3456-7890" in text
    assert "TOKEN PLN" in text and "BUDI SANTOSO" in text and "R1/1300VA" in text
    assert "512345678901" in text and "ID Pelanggan" in text


def test_pending_topup_says_how_to_check_later() -> None:
    sale, _ = CASES["pending"]
    text = " ".join(render_text(receipt_from_sale(sale, KIOSK), 80).split())
    assert "DIPROSES" in text
    assert "Simpan struk ini" in text and "nomor Ref" in text
    assert "c0ffee00-1234-4abc-8def-0123456789ab" in text


def test_failed_topup_says_money_returned() -> None:
    sale, _ = CASES["failed"]
    text = " ".join(render_text(receipt_from_sale(sale, KIOSK), 58).split())
    assert "GAGAL" in text
    assert "uang dikembalikan Rp6.500" in text


def test_reprint_is_marked_copy_and_never_opens_the_drawer() -> None:
    original = decode_escpos(render_escpos(receipt_from_sale(PULSA, KIOSK), 58))
    reprint = decode_escpos(render_escpos(receipt_from_sale(PULSA, KIOSK, copy=True), 58))
    assert "SALINAN" in reprint.text and "SALINAN" not in original.text
    assert original.drawer_kicks == 1
    assert reprint.drawer_kicks == 0


def test_drawer_only_on_cash_and_qr_only_with_topups() -> None:
    qris = decode_escpos(render_escpos(receipt_from_sale(PLN, KIOSK), 80))
    assert qris.drawer_kicks == 0 and qris.images == 1
    goods = decode_escpos(render_escpos(receipt_from_sale(GOODS_ONLY, KIOSK), 80))
    assert goods.drawer_kicks == 1 and goods.images == 0
    forced = decode_escpos(render_escpos(receipt_from_sale(GOODS_ONLY, KIOSK), 80,
                                         open_drawer=False))
    assert forced.drawer_kicks == 0


def test_mixed_cart_wraps_long_names_and_right_aligns_amounts() -> None:
    text = render_text(receipt_from_sale(MIXED, KIOSK), 58)
    lines = text.splitlines()
    first = next(line for line in lines if line.startswith("Kartu Perdana"))
    assert first.endswith("Rp30.000") and len(first) == 32
    assert "2 x Rp15.000" in text
    assert "Kopi Special - sachet" in text  # transliterated, not '?'
    assert "?" not in text


def test_copies_print_twice_but_kick_the_drawer_once() -> None:
    decoded = decode_escpos(render_escpos(receipt_from_sale(PULSA, KIOSK), 58, copies=2))
    assert decoded.cuts == 2 and decoded.drawer_kicks == 1


def test_logo_is_printed_as_an_image(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (800, 200), "black").save(logo)
    decoded = decode_escpos(render_escpos(receipt_from_sale(GOODS_ONLY, KIOSK), 58, logo=logo))
    assert decoded.images == 1
    missing = decode_escpos(render_escpos(receipt_from_sale(GOODS_ONLY, KIOSK), 58,
                                          logo=tmp_path / "nope.png"))
    assert missing.images == 0 and missing.cuts == 1  # a bad logo never stops the receipt


def test_english_receipt() -> None:
    i18n.set_language("en")
    text = render_text(receipt_from_sale(PULSA, KIOSK), 80)
    assert "SALES RECEIPT" in text and "Change" in text and "Thank you" in text


def test_kiosk_timezone_is_used() -> None:
    makassar = KioskInfo(name="Konter Timur", timezone="Asia/Makassar")
    text = render_text(receipt_from_sale(PULSA, makassar), 58)
    assert "05/03/2025 15:32 WITA" in text
    assert SOLD_AT.hour == 7


@pytest.mark.parametrize("width", WIDTHS)
def test_test_page_fits(width: int) -> None:
    data = render_escpos(test_page_document(KIOSK, width, now=SOLD_AT), width)
    decoded = decode_escpos(data)
    columns = {58: 32, 80: 48}[width]
    assert ("1234567890" * 5)[:columns] in decoded.text
    assert all(row.width <= columns for row in decoded.rows)


@pytest.mark.parametrize(("raw", "folded"), [
    ("Spécial — “kutip” ‘x’ …", 'Special - "kutip" \'x\' ...'),
    ("Straße Ærø Łódź", "Strasse AEro Lodz"),
    ("Pulsa 10rb 🎉 ok", "Pulsa 10rb  ok"),
    ("½ kg × 2", "1/2 kg x 2"),
])
def test_transliteration_is_readable(raw: str, folded: str) -> None:
    assert to_ascii(raw) == folded


def test_queued_topup_prints_as_pending_too() -> None:
    from dataclasses import replace

    from kiosk_pos.core.records import TopUpStatus

    sale, _ = CASES["pending"]
    line = sale.lines[0]
    queued = replace(sale, lines=(replace(line, topup=replace(line.topup,
                                                              status=TopUpStatus.QUEUED)),))
    text = render_text(receipt_from_sale(queued, KIOSK), 58)
    assert "DIPROSES" in text and "Simpan struk ini" in text


def test_public_api_is_importable_from_the_package() -> None:
    import kiosk_pos.printing as printing

    for name in printing.__all__:
        assert getattr(printing, name) is not None, name
    i18n.set_language("en")
    from kiosk_pos.printing.texts import pt

    assert pt("error.unreachable") == "Printer unreachable — reprint from the history."
    assert pt("error.usb_missing") == "Install the USB extra: pip install kiosk-pos[usb]"
