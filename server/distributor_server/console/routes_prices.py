"""The price list page ("isi jual", finance and admin): products on/off, cost and price per
product, markup rules, and applying the rules; each change published as a new version."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pulsa_protocol import wire

from distributor_server.console import prices
from distributor_server.console.money import ConsoleRefusal
from distributor_server.console.routes_money import _amount
from distributor_server.console.sessions import ConsoleSession
from distributor_server.console.web import (
    PREFIX,
    Permission,
    actor,
    check_csrf,
    ctx_of,
    flash,
    need,
    render,
    see_other,
)
from distributor_server.destinations import known_operator_codes

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Pricer = Annotated[ConsoleSession, Depends(need(Permission.PRICES))]
KINDS = tuple(k.value for k in wire.ProductKind)


def _filters(operator: str, kind: str) -> tuple[str, str]:
    operator = operator if operator in known_operator_codes() else ""
    return operator, kind if kind in KINDS else ""


def _back(operator: str, kind: str) -> str:
    query = urlencode({k: v for k, v in (("operator", operator), ("kind", kind)) if v})
    return f"{PREFIX}/prices" + (f"?{query}" if query else "")


@router.get("/prices")
def price_list(request: Request, staff: Pricer, operator: str = "", kind: str = ""
               ) -> Response:
    operator, kind = _filters(operator, kind)
    db = ctx_of(request).db
    return render(request, "prices.html", staff=staff, nav="prices", operator=operator,
                  kind=kind, rows=prices.price_rows(db, operator, kind),
                  rules=prices.rules(db), operators=sorted(known_operator_codes()),
                  kinds=KINDS)


def _optional_amount(text: str) -> int | None:
    if not text.strip():
        return None
    value = _amount(text)
    if value is None:
        raise ConsoleRefusal("amount_bad")
    return value


@router.post("/prices/apply")
def apply_rules(request: Request, staff: Pricer, csrf: str = Form(""), operator: str = Form(""),
                kind: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    operator, kind = _filters(operator, kind)
    version, changed = prices.apply_rules(ctx_of(request).db, actor(request, staff), operator,
                                          kind)
    return flash(see_other(_back(operator, kind)), request,
                 "prices_published" if changed else "prices_unchanged", n=changed,
                 version=version)


@router.post("/prices/rules")
def save_rule(request: Request, staff: Pricer, csrf: str = Form(""), operator: str = Form(""),
              kind: str = Form(""), markup: str = Form(""), round_to: str = Form("1"),
              back_operator: str = Form(""), back_kind: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    target = _back(*_filters(back_operator, back_kind))
    numbers = (markup.strip() or "0", round_to.strip() or "1")
    if not all(n.isascii() and n.isdigit() and len(n) <= 12 for n in numbers):
        return flash(see_other(target), request, "rule_numbers_bad", error=True)
    try:
        prices.save_rule(ctx_of(request).db, actor(request, staff), operator, kind,
                         int(numbers[0]), int(numbers[1]))
    except ConsoleRefusal as exc:
        return flash(see_other(target), request, exc.key, error=True)
    return flash(see_other(target), request, "rule_saved")


@router.post("/prices/rules/{rule_id}/delete")
def delete_rule(request: Request, rule_id: int, staff: Pricer, csrf: str = Form("")
                ) -> Response:
    check_csrf(staff.csrf_token, csrf)
    try:
        prices.delete_rule(ctx_of(request).db, actor(request, staff), rule_id)
    except ConsoleRefusal as exc:
        return flash(see_other(f"{PREFIX}/prices"), request, exc.key, error=True)
    return flash(see_other(f"{PREFIX}/prices"), request, "rule_deleted")


@router.post("/prices/{sku}")
def set_product(request: Request, sku: str, staff: Pricer, csrf: str = Form(""),
                price: str = Form(""), cost: str = Form(""), active: str = Form(""),
                operator: str = Form(""), kind: str = Form("")) -> Response:
    check_csrf(staff.csrf_token, csrf)
    target = _back(*_filters(operator, kind))
    try:
        switch = {"on": True, "off": False}.get(active)
        version, changed = prices.set_product(
            ctx_of(request).db, actor(request, staff), sku[:40], price=_optional_amount(price),
            cost=_optional_amount(cost), active=switch)
    except ConsoleRefusal as exc:
        return flash(see_other(target), request, exc.key, error=True)
    return flash(see_other(target), request, "product_saved" if changed else "prices_unchanged",
                 sku=sku[:40], version=version, n=0)
