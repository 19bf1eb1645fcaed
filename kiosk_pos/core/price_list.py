"""The distributor's price list in the kiosk's products table, repriced by the markup rules.

The distributor's price is the kiosk's ``cost``; the selling ``price`` follows the kiosk's
markup rules (:mod:`kiosk_pos.core.pricing`). The version applied is saved in
``sync_state`` in the same transaction as the product changes, so a crash never leaves the
two apart. Inactive products are hidden (``active = false``). Physical goods are never
touched. A change to the catalogue is announced once (``CATALOG_CHANGED``) after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select, update

from kiosk_pos.core import sync_state as state
from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.events import CATALOG_CHANGED
from kiosk_pos.core.pricing import PricingPolicy, load_policy
from kiosk_pos.core.records import ProductKind
from kiosk_pos.store.schema import products

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

VERSION_KEY = "prices.version"


@dataclass(frozen=True, slots=True)
class PriceListItem:
    """One product of the distributor's list; ``cost`` is what the kiosk pays for it."""

    sku: str
    name: str
    kind: ProductKind
    operator: str | None
    nominal: int
    cost: int
    active: bool = True


@dataclass
class PriceSyncResult:
    version_before: int
    version: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    skipped_physical: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.added) + len(self.updated) + len(self.hidden)

    def to_json(self) -> dict[str, Any]:
        return {"version_before": self.version_before, "version": self.version,
                "changed": self.changed, "added": self.added, "updated": self.updated,
                "hidden": self.hidden, "skipped_physical": self.skipped_physical}


def saved_version(kiosk: Kiosk) -> int:
    """The version of the distributor's list last applied (0 before the first sync)."""
    with kiosk.db.read() as conn:
        return int(state.get(conn, VERSION_KEY, 0))


def _write_items(conn: Connection, items: Sequence[PriceListItem], policy: PricingPolicy,
                 result: PriceSyncResult) -> None:
    skus = [p.sku for p in items]
    existing = {}
    for chunk in range(0, len(skus), 500):
        part = skus[chunk:chunk + 500]
        for row in conn.execute(select(products).where(products.c.sku.in_(part))):
            existing[row.sku] = row
    now = to_db(utc_now())
    for item in items:
        row = existing.get(item.sku)
        if row is not None and row.kind == ProductKind.PHYSICAL.value:
            result.skipped_physical.append(item.sku)
            continue
        price = policy.price_for(item.kind, item.operator, item.cost, item.sku)
        values = dict(name=item.name, kind=item.kind.value, operator=item.operator,
                      nominal=item.nominal, cost=item.cost, price=price,
                      active=item.active, updated_at=now)
        if row is None:
            conn.execute(products.insert().values(sku=item.sku, stock=None, **values))
            (result.added if item.active else result.hidden).append(item.sku)
            continue
        current = {k: getattr(row, k) for k in values if k != "updated_at"}
        wanted = {k: v for k, v in values.items() if k != "updated_at"}
        if {k: (bool(v) if k == "active" else v) for k, v in current.items()} == wanted:
            continue
        conn.execute(update(products).where(products.c.id == row.id).values(**values))
        (result.hidden if not item.active and row.active else result.updated).append(item.sku)


def _catalog_changed(kiosk: Kiosk) -> None:
    kiosk.catalog.invalidate()
    kiosk.events.trigger(CATALOG_CHANGED)


def apply_price_list(kiosk: Kiosk, items: Sequence[PriceListItem], version: int,
                     version_before: int, policy: PricingPolicy | None = None
                     ) -> PriceSyncResult:
    """Write the list into the products table and save its ``version``, in one transaction."""
    policy = policy or load_policy(kiosk.settings)
    result = PriceSyncResult(version_before, version)
    with kiosk.db.write() as conn:
        _write_items(conn, items, policy, result)
        state.put(conn, VERSION_KEY, version)
    if result.changed:
        _catalog_changed(kiosk)
    return result


def reprice(kiosk: Kiosk, policy: PricingPolicy | None = None,
            skus: Iterable[str] | None = None) -> int:
    """Apply the markup rules again to the electronic products (after the rules changed)."""
    policy = policy or load_policy(kiosk.settings)
    wanted = set(skus) if skus is not None else None
    changed = 0
    now = to_db(utc_now())
    with kiosk.db.write() as conn:
        rows = conn.execute(select(products).where(
            products.c.kind != ProductKind.PHYSICAL.value)).all()
        for row in rows:
            if wanted is not None and row.sku not in wanted:
                continue
            price = policy.price_for(ProductKind(row.kind), row.operator, row.cost, row.sku)
            if price != row.price:
                conn.execute(update(products).where(products.c.id == row.id)
                             .values(price=price, updated_at=now))
                changed += 1
    if changed:
        _catalog_changed(kiosk)
    return changed
