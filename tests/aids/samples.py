"""Sample sales built directly as records (no database) on a fixed clock.

Used by the receipt tests, the golden files, the print benchmark and the
screenshots tool. Not shop data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from kiosk_pos.core.records import (
    Breakdown,
    DailyReport,
    KioskInfo,
    PaymentMethod,
    ProductKind,
    SaleLineRecord,
    SaleRecord,
    TopUpRecord,
    TopUpStatus,
)

SOLD_AT = datetime(2025, 3, 5, 7, 32, 10, tzinfo=UTC)  # 14:32 WIB
KIOSK = KioskInfo(
    name="Konter Berkah Jaya",
    address="Jl. Merdeka No. 12, Bandung",
    footer="Buka 08.00-22.00 | WA 0812-2000-3000",
    timezone="Asia/Jakarta",
)


def topup_line(
    line_id: int, name: str, kind: ProductKind, operator: str, price: int, destination: str,
    status: TopUpStatus, sn: str | None, ref_id: str,
) -> SaleLineRecord:
    topup = TopUpRecord(
        ref_id=ref_id, sku=f"{operator}-{price}", destination=destination, status=status,
        sn=sn, message=None, cost=price - 1_500, updated_at=SOLD_AT,
    )
    return SaleLineRecord(
        id=line_id, sku=topup.sku, name=name, kind=kind, operator=operator, qty=1,
        unit_price=price, unit_cost=price - 1_500, destination=destination, topup=topup,
    )


def goods_line(line_id: int, name: str, qty: int, price: int) -> SaleLineRecord:
    return SaleLineRecord(
        id=line_id, sku=f"SKU{line_id}", name=name, kind=ProductKind.PHYSICAL, operator=None,
        qty=qty, unit_price=price, unit_cost=price - 1_000, destination="",
    )


def sale(
    sale_id: int, lines: list[SaleLineRecord], method: PaymentMethod = PaymentMethod.CASH,
    cash_given: int | None = None,
) -> SaleRecord:
    total = sum(line.amount for line in lines)
    change = (cash_given - total) if cash_given is not None else 0
    return SaleRecord(
        id=sale_id, created_at=SOLD_AT, business_date=date(2025, 3, 5), clerk_id=2,
        clerk_name="Siti", payment_method=method, total=total, cash_given=cash_given,
        change=change, lines=tuple(lines),
    )


PULSA = sale(101, [topup_line(
    1, "Telkomsel Pulsa 10.000", ProductKind.PULSA, "telkomsel", 11_500, "081234567890",
    TopUpStatus.SUCCESS, "0041002345678901234", "3fa85f64-5717-4562-b3fc-2c963f66afa6",
)], cash_given=20_000)

PLN = sale(102, [topup_line(
    1, "Token PLN 20.000", ProductKind.PLN, "pln", 21_500, "512345678901",
    TopUpStatus.SUCCESS, "12345678901234567890/BUDI SANTOSO/R1/1300VA/13.5",
    "9b2e4c1a-0d7f-4e8a-9c3b-5f6a7b8c9d0e",
)], method=PaymentMethod.QRIS)

PENDING = sale(103, [topup_line(
    1, "XL Data 5GB 30 Hari", ProductKind.DATA, "xl", 27_000, "087812345678",
    TopUpStatus.PENDING, None, "c0ffee00-1234-4abc-8def-0123456789ab",
)])

MIXED = sale(104, [
    topup_line(
        1, "Indosat Pulsa 25.000", ProductKind.PULSA, "indosat", 26_000, "085712345678",
        TopUpStatus.SUCCESS, "R250305.1432.110045", "1d9e8f7a-6b5c-4d3e-9f2a-1b0c9d8e7f6a",
    ),
    goods_line(2, "Kartu Perdana Telkomsel Simpati Kuota Internet 10GB", 2, 15_000),
    goods_line(3, "Kopi Spécial — sachet", 1, 2_500),
], cash_given=100_000)

FAILED = sale(105, [topup_line(
    1, "Smartfren Pulsa 5.000", ProductKind.PULSA, "smartfren", 6_500, "088112345678",
    TopUpStatus.FAILED, None, "abcdef01-2345-4678-9abc-def012345678",
)], cash_given=10_000)

GOODS_ONLY = sale(106, [goods_line(1, "Charger Micro USB", 1, 35_000)], cash_given=50_000)

CASES = {
    "pulsa": (PULSA, False),
    "pln": (PLN, False),
    "pending": (PENDING, False),
    "mixed": (MIXED, False),
    "failed": (FAILED, False),
    "reprint": (PULSA, True),
}


def _split(rows: list[tuple[str, str, int, int, int]]) -> tuple[Breakdown, ...]:
    return tuple(Breakdown(*row) for row in rows)


_HOURS = {7: (3, 41_000), 8: (9, 118_500), 9: (12, 171_000), 10: (8, 96_000), 11: (6, 71_500),
          12: (11, 158_000), 13: (7, 83_000), 14: (10, 139_500), 15: (9, 121_000),
          16: (13, 187_500), 17: (10, 140_000), 18: (12, 169_000), 19: (9, 174_500),
          20: (8, 104_000), 21: (4, 52_000)}

DAILY_REPORT = DailyReport(
    date=date(2025, 3, 5),
    count=131,
    gross=1_826_500,
    cost=1_641_300,
    by_operator=_split([
        ("telkomsel", "Telkomsel", 48, 702_000, 640_500),
        ("indosat", "Indosat", 22, 297_000, 271_000),
        ("xl", "XL", 19, 281_500, 258_000),
        ("tri", "Tri", 12, 131_000, 119_000),
        ("smartfren", "Smartfren", 5, 43_500, 38_000),
        ("pln", "PLN", 9, 214_500, 200_300),
        ("dana", "DANA", 4, 82_000, 79_000),
        ("", "Barang", 12, 75_000, 35_500),
    ]),
    by_kind=_split([
        ("pulsa", "Pulsa", 71, 812_000, 748_000),
        ("data", "Paket data", 35, 643_000, 578_500),
        ("pln", "Token PLN", 9, 214_500, 200_300),
        ("ewallet", "E-wallet", 4, 82_000, 79_000),
        ("physical", "Barang", 12, 75_000, 35_500),
    ]),
    by_clerk=_split([
        ("2", "Siti", 74, 1_012_000, 909_800),
        ("3", "Andi", 57, 814_500, 731_500),
    ]),
    by_payment=_split([
        ("cash", "Tunai", 102, 1_356_500, 1_219_000),
        ("qris", "QRIS", 25, 402_000, 361_300),
        ("transfer", "Transfer", 4, 68_000, 61_000),
    ]),
    by_hour=tuple(
        Breakdown(f"{h:02d}", f"{h:02d}:00", *_HOURS.get(h, (0, 0)),
                  _HOURS.get(h, (0, 0))[1] * 1_641_300 // 1_826_500)
        for h in range(24)
    ),
    pending_count=2,
    failed_count=1,
    failed_amount=6_500,
)

STOCK_ROWS = [
    (f"BRG{n:03d}", name, stock, cost, price)
    for n, (name, stock, cost, price) in enumerate([
        ("Kartu Perdana Telkomsel Simpati", 24, 10_000, 15_000),
        ("Kartu Perdana Indosat IM3", 18, 9_000, 13_000),
        ("Kartu Perdana XL Axiata", 0, 9_500, 14_000),
        ("Voucher Data Tri 10GB", 12, 28_000, 33_000),
        ("Charger Micro USB 2A", 6, 22_000, 35_000),
        ("Kabel Data Type-C 1 m", 15, 9_000, 20_000),
        ("Earphone Stereo", 4, 11_000, 25_000),
        ("Tempered Glass Universal 6.5\"", 30, 3_000, 10_000),
        ("Casing HP Silikon", 9, 7_500, 20_000),
        ("Power Bank 10.000 mAh", 2, 95_000, 135_000),
    ] * 8, start=1)
]
