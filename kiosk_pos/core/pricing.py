"""The kiosk's markup rules: how a distributor cost becomes the price the customer pays.

A rule applies to a product kind, an operator, both, or everything. The most specific
rule wins (kind+operator, then operator, then kind, then the catch-all). A rule adds a
fixed amount and/or a percentage of the cost; the result is rounded UP to the step
(Rp500 by default) and never falls below cost. Percentages are kept as Decimal text, so
no float ever holds money.

The rules live in the kiosk's settings under ``pricing.rules``::

    {"step": 500, "rules": [{"kind": "pulsa", "operator": null, "fixed": 1500,
                             "percent": "0"}, ...],
     "overrides": {"TSEL10": 12500}}

An override fixes one SKU's selling price; it too never sells below cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any, Protocol

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.records import ProductKind

SETTINGS_KEY = "pricing.rules"
DEFAULT_STEP = 500
MAX_PERCENT = Decimal(1000)


class SettingsStore(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


@dataclass(frozen=True, slots=True)
class MarkupRule:
    """``fixed`` rupiah plus ``percent`` of the cost, for a kind and/or an operator."""

    kind: ProductKind | None = None
    operator: str | None = None
    fixed: int = 0
    percent: Decimal = field(default_factory=Decimal)

    def __post_init__(self) -> None:
        if isinstance(self.fixed, bool) or not isinstance(self.fixed, int) or self.fixed < 0:
            raise KioskError("pricing.error.fixed", value=self.fixed)
        percent = _as_decimal(self.percent)
        if percent < 0 or percent > MAX_PERCENT:
            raise KioskError("pricing.error.percent", value=self.percent)
        object.__setattr__(self, "percent", percent)
        if self.kind is not None:
            object.__setattr__(self, "kind", ProductKind(self.kind))
        if self.operator is not None:
            object.__setattr__(self, "operator", self.operator.strip().lower() or None)

    @property
    def specificity(self) -> int:
        """3 kind+operator, 2 operator, 1 kind, 0 everything."""
        return (2 if self.operator else 0) + (1 if self.kind else 0)

    def matches(self, kind: ProductKind, operator: str | None) -> bool:
        if self.kind is not None and self.kind != kind:
            return False
        return self.operator is None or self.operator == (operator or "").lower()

    def markup(self, cost: int) -> int:
        """Rupiah added to ``cost`` (the percentage part rounded up to a whole rupiah)."""
        share = (Decimal(cost) * self.percent / 100).to_integral_value(rounding=ROUND_CEILING)
        return self.fixed + int(share)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value if self.kind else None, "operator": self.operator,
                "fixed": self.fixed, "percent": str(self.percent)}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> MarkupRule:
        kind = raw.get("kind")
        try:
            parsed_kind = ProductKind(kind) if kind else None
        except ValueError:
            raise KioskError("pricing.error.kind", value=kind) from None
        fixed = raw.get("fixed", 0)
        if isinstance(fixed, str) and fixed.strip().isdigit():
            fixed = int(fixed)
        return cls(parsed_kind, raw.get("operator") or None, fixed, raw.get("percent", "0"))

    def describe(self) -> str:
        parts = []
        if self.fixed:
            parts.append(f"+Rp{self.fixed:,}".replace(",", "."))
        if self.percent:
            parts.append(f"+{self.percent.normalize():f}%")
        return " ".join(parts) or "+0"


def _as_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise KioskError("pricing.error.percent", value=value)
    try:
        return Decimal(str(value).strip().rstrip("%") or "0")
    except InvalidOperation:
        raise KioskError("pricing.error.percent", value=value) from None


def round_up(amount: int, step: int) -> int:
    """``amount`` rounded up to a multiple of ``step`` (step 1 leaves it alone)."""
    if step <= 1:
        return amount
    return -(-amount // step) * step


DEFAULT_RULES = (
    MarkupRule(None, None, fixed=1_000),
    MarkupRule(ProductKind.PULSA, None, fixed=1_500),
    MarkupRule(ProductKind.DATA, None, fixed=2_000),
    MarkupRule(ProductKind.PLN, None, fixed=2_500),
    MarkupRule(ProductKind.EWALLET, None, fixed=1_500),
)


class PricingPolicy:
    """A set of rules and a rounding step; :meth:`price_for` is the one question it answers."""

    def __init__(self, rules: Iterable[MarkupRule] = DEFAULT_RULES,
                 step: int = DEFAULT_STEP, overrides: Mapping[str, int] | None = None) -> None:
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise KioskError("pricing.error.step", value=step)
        self.step = step
        self.rules = tuple(rules)
        self.overrides: dict[str, int] = {}
        for sku, price in (overrides or {}).items():
            if isinstance(price, bool) or not isinstance(price, int) or price < 1:
                raise KioskError("pricing.error.override", sku=sku, value=price)
            self.overrides[str(sku).strip()] = price
        seen = set()
        for rule in self.rules:
            key = (rule.kind, rule.operator)
            if key in seen:
                raise KioskError("pricing.error.duplicate", kind=rule.kind or "*",
                                 operator=rule.operator or "*")
            seen.add(key)

    def rule_for(self, kind: ProductKind, operator: str | None) -> MarkupRule:
        """The most specific rule for ``kind`` and ``operator`` (no markup when none fits)."""
        best: MarkupRule | None = None
        for rule in self.rules:
            if rule.matches(kind, operator) and (
                best is None or rule.specificity > best.specificity
            ):
                best = rule
        return best or MarkupRule()

    def price_for(self, kind: ProductKind, operator: str | None, cost: int,
                  sku: str | None = None) -> int:
        """Selling price for a product that costs the kiosk ``cost`` (the owner's fixed
        price for ``sku`` if there is one): never below cost."""
        if isinstance(cost, bool) or not isinstance(cost, int) or cost < 0:
            raise KioskError("pricing.error.cost", value=cost)
        if sku is not None and sku in self.overrides:
            return max(self.overrides[sku], cost)
        price = round_up(cost + self.rule_for(ProductKind(kind), operator).markup(cost),
                         self.step)
        return max(price, cost)

    def with_rule(self, rule: MarkupRule) -> PricingPolicy:
        """A copy where ``rule`` replaces the rule for the same kind and operator."""
        others = [r for r in self.rules if (r.kind, r.operator) != (rule.kind, rule.operator)]
        return PricingPolicy([*others, rule], self.step, self.overrides)

    def without_rule(self, kind: ProductKind | None, operator: str | None) -> PricingPolicy:
        key = MarkupRule(kind, operator)
        return PricingPolicy([r for r in self.rules if (r.kind, r.operator) !=
                              (key.kind, key.operator)], self.step, self.overrides)

    def with_override(self, sku: str, price: int | None) -> PricingPolicy:
        """A copy where ``sku`` sells at ``price`` (None: back to the rules)."""
        overrides = {k: v for k, v in self.overrides.items() if k != sku.strip()}
        if price is not None:
            overrides[sku.strip()] = price
        return PricingPolicy(self.rules, self.step, overrides)

    def with_step(self, step: int) -> PricingPolicy:
        return PricingPolicy(self.rules, step, self.overrides)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"step": self.step, "rules": [r.to_json() for r in self.rules]}
        if self.overrides:
            out["overrides"] = dict(sorted(self.overrides.items()))
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any] | None) -> PricingPolicy:
        if not raw:
            return cls()
        rules = raw.get("rules")
        overrides = raw.get("overrides") or {}
        if rules is None:
            return cls(step=int(raw.get("step", DEFAULT_STEP)), overrides=overrides)
        return cls([MarkupRule.from_json(r) for r in rules], int(raw.get("step", DEFAULT_STEP)),
                   overrides)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, PricingPolicy) and self.step == other.step
                and set(self.rules) == set(other.rules) and self.overrides == other.overrides)

    def __hash__(self) -> int:
        return hash((self.step, frozenset(self.rules), frozenset(self.overrides.items())))

    def __repr__(self) -> str:
        return f"PricingPolicy(step={self.step}, rules={len(self.rules)})"


def load_policy(settings: SettingsStore) -> PricingPolicy:
    """The kiosk's rules (the defaults until the owner saves their own)."""
    return PricingPolicy.from_json(settings.get(SETTINGS_KEY))


def save_policy(settings: SettingsStore, policy: PricingPolicy) -> None:
    settings.set(SETTINGS_KEY, policy.to_json())
