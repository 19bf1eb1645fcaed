"""Markup rules: fixed and percentage, rounding up to the step, most specific wins, >= cost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.pricing import (
    MarkupRule,
    PricingPolicy,
    load_policy,
    round_up,
    save_policy,
)
from kiosk_pos.core.records import ProductKind as K


@pytest.mark.parametrize("amount, step, expected", [
    (10_350, 500, 10_500), (10_500, 500, 10_500), (10_501, 500, 11_000), (1, 500, 500),
    (0, 500, 0), (10_351, 1, 10_351), (10_351, 1_000, 11_000), (12_345, 100, 12_400),
])
def test_round_up(amount: int, step: int, expected: int) -> None:
    assert round_up(amount, step) == expected


def test_fixed_markup_rounded_up_to_500() -> None:
    policy = PricingPolicy([MarkupRule(K.PULSA, None, fixed=1_500)])
    assert policy.price_for(K.PULSA, "telkomsel", 10_350) == 12_000  # 11.850 -> 12.000
    assert policy.price_for(K.PULSA, "telkomsel", 10_000) == 11_500  # exact, not bumped


def test_percentage_markup_and_other_step() -> None:
    policy = PricingPolicy([MarkupRule(K.EWALLET, None, percent=Decimal("2.5"))], step=100)
    # 2.5% of 101.000 = 2.525 -> 103.525 -> 103.600
    assert policy.price_for(K.EWALLET, "dana", 101_000) == 103_600
    mixed = PricingPolicy([MarkupRule(None, None, fixed=1_000, percent="1")])
    assert mixed.price_for(K.DATA, "xl", 50_000) == 51_500  # 50.000 + 1.000 + 500


def test_most_specific_rule_wins() -> None:
    policy = PricingPolicy([
        MarkupRule(None, None, fixed=1_000),
        MarkupRule(K.PULSA, None, fixed=2_000),
        MarkupRule(None, "telkomsel", fixed=3_000),
        MarkupRule(K.PULSA, "telkomsel", fixed=4_000),
    ], step=1)
    assert policy.price_for(K.PULSA, "telkomsel", 10_000) == 14_000
    assert policy.price_for(K.DATA, "telkomsel", 10_000) == 13_000
    assert policy.price_for(K.PULSA, "xl", 10_000) == 12_000
    assert policy.price_for(K.PLN, "pln", 10_000) == 11_000
    assert policy.rule_for(K.PULSA, "TELKOMSEL").fixed == 4_000  # operator case-insensitive


def test_never_below_cost() -> None:
    zero = PricingPolicy([MarkupRule(None, None)], step=500)
    for cost in (0, 1, 499, 10_250, 99_999):
        assert zero.price_for(K.PULSA, "tri", cost) >= cost
    assert PricingPolicy([]).price_for(K.PLN, "pln", 20_150) == 20_500
    with pytest.raises(KioskError):
        MarkupRule(K.PULSA, None, fixed=-500)  # a discount below cost is refused
    with pytest.raises(KioskError):
        MarkupRule(K.PULSA, None, percent="-3")
    with pytest.raises(KioskError):
        zero.price_for(K.PULSA, "tri", -1)


def test_defaults_cover_every_electronic_kind() -> None:
    policy = PricingPolicy()
    for kind in (K.PULSA, K.DATA, K.PLN, K.EWALLET):
        assert policy.rule_for(kind, "any").kind == kind
    assert policy.price_for(K.PULSA, "telkomsel", 10_350) == 12_000


def test_bad_rules_are_sentences() -> None:
    with pytest.raises(KioskError) as err:
        PricingPolicy([MarkupRule(K.PULSA), MarkupRule(K.PULSA)])
    assert "dua aturan" in str(err.value)
    with pytest.raises(KioskError) as err:
        MarkupRule.from_json({"kind": "sembako", "fixed": 1})
    assert "tidak dikenal" in str(err.value)
    with pytest.raises(KioskError):
        PricingPolicy(step=0)


def test_rules_round_trip_through_kiosk_settings(tmp_path) -> None:
    from kiosk_pos.core.setup import init_kiosk

    kiosk = init_kiosk(tmp_path, "Konter", "9999")
    try:
        assert load_policy(kiosk.settings) == PricingPolicy()
        policy = PricingPolicy().with_rule(MarkupRule(K.PULSA, "xl", percent="3.5"))
        save_policy(kiosk.settings, policy)
        again = load_policy(kiosk.settings)
        assert again == policy
        assert again.rule_for(K.PULSA, "xl").percent == Decimal("3.5")
        assert isinstance(kiosk.settings.get("pricing.rules")["rules"][0]["percent"], str)
    finally:
        kiosk.close()
