"""The owner's price rule commands under ``prices`` (``prices rules`` shows them):
``set-rule``, ``remove-rule``, ``fixed-price`` and ``step``. Each reprices the electronic
products in the same transaction and is audited; ``--dry-run`` lists what would change and
writes nothing. The owner's PIN is asked for every change."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk_pos.cli.backoffice import check_text, kiosk_for, number, rupiah
from kiosk_pos.cli.common import EXIT_OK, CliError, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin
from kiosk_pos.i18n import tr

KINDS = ("pulsa", "data", "pln", "ewallet")


def register_under(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the commands to the ``prices`` sub-parsers."""
    s = sub.add_parser("set-rule", parents=[common],
                       help="add or change a markup rule for a kind and/or operator")
    _target(s)
    s.add_argument("--fixed", default="0", help="rupiah added to the cost (default 0)")
    s.add_argument("--percent", default="0", help="percent of the cost added, e.g. 2.5")
    _tail(s, cmd_set_rule)
    r = sub.add_parser("remove-rule", parents=[common], help="remove a markup rule")
    _target(r)
    _tail(r, cmd_remove_rule)
    f = sub.add_parser("fixed-price", parents=[common],
                       help="sell one SKU at a fixed price (never below cost), or --clear it")
    f.add_argument("--sku", required=True, help="the product's SKU")
    f.add_argument("--price", help="the selling price in rupiah")
    f.add_argument("--clear", action="store_true", help="back to the markup rules")
    _tail(f, cmd_fixed_price)
    st = sub.add_parser("step", parents=[common], help="round selling prices up to this step")
    st.add_argument("--step", required=True, help="rupiah, e.g. 500 (1: no rounding)")
    _tail(st, cmd_step)


def _target(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", choices=KINDS, help="the product kind (default: every kind)")
    p.add_argument("--operator", help="the operator, e.g. telkomsel (default: every one)")


def _tail(p: argparse.ArgumentParser, handler: Any) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would change, save nothing")
    add_pin(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=handler)


def _apply(args: argparse.Namespace, change: Any) -> int:
    """Build the new rules with ``change(policy)``, then preview or save them."""
    from kiosk_pos.core.markup_rules import for_kiosk
    from kiosk_pos.core.permissions import Permission

    check_text(args)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.UPDATE_PRICES)
        rules = for_kiosk(kiosk)
        policy = change(rules.policy())
        moved = rules.preview(policy) if args.dry_run else rules.save(user, policy)
    if args.json:
        print_json({"applied": not args.dry_run, "rules": policy.to_json(),
                    "repriced": [{"sku": r.sku, "name": r.name, "cost": r.cost,
                                  "old_price": r.old, "new_price": r.new} for r in moved]})
        return EXIT_OK
    key = "markup.cli.would_change" if args.dry_run else "markup.cli.changed"
    print(tr(key, count=len(moved)))
    for r in moved:
        print(f"  {r.sku:<12} {r.name:<28} {r.old:>9} -> {r.new:>9}")
    return EXIT_OK


def _rule(args: argparse.Namespace, fixed: int = 0, percent: str = "0") -> Any:
    from kiosk_pos.core.pricing import MarkupRule
    from kiosk_pos.core.records import ProductKind

    kind = ProductKind(args.kind) if args.kind else None
    return MarkupRule(kind, (args.operator or "").strip() or None, fixed, percent)


def cmd_set_rule(args: argparse.Namespace) -> int:
    check_text(args)
    rule = _rule(args, rupiah(args.fixed) or 0, args.percent)
    return _apply(args, lambda policy: policy.with_rule(rule))


def cmd_remove_rule(args: argparse.Namespace) -> int:
    check_text(args)
    rule = _rule(args)

    def change(policy: Any) -> Any:
        if not any((r.kind, r.operator) == (rule.kind, rule.operator) for r in policy.rules):
            raise CliError(tr("markup.cli.no_such_rule", kind=args.kind or "*",
                              operator=rule.operator or "*"))
        return policy.without_rule(rule.kind, rule.operator)

    return _apply(args, change)


def cmd_fixed_price(args: argparse.Namespace) -> int:
    check_text(args)
    if args.clear == (args.price is not None):
        raise CliError(tr("markup.cli.price_or_clear"))
    price = None if args.clear else rupiah(args.price)
    return _apply(args, lambda policy: policy.with_override(args.sku, price))


def cmd_step(args: argparse.Namespace) -> int:
    check_text(args)
    step = number(args.step) or 0
    return _apply(args, lambda policy: policy.with_step(step))
