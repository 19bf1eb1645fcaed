"""The price list: import from CSV/JSON, versioned so kiosks pull only what changed.

Every import that changes anything bumps the global ``price_version`` counter once, and the
changed rows take that version. ``GET /v1/prices?since=V`` returns rows with version > V.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pulsa_protocol import wire
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from distributor_server.clock import utcnow
from distributor_server.db import Database
from distributor_server.destinations import known_operator_codes
from distributor_server.models import Counter, Product


def demo_price_rows() -> list[ProductRow]:
    """The demo distributor sells the electronic products of the kiosk's demo catalogue,
    at the cost the kiosk has cached for them: one file, so the two ends agree."""
    from pulsa_protocol.data import DEMO_CATALOG, load_json

    items = load_json(DEMO_CATALOG)["products"]
    # the kiosk's cost is the demo distributor's price; the supplier's cost is not known
    return [parse_row({**item, "price": item["cost"], "cost": None},
                      f"{DEMO_CATALOG} {item['sku']}")
            for item in items if item["kind"] != "physical"]
FIELDS = ("sku", "name", "kind", "operator", "nominal", "price", "active")


class PriceListError(ValueError):
    """A price list row that cannot be used; the message names the row and the problem."""


@dataclass(frozen=True)
class ProductRow:
    sku: str
    name: str
    kind: str
    operator: str
    nominal: int
    price: int
    active: bool = True
    cost: int | None = None
    """What the supplier charges, when the file says (a ``cost`` column); else kept as is."""


def _as_int(value: object, what: str, where: str) -> int:
    if isinstance(value, bool) or isinstance(value, float):
        raise PriceListError(f"{where}: {what} must be whole rupiah, got {value!r}.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise PriceListError(f"{where}: {what} must be whole rupiah, got {value!r}.")
        number = int(text)
    if number < 0:
        raise PriceListError(f"{where}: {what} cannot be negative.")
    if number > wire.MAX_RUPIAH:
        raise PriceListError(f"{where}: {what} is over {wire.MAX_RUPIAH} rupiah.")
    return number


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in ("0", "false", "no", "n", "")


def parse_row(raw: Mapping, where: str) -> ProductRow:
    missing = [f for f in FIELDS[:-1] if raw.get(f) in (None, "")]
    if missing:
        raise PriceListError(f"{where}: missing {', '.join(missing)}.")
    kind = str(raw["kind"]).strip().lower()
    if kind not in {k.value for k in wire.ProductKind}:
        kinds = ", ".join(k.value for k in wire.ProductKind)
        raise PriceListError(f"{where}: kind {raw['kind']!r} is not one of {kinds}.")
    operator = str(raw["operator"]).strip().lower()
    if operator not in known_operator_codes():
        raise PriceListError(f"{where}: operator {raw['operator']!r} is unknown.")
    return ProductRow(
        sku=str(raw["sku"]).strip().upper(),
        name=str(raw["name"]).strip(),
        kind=kind,
        operator=operator,
        nominal=_as_int(raw["nominal"], "nominal", where),
        price=_as_int(raw["price"], "price", where),
        active=_as_bool(raw.get("active", True)),
        cost=(_as_int(raw["cost"], "cost", where)
              if raw.get("cost") not in (None, "") else None),
    )


def load_price_file(path: Path) -> list[ProductRow]:
    """Rows of a ``.json`` (a list or ``{"products": [...]}``) or ``.csv`` price list."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise PriceListError(f"cannot read {path}: {exc.strerror}.") from exc
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PriceListError(
                f"{path.name} is not valid JSON ({exc.msg}, line {exc.lineno})."
            ) from None
        items = data.get("products") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise PriceListError(f"{path.name} must hold a list of products.")
        rows = [parse_row(item if isinstance(item, dict) else {}, f"{path.name} item {i + 1}")
                for i, item in enumerate(items)]
    elif path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        rows = [parse_row(item, f"{path.name} line {i + 2}") for i, item in enumerate(reader)]
    else:
        raise PriceListError(f"{path.name}: use a .csv or .json price list.")
    if not rows:
        raise PriceListError(f"{path.name} holds no products.")
    skus = [r.sku for r in rows]
    dupes = sorted({s for s in skus if skus.count(s) > 1})
    if dupes:
        raise PriceListError(f"{path.name} lists {', '.join(dupes)} more than once.")
    return rows


