"""Price-list sync: pull what changed since the saved version from the distributor.

The core (:mod:`kiosk_pos.core.price_list`) writes the list into the products table with
its version, reprices it by the kiosk's markup rules and announces the change; this module
only asks the distributor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.price_list import PriceSyncResult, apply_price_list, saved_version
from kiosk_pos.sync import convert

if TYPE_CHECKING:
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.core.records import User
    from kiosk_pos.sync.client import DistributorClient

__all__ = ["PriceSyncResult", "pull_prices", "sync_prices"]


def pull_prices(kiosk: Kiosk, client: DistributorClient, user: User | None
                ) -> PriceSyncResult:
    """One price-list sync a person asked for (the owner's: it reprices the shop); the
    detailed result (for the CLI and the UI)."""
    require(user, Permission.UPDATE_PRICES)
    result = _pull(kiosk, client)
    from kiosk_pos.core import audit

    audit.note(kiosk.db, "prices.updated", user, kiosk.clock, version=result.version,
               updated=len(result.updated), added=len(result.added))
    return result


def _pull(kiosk: Kiosk, client: DistributorClient) -> PriceSyncResult:
    since = saved_version(kiosk)
    price_list = client.prices(since=since)
    if price_list.version < since:  # the distributor's list was rebuilt: start over
        since = 0
        price_list = client.prices(since=0)
    return apply_price_list(kiosk, [convert.price_item(p) for p in price_list.products],
                            price_list.version, since)


def sync_prices(kiosk: Kiosk, client: DistributorClient) -> int:
    """The sync service's own pull of the price list changes since the saved version (no
    person acts); returns how many products changed."""
    return _pull(kiosk, client).changed
