"""The owner edits the selling price rules of electronic products: a markup per kind and/or
operator, the rounding step, and a fixed price for one SKU. The distributor's list stays
the source of products and costs (``price_list.py``); only the selling price follows these
rules, and never below cost.

Saving is one transaction: the rules (the ``pricing.rules`` setting), every electronic
product repriced by them, and an audit row with the rules before and after. A preview lists
what would change before anything is written.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk_pos.core import audit
from kiosk_pos.core.catalog import CatalogService
from kiosk_pos.core.clock import Clock, db_text, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.events import CATALOG_CHANGED, EventBus
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.pricing import SETTINGS_KEY, PricingPolicy
from kiosk_pos.core.records import ProductKind, User
from kiosk_pos.core.settings import Settings
from kiosk_pos.store import Database

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk

# electronic products only: the distributor's list (a few thousand at most), never history
_SQL_ELECTRONIC = ("SELECT id, sku, name, kind, operator, cost, price FROM products "
                   "WHERE kind != 'physical' ORDER BY sku")
_SQL_PRODUCT = "SELECT kind, cost, name FROM products WHERE sku = ?"
_SQL_SETTING = ("INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
_SQL_PRICE = "UPDATE products SET price = ?, updated_at = ? WHERE id = ?"


@dataclass(frozen=True, slots=True)
class Repriced:
    sku: str
    name: str
    cost: int
    old: int
    new: int


def _changes(cur: sqlite3.Cursor, policy: PricingPolicy) -> list[tuple[int, Repriced]]:
    out = []
    for id_, sku, name, kind, operator, cost, price in cur.execute(_SQL_ELECTRONIC):
        new = policy.price_for(ProductKind(kind), operator, cost, sku)
        if new != price:
            out.append((id_, Repriced(sku, name, cost, price, new)))
    return out


def _check_overrides(cur: sqlite3.Cursor, policy: PricingPolicy) -> None:
    """A fixed price names an electronic product, and is not below what it costs now."""
    for sku, price in policy.overrides.items():
        row = cur.execute(_SQL_PRODUCT, (sku,)).fetchone()
        if row is None or row[0] == ProductKind.PHYSICAL.value:
            raise KioskError("pricing.error.override_sku", sku=sku)
        if price < row[1]:
            raise KioskError("pricing.error.override_below_cost", name=row[2], price=price,
                             cost=row[1])


class MarkupRuleService:
    def __init__(self, db: Database, settings: Settings, catalog: CatalogService,
                 events: EventBus, clock: Clock = utc_now) -> None:
        self._db, self._settings, self._catalog = db, settings, catalog
        self._events, self._clock = events, clock

    def policy(self) -> PricingPolicy:
        return PricingPolicy.from_json(self._settings.get(SETTINGS_KEY))

    def preview(self, policy: PricingPolicy) -> list[Repriced]:
        """The electronic products whose selling price these rules would change."""
        with self._db.read_raw() as cur:
            _check_overrides(cur, policy)
            return [r for _id, r in _changes(cur, policy)]

    def save(self, user: User | None, policy: PricingPolicy) -> list[Repriced]:
        """Owner only: the rules, the new prices and the audit row in one transaction."""
        require(user, Permission.UPDATE_PRICES)
        now = self._clock()
        with self._db.write_raw() as cur:
            _check_overrides(cur, policy)
            row = cur.execute("SELECT value FROM settings WHERE key = ?",
                              (SETTINGS_KEY,)).fetchone()
            before = PricingPolicy.from_json(json.loads(row[0]) if row else None)
            changes = _changes(cur, policy)
            cur.execute(_SQL_SETTING, (SETTINGS_KEY, json.dumps(policy.to_json())))
            stamp = db_text(now)
            for id_, change in changes:
                cur.execute(_SQL_PRICE, (change.new, stamp, id_))
            audit.record(cur, "prices.rules_changed", user, now, before=before.to_json(),
                         after=policy.to_json(), repriced=len(changes))
        if changes:
            self._catalog.invalidate()
            self._events.trigger(CATALOG_CHANGED)
        return [c for _id, c in changes]


def for_kiosk(kiosk: Kiosk) -> MarkupRuleService:
    return MarkupRuleService(kiosk.db, kiosk.settings, kiosk.catalog, kiosk.events,
                             kiosk.clock)