def bump_counter(session: Session, name: str) -> int:
    counter = session.scalars(
        select(Counter).where(Counter.name == name).with_for_update()
    ).one_or_none()
    if counter is None:
        counter = Counter(name=name, value=0)
        session.add(counter)
    counter.value += 1
    return counter.value


def current_version(session: Session) -> int:
    value = session.scalar(select(Counter.value).where(Counter.name == "price_version"))
    return int(value or 0)


def import_products(db: Database, rows: Iterable[ProductRow]) -> tuple[int, int]:
    """Insert or update rows; returns (price version after, number of rows changed)."""
    rows = list(rows)
    with db.write() as session:
        existing = {p.sku: p for p in session.scalars(
            select(Product).where(Product.sku.in_([r.sku for r in rows]))
        )}
        changed = []
        for row in rows:
            current = existing.get(row.sku)
            if current is None or any(
                getattr(current, f) != getattr(row, f) for f in FIELDS if f != "sku"
            ) or (row.cost is not None and current.cost != row.cost):
                changed.append(row)
        if not changed:
            return current_version(session), 0
        version = bump_counter(session, "price_version")
        now = utcnow()
        for row in changed:
            product = existing.get(row.sku) or Product(sku=row.sku)
            for f in FIELDS[1:]:
                setattr(product, f, getattr(row, f))
            if row.cost is not None:
                product.cost = row.cost
            product.version = version
            product.updated_at = now
            session.add(product)
        return version, len(changed)


EDITABLE = ("price", "active", "cost")


def update_products(db: Database, changes: Mapping[str, Mapping[str, object]]
                    ) -> tuple[int, list[tuple[str, dict, dict]]]:
    """Set ``price``/``active``/``cost`` of existing products by sku, publishing every row
    whose price or on/off changed under ONE new price version (kiosks pull it with
    ``GET /v1/prices?since=``). Returns (version, [(sku, before, after)] of changed rows)."""
    with db.write() as session:
        rows = {p.sku: p for p in session.scalars(
            select(Product).where(Product.sku.in_(list(changes))).with_for_update())}
        done: list[tuple[str, dict, dict]] = []
        publish = []
        for sku, fields in changes.items():
            product = rows.get(sku)
            if product is None:
                raise PriceListError(f"there is no product {sku}.")
            before = {f: getattr(product, f) for f in EDITABLE}
            after = {**before, **{f: v for f, v in fields.items() if f in EDITABLE}}
            if after == before:
                continue
            for f in EDITABLE:
                setattr(product, f, after[f])
            done.append((sku, before, after))
            if (after["price"], after["active"]) != (before["price"], before["active"]):
                publish.append(product)
        if not publish:
            return current_version(session), done
        version = bump_counter(session, "price_version")
        now = utcnow()
        for product in publish:
            product.version = version
            product.updated_at = now
        return version, done


def import_demo_if_empty(db: Database) -> int:
    with db.read() as session:
        if session.scalar(select(func.count()).select_from(Product)):
            return 0
    try:
        return import_products(db, demo_price_rows())[1]
    except IntegrityError:  # another process started on the same fresh database and won
        return 0


def to_wire(product: Product) -> wire.Product:
    return wire.Product(
        sku=product.sku, name=product.name, kind=wire.ProductKind(product.kind),
        operator=product.operator, nominal=product.nominal, price=product.price,
        active=product.active, version=product.version,
    )


def prices_since(db: Database, since: int) -> wire.PriceList:
    with db.read() as session:
        version = current_version(session)
        rows = session.scalars(
            select(Product).where(Product.version > since, Product.version <= version)
            .order_by(Product.sku)
        ).all()
        return wire.PriceList(version=version, products=[to_wire(p) for p in rows])
