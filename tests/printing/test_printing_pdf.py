"""PDF receipts and A4 reports, read back with poppler's pdftotext / pdfinfo / pdftoppm.

``KIOSK_POS_SCREENSHOTS=1`` also refreshes docs/screenshots/receipt-*.png and
report-daily*.png from these PDFs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk_pos.printing import receipt_from_sale, render_text
from kiosk_pos.printing.pdf_render import render_pdf
from kiosk_pos.printing.reports import daily_report_pdf, stock_list_pdf
from tests.aids.samples import (
    DAILY_REPORT,
    KIOSK,
    MIXED,
    PLN,
    SOLD_AT,
    STOCK_ROWS,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="needs poppler-utils (pdftotext, pdftoppm)")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
REFRESH = os.environ.get("KIOSK_POS_SCREENSHOTS") == "1"


def pdf_text(path: Path, *pages: int) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)


def page_size_mm(path: Path) -> tuple[float, float]:
    width, height = re.findall(r"[\d.]+", pdf_info(path)["Page size"])[:2]
    return float(width) * 25.4 / 72, float(height) * 25.4 / 72


def to_png(pdf: Path, stem: Path, dpi: int = 150) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem)], check=True)
    return sorted(stem.parent.glob(stem.name + "-*.png"))


@pytest.mark.parametrize("width", [58, 80])
def test_receipt_pdf_is_a_roll_fitted_to_its_content(tmp_path, width):
    path = tmp_path / f"mixed-{width}.pdf"
    data = render_pdf(receipt_from_sale(MIXED, KIOSK), width, path)
    assert data.startswith(b"%PDF") and path.read_bytes() == data
    page_w, page_h = page_size_mm(path)
    assert page_w == pytest.approx(width, abs=0.1)
    rows = len(render_text(receipt_from_sale(MIXED, KIOSK), width).splitlines())
    assert 3 * rows < page_h < 6 * rows + 40  # about one text row per 3-4 mm, plus the QR
    text = pdf_text(path)
    for expected in ("Konter Berkah Jaya", "STRUK PEMBELIAN", "05/03/2025 14:32 WIB",
                     "Rp58.500", "Kembalian", "1d9e8f7a-6b5c-4d3e-9f2a-", "2 x Rp15.000"):
        assert expected in text, expected
    assert "Kopi Spécial — sachet" in text  # the bundled font keeps Unicode in PDFs
    pngs = to_png(path, tmp_path / f"receipt-{width}")
    assert len(pngs) == 1 and pngs[0].stat().st_size > 5_000
    if REFRESH:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(pngs[0], SCREENSHOTS / f"receipt-{width}.png")


def test_pln_receipt_pdf_shows_the_grouped_token(tmp_path):
    path = tmp_path / "pln.pdf"
    render_pdf(receipt_from_sale(PLN, KIOSK, copy=True), 80, path)
    text = pdf_text(path)
    assert "1234-5678-9012-3456-7890" in text and "SALINAN" in text
    if REFRESH:
        shutil.copy(to_png(path, tmp_path / "pln")[0], SCREENSHOTS / "receipt-pln-80.png")


def test_daily_report_pdf(tmp_path):
    path = tmp_path / "daily.pdf"
    daily_report_pdf(DAILY_REPORT, KIOSK, path, now=SOLD_AT)
    text = pdf_text(path)
    for expected in ("Laporan Harian 05/03/2025", "Ringkasan", "Rp1.826.500", "Rp185.200",
                     "Per operator", "Telkomsel", "Per jenis produk", "Token PLN", "Per kasir",
                     "Siti", "Per cara bayar", "QRIS", "Per jam", "Uang yang harus",
                     "Dicetak 05/03/2025 14:32 WIB"):
        assert expected in text, expected
    page_w, page_h = page_size_mm(path)
    assert (round(page_w), round(page_h)) == (210, 297)
    pngs = to_png(path, tmp_path / "daily", dpi=80)
    assert pngs
    if REFRESH:
        for index, png in enumerate(pngs, start=1):
            suffix = "" if index == 1 else f"-{index}"
            shutil.copy(png, SCREENSHOTS / f"report-daily{suffix}.png")


def test_stock_list_repeats_its_header_on_every_page(tmp_path):
    path = tmp_path / "stock.pdf"
    stock_list_pdf(STOCK_ROWS, KIOSK, path, now=SOLD_AT)
    pages = int(pdf_info(path)["Pages"])
    assert pages >= 2
    for page in range(1, pages + 1):
        text = pdf_text(path, page)
        assert re.search(r"SKU\s+Nama\s+Stok\s+Harga modal\s+Harga jual\s+Nilai stok", text), page
    assert "80 barang" in pdf_text(path, pages)
    assert "Stok habis: 8" in pdf_text(path, 1)


def test_empty_day_report_says_so(tmp_path):
    from dataclasses import replace

    empty = replace(DAILY_REPORT, count=0, gross=0, cost=0, by_operator=(), by_kind=(),
                    by_clerk=(), by_payment=(),
                    by_hour=tuple(replace(h, count=0, gross=0, cost=0)
                                  for h in DAILY_REPORT.by_hour))
    path = tmp_path / "empty.pdf"
    daily_report_pdf(empty, KIOSK, path, now=SOLD_AT)
    assert "Tidak ada penjualan." in pdf_text(path)
