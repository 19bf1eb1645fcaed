"""Number -> operator -> product list, as the sales screen asks on every key press.

A 5,000-product catalogue (a distributor's full price list) is built in memory and
``Catalog.choices_for`` is timed with numbers of every operator, typed in the ways
clerks type them. A bare dict look-up of the 4-digit prefix is printed beside it as
a reference for the floor of the operation.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import Result, median, say
from kiosk_pos.core.catalog import Catalog
from kiosk_pos.core.phone import default_prefix_table
from kiosk_pos.core.records import Product, ProductKind

NAME = "catalog_lookup"
PRODUCTS = 5_000
LIMIT_S = 0.001
CALLS_PER_BATCH = 1_000
EWALLETS = ("dana", "ovo", "gopay", "shopeepay")

NUMBERS = (
    "081234567890", "0857-1234-5678", "+62 817 2345 6789", "6283812345678", "0896 1234 5678",
    "088812345678", "0821", "08523", "8111234567", "080012345678",
)


def build_products(n: int = PRODUCTS) -> list[Product]:
    """``n`` electronic products: pulsa and data per operator, PLN tokens, e-wallets."""
    table = default_prefix_table()
    operators = sorted({code for code in table.prefixes().values()})
    plan: list[tuple[ProductKind, str]] = []
    for op in operators:
        plan += [(ProductKind.PULSA, op)] * 2 + [(ProductKind.DATA, op)] * 7
    plan += [(ProductKind.PLN, "pln")] + [(ProductKind.EWALLET, w) for w in EWALLETS]
    out = []
    for i in range(n):
        kind, op = plan[i % len(plan)]
        nominal = 1_000 * (5 + (i * 7919) % 995)
        cost = nominal + 150 + i % 400
        out.append(Product(sku=f"{op[:4].upper()}{kind.value[:2].upper()}{i}",
                           name=f"{op} {kind.value} {nominal:,}".replace(",", "."),
                           kind=kind, operator=op, nominal=nominal, cost=cost,
                           price=cost + 1_500, id=i + 1))
    return out


def _per_call(fn: Callable[[str], object], numbers: tuple[str, ...]) -> float:
    calls = [numbers[i % len(numbers)] for i in range(CALLS_PER_BATCH)]
    start = time.perf_counter()
    for number in calls:
        fn(number)
    return (time.perf_counter() - start) / len(calls)


def run(quick: bool) -> list[Result]:
    batches = 20 if quick else 100
    products = build_products()
    table = default_prefix_table()
    start = time.perf_counter()
    catalog = Catalog(products, table)
    build_s = time.perf_counter() - start
    prefixes = table.prefixes()

    def bare(number: str) -> object:
        return prefixes.get(number[:4])

    sample = catalog.choices_for(NUMBERS[0])
    shown = sum(len(v) for v in sample.products.values())
    say(f"  {len(catalog):,} products; {NUMBERS[0]} -> {sample.operator and sample.operator.name}"
        f", {shown} products on screen")
    lookups: list[float] = []
    dicts: list[float] = []
    for i in range(batches):
        if i % 2:
            lookups.append(_per_call(catalog.choices_for, NUMBERS))
            dicts.append(_per_call(bare, NUMBERS))
        else:
            dicts.append(_per_call(bare, NUMBERS))
            lookups.append(_per_call(catalog.choices_for, NUMBERS))
    value, base = median(lookups), median(dicts)
    return [
        Result(NAME, f"choices_for() on {PRODUCTS:,} products, median", value, base, "s",
               f"<= {LIMIT_S * 1e3:g} ms", value <= LIMIT_S,
               "baseline: bare dict look-up of the prefix (reference only)"),
        Result(NAME, f"Catalog({PRODUCTS:,} products) build", build_s, None, "s", "reported",
               None, "rebuilt after a price-list sync"),
    ]
