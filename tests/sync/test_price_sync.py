"""Price-list sync over HTTP: only what changed since the saved version, costs and prices
follow the distributor and the markup rules, inactive ones hidden, goods untouched."""

from __future__ import annotations

import uuid

from distributor_server.products import ProductRow, import_products
from sqlalchemy import select

from kiosk_pos.core import sync_state as state
from kiosk_pos.core.price_list import VERSION_KEY, reprice, saved_version
from kiosk_pos.core.pricing import MarkupRule, PricingPolicy, save_policy
from kiosk_pos.core.records import ProductKind
from kiosk_pos.store.schema import products
from kiosk_pos.sync.prices import pull_prices, sync_prices


def _row(shop, sku: str) -> object:
    with shop.kiosk.db.read() as conn:
        return conn.execute(select(products).where(products.c.sku == sku)).first()


def _sku() -> str:
    return "T" + uuid.uuid4().hex[:7].upper()


def test_first_sync_takes_costs_and_reprices(make_shop) -> None:
    shop = make_shop()
    goods_before = [p for p in shop.kiosk.catalog.all_products()
                    if p.kind is ProductKind.PHYSICAL]
    result = pull_prices(shop.kiosk, shop.client, shop.owner)
    assert result.version_before == 0 and result.version >= 1
    assert saved_version(shop.kiosk) == result.version
    tsel10 = _row(shop, "TSEL10")
    assert tsel10.cost == 10_350 and tsel10.price == 12_000  # +1.500, rounded up to 500
    for p in shop.kiosk.catalog.all_products():
        if p.kind.electronic:
            assert p.price >= p.cost and p.price % 500 == 0
    goods_after = [p for p in shop.kiosk.catalog.all_products()
                   if p.kind is ProductKind.PHYSICAL]
    assert goods_after == goods_before
    # nothing changed at the distributor: the next pull brings nothing
    assert sync_prices(shop.kiosk, shop.client) == 0


def test_only_changes_since_saved_version(make_shop, distributor) -> None:
    shop = make_shop()
    sync_prices(shop.kiosk, shop.client)
    a, b, c = _sku(), _sku(), _sku()
    import_products(distributor.ctx.db, [
        ProductRow(a, "Tri 7rb", "pulsa", "tri", 7_000, 7_300),
        ProductRow(b, "XL Data 2GB", "data", "xl", 0, 21_100),
        ProductRow(c, "PLN 20rb", "pln", "pln", 20_000, 20_150),
    ])
    first = pull_prices(shop.kiosk, shop.client, shop.owner)
    assert sorted(first.added) == sorted([a, b, c]) and not first.updated
    assert _row(shop, a).price == 9_000  # 7.300 + 1.500 = 8.800 -> 9.000
    assert _row(shop, b).price == 23_500  # data +2.000
    assert _row(shop, c).price == 23_000  # pln +2.500 = 22.650 -> 23.000
    assert shop.kiosk.catalog.catalog.get(a).price == 9_000

    version = import_products(distributor.ctx.db, [
        ProductRow(a, "Tri 7rb", "pulsa", "tri", 7_000, 7_600),            # cost up
        ProductRow(b, "XL Data 2GB", "data", "xl", 0, 21_100, active=False),  # withdrawn
    ])[0]
    pulled = shop.client.prices(since=first.version)
    assert sorted(p.sku for p in pulled.products) == sorted([a, b])  # c did not change
    second = pull_prices(shop.kiosk, shop.client, shop.owner)
    assert second.updated == [a] and second.hidden == [b] and not second.added
    assert second.version == version == saved_version(shop.kiosk)
    assert (_row(shop, a).cost, _row(shop, a).price) == (7_600, 9_500)
    assert not _row(shop, b).active
    assert b not in shop.kiosk.catalog.catalog.by_sku  # hidden from the sales screen
    with shop.kiosk.db.read() as conn:
        assert state.get(conn, VERSION_KEY) == version


def test_physical_goods_are_never_touched(make_shop, distributor) -> None:
    shop = make_shop()
    sync_prices(shop.kiosk, shop.client)
    before = _row(shop, "SP-TSEL")
    import_products(distributor.ctx.db, [ProductRow("SP-TSEL", "Kartu perdana?", "pulsa",
                                               "telkomsel", 0, 1_000)])
    result = pull_prices(shop.kiosk, shop.client, shop.owner)
    assert result.skipped_physical == ["SP-TSEL"] and result.changed == 0
    after = _row(shop, "SP-TSEL")
    assert (after.kind, after.cost, after.price, after.stock) == (
        before.kind, before.cost, before.price, before.stock)
    assert result.version == saved_version(shop.kiosk)


def test_owner_rules_apply_and_reprice(make_shop) -> None:
    shop = make_shop()
    policy = PricingPolicy([MarkupRule(ProductKind.PULSA, "telkomsel", percent="10"),
                            MarkupRule(None, None, fixed=1_000)], step=1_000)
    save_policy(shop.kiosk.settings, policy)
    sync_prices(shop.kiosk, shop.client)
    assert _row(shop, "TSEL10").price == 12_000   # 10.350 + 1.035 -> 12.000 (step 1.000)
    assert _row(shop, "TSEL100").price >= _row(shop, "TSEL100").cost
    save_policy(shop.kiosk.settings, PricingPolicy([MarkupRule(None, None, fixed=500)], 500))
    assert reprice(shop.kiosk) > 0
    assert _row(shop, "TSEL10").price == 11_000    # 10.850 -> 11.000
