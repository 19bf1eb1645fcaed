"""Plain records the layers pass to each other. No database, no Qt.

These are the contract between core services, the UI, printing and sync. The records of a
sale and of a report are defined in :mod:`kiosk_pos.core.sale_records` and are names of
this module too (``from kiosk_pos.core.records import SaleRecord`` works as ever): they are
loaded at their first use, because a dataclass costs ~0.5 ms to create and the app's PIN
login needs none of them (issue 12).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk_pos.core.sale_records import (
        Breakdown,
        CartLine,
        DailyReport,
        Payment,
        SaleLineRecord,
        SaleRecord,
        TopUpRecord,
    )

MAX_QTY = 999  # units of one product on one sale line (the sales service refuses more)


class ProductKind(StrEnum):
    PULSA = "pulsa"
    DATA = "data"
    PLN = "pln"
    EWALLET = "ewallet"
    PHYSICAL = "physical"

    @property
    def electronic(self) -> bool:
        return self is not ProductKind.PHYSICAL


class PaymentMethod(StrEnum):
    CASH = "cash"
    QRIS = "qris"
    TRANSFER = "transfer"
    KASBON = "kasbon"  # on the customer's account (store credit): no cash in the drawer


class TopUpStatus(StrEnum):
    """Life of an electronic line. Only SUCCESS and FAILED are final."""

    QUEUED = "queued"    # saved locally, not yet accepted by the distributor
    PENDING = "pending"  # accepted by the distributor, waiting for the operator
    SUCCESS = "success"  # done; ``sn`` holds the operator's serial number
    FAILED = "failed"    # final failure; the cost came back to the deposit

    @property
    def final(self) -> bool:
        return self in (TopUpStatus.SUCCESS, TopUpStatus.FAILED)


class Role(StrEnum):
    OWNER = "owner"
    SUPERVISOR = "supervisor"
    CLERK = "clerk"


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    kind: ProductKind
    operator: str | None  # operator or brand code (telkomsel, pln, dana, ...); None for goods
    nominal: int          # face value in rupiah (0 for goods)
    cost: int             # what the kiosk pays (distributor price or purchase cost)
    price: int            # what the customer pays
    barcode: str | None = None
    stock: int | None = None  # None for electronic products
    active: bool = True
    id: int | None = None


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class KioskInfo:
    """What a receipt header and reports need to know about the shop."""

    name: str
    address: str = ""
    footer: str = ""
    timezone: str = "Asia/Jakarta"


SALE_RECORDS = ("CartLine", "Payment", "TopUpRecord", "SaleLineRecord", "SaleRecord",
                "Breakdown", "DailyReport")
__all__ = ["MAX_QTY", "ProductKind", "PaymentMethod", "TopUpStatus", "Role", "Product",
           "User", "KioskInfo", "CartLine", "Payment", "TopUpRecord", "SaleLineRecord",
           "SaleRecord", "Breakdown", "DailyReport"]


def __getattr__(name: str) -> Any:
    """The records of a sale and a report, from their module at the first use of one."""
    if name in SALE_RECORDS:
        from kiosk_pos.core import sale_records

        return getattr(sale_records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
