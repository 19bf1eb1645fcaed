"""The daily report's back office section on paper and on screen: kasbon given, paid and
still owed, and the goods at or below their minimum, the emptiest first."""

from __future__ import annotations

from dataclasses import replace

from kiosk_pos.printing.reports import daily_report_pdf
from kiosk_pos.ui.report_backoffice import backoffice_text
from tests.printing.test_printing_pdf import DAILY_REPORT, KIOSK, SOLD_AT, pdf_text

REPORT = replace(DAILY_REPORT, kasbon_sales=45_000, kasbon_count=2, kasbon_paid_cash=20_000,
                 kasbon_paid_transfer=5_000, kasbon_outstanding=130_000, low_stock_count=5,
                 low_stock_items=(("SP-XL", "Kartu Perdana XL", 0, 10),
                                  ("ACC-EAR", "Earphone Jack 3.5mm", 2, 8)))


def test_the_pdf_lists_kasbon_and_low_stock(tmp_path):
    path = tmp_path / "daily.pdf"
    daily_report_pdf(REPORT, KIOSK, path, now=SOLD_AT)
    text = " ".join(pdf_text(path).split())
    for expected in ("Kasbon diberikan (2 penjualan) Rp45.000", "Kasbon dibayar tunai Rp20.000",
                     "Kasbon dibayar transfer Rp5.000",
                     "Kasbon belum lunas (saat ini) Rp130.000", "Stok menipis (5)",
                     "SP-XL Kartu Perdana XL 0 10", "dan 3 barang lain"):
        assert expected in text, expected


def test_a_day_without_either_says_so_and_the_screen_line_is_empty(tmp_path):
    quiet = replace(DAILY_REPORT, kasbon_sales=0, kasbon_count=0, kasbon_paid_cash=0,
                    kasbon_paid_transfer=0, kasbon_outstanding=0, low_stock_count=0,
                    low_stock_items=())
    path = tmp_path / "quiet.pdf"
    daily_report_pdf(quiet, KIOSK, path, now=SOLD_AT)
    assert "Semua stok di atas minimum." in pdf_text(path)
    assert backoffice_text(quiet) == ""


def test_the_screen_line():
    assert backoffice_text(REPORT) == (
        "Kasbon: diberikan Rp45.000, dibayar Rp25.000, belum lunas Rp130.000  ·  "
        "Stok menipis 5: Kartu Perdana XL (0/10), Earphone Jack 3.5mm (2/8) dan 3 lagi")
