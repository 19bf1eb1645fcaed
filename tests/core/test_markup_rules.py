"""The owner edits the selling price rules of electronic products: a preview shows what
would change; saving writes the rules, the new prices and an audit row in one transaction;
a fixed price per SKU is refused below cost, or for goods the rules do not price; a clerk
changes nothing."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.markup_rules import for_kiosk
from kiosk_pos.core.pricing import MarkupRule
from kiosk_pos.core.records import ProductKind as K


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


def prices(kiosk) -> dict[str, int]:
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return dict(conn.execute("SELECT sku, price FROM products"))
    finally:
        conn.close()


def audit_rows(kiosk) -> list[str]:
    conn = sqlite3.connect(kiosk.db.path)
    try:
        return [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    finally:
        conn.close()


def test_preview_then_save_reprices_and_audits(kiosk, owner):
    rules = for_kiosk(kiosk)
    policy = rules.policy().with_rule(MarkupRule(K.PULSA, "telkomsel", fixed=3_000))
    preview = {r.sku: (r.old, r.new) for r in rules.preview(policy)}
    tsel10 = kiosk.catalog.catalog.get("TSEL10")
    assert preview["TSEL10"] == (tsel10.price, -(-(tsel10.cost + 3_000) // 500) * 500)
    assert prices(kiosk)["TSEL10"] == tsel10.price  # a preview writes nothing
    saved = rules.save(owner, policy)
    assert {r.sku: (r.old, r.new) for r in saved} == preview
    assert prices(kiosk)["TSEL10"] == preview["TSEL10"][1]
    assert kiosk.catalog.catalog.get("TSEL10").price == preview["TSEL10"][1]
    assert rules.policy() == policy
    assert audit_rows(kiosk)[-1] == "prices.rules_changed"
    assert rules.save(owner, policy) == []  # the same rules again: nothing to reprice


def test_a_fixed_price_per_sku_never_below_cost(kiosk, owner):
    rules = for_kiosk(kiosk)
    cost = kiosk.catalog.catalog.get("TSEL10").cost
    rules.save(owner, rules.policy().with_override("TSEL10", 12_750))
    assert kiosk.catalog.catalog.get("TSEL10").price == 12_750
    before = prices(kiosk)
    for sku, price, words in (("TSEL10", cost - 1, "di bawah modal"),
                              ("SP-XL", 15_000, "Barang"), ("NOPE", 5_000, "NOPE")):
        with pytest.raises(KioskError) as refused:
            rules.save(owner, rules.policy().with_override(sku, price))
        assert words in refused.value.message
    assert prices(kiosk) == before
    rules.save(owner, rules.policy().with_override("TSEL10", None))  # back to the rules
    assert "TSEL10" not in rules.policy().overrides


def test_a_percentage_and_the_step(kiosk, owner):
    rules = for_kiosk(kiosk)
    policy = rules.policy().with_rule(MarkupRule(K.EWALLET, None, percent=Decimal("2.5")))
    rules.save(owner, policy.with_step(100))
    assert kiosk.catalog.catalog.get("DANA100").price == 103_600  # 101.000 + 2.525 -> 103.600
    rules.save(owner, rules.policy().without_rule(K.EWALLET, None))
    assert all(r.kind is not K.EWALLET for r in rules.policy().rules)


def test_a_clerk_changes_nothing(kiosk, clerk):
    rules = for_kiosk(kiosk)
    before = prices(kiosk)
    with pytest.raises(PermissionDenied):
        rules.save(clerk, rules.policy().with_rule(MarkupRule(None, None, fixed=9_000)))
    assert prices(kiosk) == before and kiosk.settings.get("pricing.rules") is None
