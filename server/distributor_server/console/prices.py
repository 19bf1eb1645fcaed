"""The price list ("isi jual") as the console edits it: products on and off, the supplier's
cost, the selling price to kiosks, and markup rules per operator and kind.

A rule says "price = cost + markup, rounded up to a multiple of round_to"; the most specific
rule wins ((operator, kind), then operator, then kind, then the catch-all ""/""). Every change
goes through :func:`products.update_products`, so it reaches the kiosks as one new version of
the existing versioned price list, and leaves an audit row with the product before and after.
"""

from __future__ import annotations

from dataclasses import dataclass

from pulsa_protocol import wire
from sqlalchemy import delete, select

from distributor_server import products
from distributor_server.clock import utcnow
from distributor_server.console import audit
from distributor_server.console.money import ConsoleRefusal
from distributor_server.db import Database
from distributor_server.destinations import known_operator_codes
from distributor_server.models import PriceRule, Product

MAX_ROUND = 100_000


@dataclass(frozen=True)
class Rule:
    id: int
    operator: str
    kind: str
    markup: int
    round_to: int

    def price_for(self, cost: int) -> int:
        step = max(1, self.round_to)
        return -(-(cost + self.markup) // step) * step


@dataclass(frozen=True)
class PriceRow:
    sku: str
    name: str
    kind: str
    operator: str
    nominal: int
    cost: int | None
    price: int
    active: bool
    version: int
    suggested: int | None

    @property
    def margin(self) -> int | None:
        return None if self.cost is None else self.price - self.cost


def rules(db: Database) -> list[Rule]:
    with db.read() as session:
        return [Rule(r.id, r.operator, r.kind, r.markup, r.round_to) for r in session.scalars(
            select(PriceRule).order_by(PriceRule.operator, PriceRule.kind))]


def rule_for(found: list[Rule], operator: str, kind: str) -> Rule | None:
    by_key = {(r.operator, r.kind): r for r in found}
    for key in ((operator, kind), (operator, ""), ("", kind), ("", "")):
        if key in by_key:
            return by_key[key]
    return None


def price_rows(db: Database, operator: str = "", kind: str = "") -> list[PriceRow]:
    found = rules(db)
    with db.read() as session:
        query = select(Product).order_by(Product.operator, Product.kind, Product.nominal,
                                         Product.sku)
        if operator:
            query = query.where(Product.operator == operator)
        if kind:
            query = query.where(Product.kind == kind)
        items = session.scalars(query).all()
    rows = []
    for p in items:
        rule = rule_for(found, p.operator, p.kind)
        suggested = rule.price_for(p.cost) if rule is not None and p.cost is not None else None
        rows.append(PriceRow(p.sku, p.name, p.kind, p.operator, p.nominal, p.cost, p.price,
                             p.active, p.version, suggested))
    return rows


def _publish(db: Database, actor: audit.Actor, changes: dict[str, dict]) -> tuple[int, int]:
    try:
        version, done = products.update_products(db, changes)
    except products.PriceListError:
        raise ConsoleRefusal("product_missing") from None
    if done:
        with db.write() as session:
            for sku, before, after in done:
                audit.add(session, actor, "price.change", f"product {sku}", before,
                          {**after, "version": version})
    return version, len(done)


def set_product(db: Database, actor: audit.Actor, sku: str, *, price: int | None = None,
                cost: int | None = None, active: bool | None = None) -> tuple[int, int]:
    """Change one product; (price list version, 1 if anything changed else 0)."""
    fields: dict[str, object] = {}
    for name, value in (("price", price), ("cost", cost)):
        if value is not None:
            if not 0 < value <= wire.MAX_RUPIAH:
                raise ConsoleRefusal("amount_bad")
            fields[name] = value
    if active is not None:
        fields["active"] = active
    return _publish(db, actor, {sku: fields})


def apply_rules(db: Database, actor: audit.Actor, operator: str = "", kind: str = ""
                ) -> tuple[int, int]:
    """Every shown product with a known cost gets its rule's price, in one version."""
    changes = {r.sku: {"price": r.suggested} for r in price_rows(db, operator, kind)
               if r.suggested is not None and r.suggested != r.price}
    if not changes:
        return 0, 0
    return _publish(db, actor, changes)


def save_rule(db: Database, actor: audit.Actor, operator: str, kind: str, markup: int,
              round_to: int) -> None:
    operator, kind = operator.strip().lower(), kind.strip().lower()
    if operator and operator not in known_operator_codes():
        raise ConsoleRefusal("rule_operator_bad")
    if kind and kind not in {k.value for k in wire.ProductKind}:
        raise ConsoleRefusal("rule_kind_bad")
    if not (0 <= markup <= wire.MAX_RUPIAH and 1 <= round_to <= MAX_ROUND):
        raise ConsoleRefusal("rule_numbers_bad")
    with db.write() as session:
        rule = session.scalars(select(PriceRule).where(
            PriceRule.operator == operator, PriceRule.kind == kind).with_for_update()
        ).one_or_none()
        before = None if rule is None else {"markup": rule.markup, "round_to": rule.round_to}
        if rule is None:
            rule = PriceRule(operator=operator, kind=kind)
            session.add(rule)
        rule.markup, rule.round_to, rule.updated_at = markup, round_to, utcnow()
        audit.add(session, actor, "price.rule", f"rule {operator or '*'}/{kind or '*'}",
                  before, {"markup": markup, "round_to": round_to})


def delete_rule(db: Database, actor: audit.Actor, rule_id: int) -> None:
    with db.write() as session:
        rule = session.get(PriceRule, rule_id)
        if rule is None:
            raise ConsoleRefusal("rule_missing")
        audit.add(session, actor, "price.rule_delete",
                  f"rule {rule.operator or '*'}/{rule.kind or '*'}",
                  {"markup": rule.markup, "round_to": rule.round_to}, None)
        session.execute(delete(PriceRule).where(PriceRule.id == rule_id))
