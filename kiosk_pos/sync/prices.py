"""Price-list sync: pull what changed since the saved version and reprice it by the rules.

The distributor's price is the kiosk's ``cost``; the selling ``price`` follows the kiosk's
markup rules (:mod:`kiosk_pos.core.pricing`). The version pulled is saved in ``sync_state``
in the same transaction as the product changes, so a crash never leaves the two apart.
Inactive products are hidden (``active = false``). Physical goods are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pulsa_protocol import wire
from sqlalchemy import Connection, select, update

from kiosk_pos.core.clock import to_db, utc_now
from kiosk_pos.core.events import CATALOG_CHANGED
from kiosk_pos.core.pricing import PricingPolicy, load_policy
from kiosk_pos.core.records import ProductKind
from kiosk_pos.store.schema import products
from kiosk_pos.sync import state

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.sync.client import DistributorClient

VERSION_KEY = "prices.version"


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
    with kiosk.db.read() as conn:
        return int(state.get(conn, VERSION_KEY, 0))


def apply_price_list(conn: Connection, price_list: wire.PriceList, policy: PricingPolicy,
                     version_before: int) -> PriceSyncResult:
    """Write ``price_list`` into the products table and save its version (caller's transaction)."""
    result = PriceSyncResult(version_before, price_list.version)
    skus = [p.sku for p in price_list.products]
    existing = {}
    for chunk in range(0, len(skus), 500):
        part = skus[chunk:chunk + 500]
        for row in conn.execute(select(products).where(products.c.sku.in_(part))):
            existing[row.sku] = row
    now = to_db(utc_now())
    for item in price_list.products:
        kind = ProductKind(item.kind.value)
        row = existing.get(item.sku)
        if row is not None and row.kind == ProductKind.PHYSICAL.value:
            result.skipped_physical.append(item.sku)
            continue
        price = policy.price_for(kind, item.operator, item.price)
        values = dict(name=item.name, kind=kind.value, operator=item.operator,
                      nominal=item.nominal, cost=item.price, price=price,
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
    state.put(conn, VERSION_KEY, price_list.version)
    return result


def pull_prices(kiosk: Kiosk, client: DistributorClient) -> PriceSyncResult:
    """One price-list sync; the detailed result (for the CLI and the UI)."""
    since = saved_version(kiosk)
    price_list = client.prices(since=since)
    if price_list.version < since:  # the distributor's list was rebuilt: start over
        since = 0
        price_list = client.prices(since=0)
    policy = load_policy(kiosk.settings)
    with kiosk.db.write() as conn:
        result = apply_price_list(conn, price_list, policy, since)
    if result.changed:
        kiosk.catalog.invalidate()
        kiosk.events.trigger(CATALOG_CHANGED)
    return result


def sync_prices(kiosk: Kiosk, client: DistributorClient) -> int:
    """Pull the price list changes since the saved version; returns how many products changed."""
    return pull_prices(kiosk, client).changed


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
            price = policy.price_for(ProductKind(row.kind), row.operator, row.cost)
            if price != row.price:
                conn.execute(update(products).where(products.c.id == row.id)
                             .values(price=price, updated_at=now))
                changed += 1
    if changed:
        kiosk.catalog.invalidate()
        kiosk.events.trigger(CATALOG_CHANGED)
    return changed
