"""Goods commands: add, edit, retire, import and export (the owner's PIN to change)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_pos.cli.backoffice import (
    check_text,
    item_json,
    kiosk_for,
    number,
    rupiah,
)
from kiosk_pos.cli.common import EXIT_OK, CliError, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.core.goods_csv import ImportPlan


def _item_options(p: argparse.ArgumentParser, *, adding: bool) -> None:
    p.add_argument("--name", help="the name on the shelf and the receipt", required=adding)
    p.add_argument("--price", required=adding, help="selling price, whole rupiah")
    p.add_argument("--cost", required=adding, help="unit cost, whole rupiah")
    p.add_argument("--barcode", action="append", default=[],
                   help="a barcode (repeat for several)" + ("" if adding else "; adds it"))
    p.add_argument("--category", help="a category to group goods")
    p.add_argument("--min-stock", help="the low-stock threshold")
    p.add_argument("--confirm-below-cost", action="store_true",
                   help="accept a selling price below the cost")
    add_pin(p)
    p.add_argument("--json", action="store_true")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("goods", parents=[common],
                              help="goods: add, edit, retire, import and export (owner PIN)")
    sub = p.add_subparsers(dest="goods", required=True, parser_class=type(p))
    a = sub.add_parser("add", parents=[common], help="add an item")
    a.add_argument("--sku", help="the SKU of the goods", required=True)
    _item_options(a, adding=True)
    a.set_defaults(handler=cmd_add)
    e = sub.add_parser("edit", parents=[common], help="change an item")
    e.add_argument("sku", metavar="SKU")
    _item_options(e, adding=False)
    e.add_argument("--remove-barcode", help="take this barcode off the goods (repeatable)",
                   action="append", default=[])
    e.set_defaults(handler=cmd_edit)
    r = sub.add_parser("retire", parents=[common], help="stop selling an item (kept in history)")
    r.add_argument("sku", metavar="SKU")
    add_pin(r)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_retire)
    i = sub.add_parser("import", parents=[common],
                       help="read goods from a CSV file: a dry run, or --apply")
    i.add_argument("file", metavar="FILE")
    i.add_argument("--apply", action="store_true", help="save it (all rows or none)")
    add_pin(i)
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=cmd_import)
    ls = sub.add_parser("list", parents=[common], help="goods in SKU order, a page at a time")
    ls.add_argument("--after", default="", metavar="SKU", help="the page after this SKU")
    ls.add_argument("--limit", help="at most this many goods (default: 500)", default="500")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    x = sub.add_parser("export", parents=[common], help="write every item to a CSV file")
    x.add_argument("file", metavar="FILE")
    x.set_defaults(handler=cmd_export)


def _below_cost(exc: Exception) -> CliError:
    return CliError(tr("cli.confirm_below_cost", **exc.params))  # type: ignore[attr-defined]


def _show(item: Any, as_json: bool) -> None:
    from pulsa_protocol.money import format_rupiah

    if as_json:
        print_json(item_json(item))
        return
    codes = ", ".join(item.barcodes) or "-"
    state = "" if item.active else " [pensiun/retired]"
    print(f"{item.sku} {item.name} ({item.category or '-'}) jual {format_rupiah(item.price)} "
          f"modal {format_rupiah(item.cost)} stok {item.stock} min {item.min_stock} "
          f"barcode {codes}{state}")


def cmd_add(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.goods import NewGoods, PriceBelowCost
    from kiosk_pos.core.permissions import Permission

    item = NewGoods(args.sku, args.name, rupiah(args.price) or 0, rupiah(args.cost) or 0,
                    args.category, tuple(args.barcode), number(args.min_stock) or 0)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_GOODS)
        try:
            saved = kiosk.goods.add(user, item, allow_below_cost=args.confirm_below_cost)
        except PriceBelowCost as exc:
            raise _below_cost(exc) from None
        _show(saved, args.json)
    return EXIT_OK


def cmd_edit(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.goods import GoodsChange, PriceBelowCost
    from kiosk_pos.core.permissions import Permission

    change = GoodsChange(name=args.name, price=rupiah(args.price), cost=rupiah(args.cost),
                         category=args.category, min_stock=number(args.min_stock),
                         add_barcodes=tuple(args.barcode),
                         remove_barcodes=tuple(args.remove_barcode))
    if change == GoodsChange():
        raise CliError(tr("cli.nothing_to_edit"))
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_GOODS)
        try:
            saved = kiosk.goods.edit(user, args.sku, change,
                                     allow_below_cost=args.confirm_below_cost)
        except PriceBelowCost as exc:
            raise _below_cost(exc) from None
        _show(saved, args.json)
    return EXIT_OK


def cmd_retire(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission

    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_GOODS)
        _show(kiosk.goods.retire(user, args.sku), args.json)
    return EXIT_OK


def plan_json(plan: ImportPlan, applied: bool) -> dict[str, Any]:
    notes = lambda rows: [{"row": n.row, "sku": n.sku, "detail": n.detail}  # noqa: E731
                          for n in rows]
    return {"applied": applied, "added": notes(plan.added), "changed": notes(plan.changed),
            "refused": notes(plan.refused), "unchanged": plan.unchanged}


def _print_plan(plan: ImportPlan, applied: bool) -> None:
    for title, rows in (("tambah/add", plan.added), ("ubah/change", plan.changed),
                        ("TOLAK/REFUSED", plan.refused)):
        for n in rows:
            print(f"{title:<14} baris {n.row:>6}  {n.sku:<16} {n.detail}")
    state = "disimpan/applied" if applied else "uji coba/dry run: belum disimpan (--apply)"
    print(f"{len(plan.added)} tambah, {len(plan.changed)} ubah, {plan.unchanged} sama, "
          f"{len(plan.refused)} ditolak - {state}")


def cmd_import(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.goods_csv import GoodsCsv
    from kiosk_pos.core.permissions import Permission

    path = Path(args.file)
    if not path.is_file():
        raise CliError(tr("cli.file_missing", path=path))
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_GOODS)
        service = GoodsCsv(kiosk.db, kiosk.catalog, kiosk.events, kiosk.clock)
        data = path.read_bytes()
        plan = service.dry_run(user, data)
        applied = bool(args.apply and not plan.refused)
        if applied:
            plan = service.apply(user, data, plan)
        print_json(plan_json(plan, applied)) if args.json else _print_plan(plan, applied)
        if plan.refused:
            sys.stdout.flush()
            raise CliError(tr("cli.import_refused", count=len(plan.refused)))
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    check_text(args)
    limit = max(1, min(number(args.limit) or 500, 5000))
    with kiosk_for(args) as kiosk:
        items = kiosk.goods.page(after_sku=args.after, limit=limit)
    if args.json:
        print_json([item_json(i) for i in items])
    for i in items if not args.json else ():
        _show(i, False)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.goods_csv import GoodsCsv

    with kiosk_for(args) as kiosk:
        service = GoodsCsv(kiosk.db, kiosk.catalog, kiosk.events, kiosk.clock)
        count = service.export(kiosk.goods.iter_all(), Path(args.file))
    print(f"{count} -> {args.file}")
    return EXIT_OK
