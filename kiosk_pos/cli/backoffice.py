"""What the back-office commands (goods, stock, customer, kasbon) share: whole numbers from
the command line and records as JSON; the owner's PIN is :mod:`kiosk_pos.cli.owner`'s. Not a
command module itself, so each of those commands still imports only its own module and
this one."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kiosk_pos.cli.common import CliError, open_kiosk
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.customers import Customer
    from kiosk_pos.core.goods import GoodsItem
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.stock import Movement


def check_text(args: argparse.Namespace) -> None:
    """Refuse a value the shell could pass but no shop writes: a NUL byte, or bytes that are
    not text (they would fail deep inside SQLite or the terminal, not as a sentence)."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str):
                continue
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise CliError(tr("cli.bad_text", option=name)) from None
            if "\x00" in item:
                raise CliError(tr("cli.bad_text", option=name))


@contextmanager
def kiosk_for(args: argparse.Namespace) -> Iterator[Kiosk]:
    check_text(args)
    kiosk = open_kiosk(args)
    try:
        yield kiosk
    finally:
        kiosk.close()


def rupiah(text: str | None) -> int | None:
    from kiosk_pos.core.goods import whole_rupiah

    return None if text is None else whole_rupiah(text)


def number(text: str | None) -> int | None:
    from kiosk_pos.core.goods import whole_number

    return None if text is None else whole_number(text)


def item_json(i: GoodsItem) -> dict[str, Any]:
    return {"sku": i.sku, "name": i.name, "category": i.category, "barcodes": list(i.barcodes),
            "price": i.price, "cost": i.cost, "min_stock": i.min_stock, "stock": i.stock,
            "active": i.active}


def movement_json(m: Movement) -> dict[str, Any]:
    return {"id": m.id, "sku": m.sku, "name": m.name, "delta": m.delta,
            "stock_after": m.stock_after, "reason": m.reason, "created_at": m.created_at,
            "unit_cost": m.unit_cost, "supplier": m.supplier, "note": m.note,
            "sale_id": m.sale_id}


def customer_json(c: Customer) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "phone": c.phone, "note": c.note,
            "credit_limit": c.credit_limit, "balance": c.balance, "available": c.available,
            "active": c.active}
