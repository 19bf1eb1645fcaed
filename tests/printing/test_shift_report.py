"""The Z report (laporan shift) and the refund receipt: golden ESC/POS bytes at 32 and 48
columns (58 and 80 mm), rows that fit the paper, the parts that make expected cash.

Regenerate after an intended layout change with
``KIOSK_POS_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/printing -k golden`` and read
the ``.txt`` twins before committing them.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk_pos.core.records import PaymentMethod
from kiosk_pos.core.refunds import RefundLine, RefundRecord
from kiosk_pos.core.shift_figures import ShiftFigures
from kiosk_pos.core.shifts import Shift, ShiftReport
from kiosk_pos.printing import render_escpos, render_text
from kiosk_pos.printing.shift_report import refund_receipt, shift_report_document
from tests.aids.decode import decode_escpos
from tests.aids.samples import KIOSK, SOLD_AT

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("KIOSK_POS_REGEN_GOLDEN") == "1"

FIGURES = ShiftFigures(opening_float=200_000, cash_sales_count=3, cash_received=82_000,
                       change_given=28_000, cash_in=100_000, cash_out=25_000,
                       cash_refunds=12_000, topup_paybacks=12_000, kasbon_cash=0,
                       non_cash=(("qris", 1, 12_000), ("transfer", 1, 12_000)),
                       non_cash_refunds=12_000)
CLOSED = ShiftReport(Shift(7, date(2025, 3, 5), SOLD_AT - timedelta(hours=6), "kasir",
                           200_000, False, SOLD_AT, "kasir", 305_000, 300_000, False), FIGURES)
REFUND = RefundRecord(3, 41, SOLD_AT, "kasir", "Sari", "kartu rusak", PaymentMethod.CASH,
                      30_000, (RefundLine("Kartu Perdana Telkomsel", 2, 30_000),))
DOCS = {"zreport": lambda: shift_report_document(CLOSED, KIOSK),
        "refund": lambda: refund_receipt(REFUND, KIOSK)}


@pytest.mark.parametrize("width", (58, 80))
@pytest.mark.parametrize("case", sorted(DOCS))
def test_golden_escpos_bytes(case: str, width: int) -> None:
    doc = DOCS[case]()
    data = render_escpos(doc, width)
    golden = GOLDEN / f"{case}-{width}.bin"
    if REGENERATE:
        golden.write_bytes(data)
        (GOLDEN / f"{case}-{width}.txt").write_text(render_text(doc, width), encoding="utf-8")
    assert golden.exists(), f"missing {golden}; run with KIOSK_POS_REGEN_GOLDEN=1"
    assert data == golden.read_bytes()
    columns = {58: 32, 80: 48}[width]
    decoded = decode_escpos(data)
    assert all(row.width <= columns for row in decoded.rows)
    assert decoded.cuts == 1


def test_the_z_report_lists_what_makes_expected_and_the_difference() -> None:
    text = render_text(shift_report_document(CLOSED, KIOSK), 80)
    for words in ("Uang awal", "Rp200.000", "Kembalian", "-Rp28.000", "Retur tunai",
                  "Isi ulang gagal", "SEHARUSNYA", "Rp305.000", "Dihitung",
                  "Rp300.000", "Selisih", "-Rp5.000", "QRIS (1)", "Transfer (1)"):
        assert words in text, words


def test_the_refund_receipt_says_refund_and_points_at_the_sale() -> None:
    text = render_text(refund_receipt(REFUND, KIOSK), 58)
    assert "STRUK RETUR" in text and "#41" in text and "Sari" in text
    assert "kartu rusak" in text
