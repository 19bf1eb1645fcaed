"""Creating a kiosk database: the owner, the prefix table, optionally the demo shop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pulsa_protocol.data import DEMO_CATALOG, load_json

from kiosk_pos.core import deposit
from kiosk_pos.core.catalog import store_prefix_table
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.kiosk import DB_FILENAME, Kiosk
from kiosk_pos.core.phone import default_prefix_table
from kiosk_pos.core.records import Product, ProductKind, Role
from kiosk_pos.core.settings import KIOSK_ADDRESS, KIOSK_FOOTER, KIOSK_NAME, put
from kiosk_pos.core.users import check_pin_format
from kiosk_pos.store import Database
from kiosk_pos.store.create import create_database
from kiosk_pos.store.damage import damaged_error

DEMO_CLERK = ("kasir", "1111")
DEMO_OWNER_PIN = "9999"
DEMO_DEPOSIT = 5_000_000


def demo_products() -> list[Product]:
    raw = load_json(DEMO_CATALOG)["products"]
    return [Product(sku=p["sku"], name=p["name"], kind=ProductKind(p["kind"]),
                    operator=p.get("operator"), nominal=p.get("nominal", 0), cost=p["cost"],
                    price=p["price"], barcode=p.get("barcode"), stock=p.get("stock"))
            for p in raw]


def is_initialised(data_dir: Path) -> bool:
    return (Path(data_dir) / DB_FILENAME).exists()


def init_kiosk(data_dir: Path, kiosk_name: str, owner_pin: str, *, demo: bool = False,
               address: str = "", clerks: Sequence[tuple[str, str]] = ()) -> Kiosk:
    """Create the kiosk database in ``data_dir`` (refuses if one is already there, an empty
    one included: that is a damaged shop, never a new one), with the owner and ``clerks``
    (name, PIN). The file is filled completely under a temporary name and renamed into
    place, so a failure leaves nothing."""
    if not kiosk_name.strip():
        raise KioskError("error.kiosk_name_required")
    check_pin_format(owner_pin)
    path = Path(data_dir) / DB_FILENAME
    if path.exists():
        if path.stat().st_size == 0:
            raise damaged_error(path, empty=True)
        raise KioskError("error.already_initialised", path=str(path))

    def fill(db: Database) -> None:
        kiosk = Kiosk(db)
        with kiosk.db.write() as conn:
            put(conn, KIOSK_NAME, kiosk_name.strip())
            put(conn, KIOSK_ADDRESS, address or ("Jl. Merdeka No. 1, Bandung" if demo else ""))
            put(conn, KIOSK_FOOTER, "Semoga berkah, sampai jumpa lagi")
            store_prefix_table(conn, default_prefix_table())
        kiosk.users.add("Pemilik", Role.OWNER, owner_pin)
        for name, pin in clerks:
            kiosk.users.add(name, Role.CLERK, pin)
        if demo:
            add_demo_data(kiosk)

    try:
        create_database(path, fill)
    except FileExistsError:
        raise KioskError("error.already_initialised", path=str(path)) from None
    return Kiosk.open(data_dir)


def add_demo_data(kiosk: Kiosk) -> None:
    products = demo_products()
    # Goods start empty and receive their opening stock as a movement, so the stock
    # ledger explains every unit on the shelf.
    kiosk.catalog.upsert([replace(p, stock=0) if p.stock is not None else p for p in products])
    for p in products:
        if p.stock:
            kiosk.catalog.receive_stock(p.sku, p.stock, reason="opening")
    name, pin = DEMO_CLERK
    kiosk.users.add(name, Role.CLERK, pin)
    with kiosk.db.write() as conn:
        deposit.append(conn, DEMO_DEPOSIT, deposit.REASON_OPENING, reference="demo")
