"""Stock commands: receive, adjust (stock opname), out (return, damage, loss), movements
and the low-stock list. Changing the stock takes the owner's PIN."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk_pos.cli.backoffice import (
    check_text,
    kiosk_for,
    movement_json,
    number,
    rupiah,
)
from kiosk_pos.cli.common import EXIT_OK, CliError, print_json
from kiosk_pos.cli.owner import acting_owner, add_pin
from kiosk_pos.i18n import tr


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("stock", parents=[common],
                              help="stock: receive, count (opname), movements, low stock")
    sub = p.add_subparsers(dest="stock", required=True, parser_class=type(p))
    r = sub.add_parser("receive", parents=[common],
                       help="a delivery from a supplier: one item, or several in one go")
    r.add_argument("--sku", help="the SKU of the goods")
    r.add_argument("--qty", help="how many arrived")
    r.add_argument("--cost", help="unit cost of this delivery (default: the current cost)")
    r.add_argument("--line", action="append", metavar="SKU:QTY[:COST]",
                   help="one item of a delivery of several (repeat it); all or none saved")
    r.add_argument("--file", metavar="CSV",
                   help="a delivery as CSV (columns sku;qty;cost); all or none saved")
    r.add_argument("--supplier", help="who delivered them")
    add_pin(r)
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=cmd_receive)
    a = sub.add_parser("adjust", parents=[common],
                       help="stock opname: the counted quantity replaces the recorded one")
    a.add_argument("--sku", help="the SKU of the goods", required=True)
    a.add_argument("--counted", help="how many are on the shelf", required=True)
    a.add_argument("--reason", help="why the count differs", required=True)
    add_pin(a)
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_adjust)
    o = sub.add_parser("out", parents=[common],
                       help="take goods out: returned to the supplier, damaged or lost")
    o.add_argument("--sku", help="the SKU of the goods", required=True)
    o.add_argument("--qty", help="how many leave", required=True)
    o.add_argument("--reason", help="why they leave",
                   required=True, choices=("return", "damage", "loss"))
    o.add_argument("--note", help="a note")
    o.add_argument("--supplier", help="the supplier they go back to")
    add_pin(o)
    o.add_argument("--json", action="store_true")
    o.set_defaults(handler=cmd_out)
    m = sub.add_parser("movements", parents=[common], help="stock movements, newest first")
    m.add_argument("--sku", help="only this SKU")
    m.add_argument("--limit", help="at most this many movements (default: 100)", default="100")
    m.add_argument("--before", help="show movements older than this id (the next page)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=cmd_movements)
    low = sub.add_parser("low", parents=[common],
                         help="goods at or below their minimum, with what to order")
    low.add_argument("--json", action="store_true")
    low.set_defaults(handler=cmd_low)


def _moved(moves: list[Any], as_json: bool, as_list: bool = False) -> None:
    """Movements as text, or JSON: one object for one movement, else (or ``as_list``, a
    delivery of several lines) a list."""
    if as_json:
        print_json([movement_json(m) for m in moves] if len(moves) != 1 or as_list
                   else movement_json(moves[0]))
        return
    for m in moves:
        extra = "".join(f" {v}" for v in (m.supplier, m.note) if v)
        print(f"#{m.id} {m.created_at[:16]} {m.sku:<12} {m.delta:+d} -> {m.stock_after} "
              f"{m.reason}{extra}")


def cmd_receive(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission

    lines = _delivery(args)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.RECEIVE_STOCK)
        moves = kiosk.stock.receive_many(user, lines, args.supplier)
        _moved(moves, args.json, as_list=args.sku is None)
    return EXIT_OK


def _delivery(args: argparse.Namespace) -> list[Any]:
    """The delivery's lines: ``--sku/--qty[/--cost]``, ``--line`` (repeated) or ``--file``."""
    from kiosk_pos.core.delivery import parse_line, read_delivery
    from kiosk_pos.core.stock import Received

    single = any(v is not None for v in (args.sku, args.qty, args.cost))
    ways = [single, bool(args.line), args.file is not None]
    if sum(ways) != 1 or (single and (args.sku is None or args.qty is None)):
        raise CliError(tr("cli.receive_what"))
    if single:
        return [Received(args.sku, number(args.qty) or 0, rupiah(args.cost))]
    if args.line:
        return [parse_line(text) for text in args.line]
    path = Path(args.file)
    if not path.is_file():
        raise CliError(tr("cli.file_missing", path=path))
    return read_delivery(path.read_bytes())


def cmd_adjust(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission

    counted = number(args.counted)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_STOCK)
        moves = kiosk.stock.adjust(user, [(args.sku, counted or 0)], args.reason)
        if args.json:
            print_json(movement_json(moves[0]) if moves else None)
        elif not moves:
            print(f"{args.sku}: 0")
        else:
            _moved(moves, False)
    return EXIT_OK


def cmd_out(args: argparse.Namespace) -> int:
    check_text(args)
    from kiosk_pos.core.permissions import Permission
    from kiosk_pos.core.stock import StockReason

    qty = number(args.qty)
    with kiosk_for(args) as kiosk:
        user = acting_owner(kiosk, args.pin, Permission.MANAGE_STOCK)
        move = kiosk.stock.remove(user, args.sku, qty or 0, StockReason(args.reason), args.note,
                                  args.supplier)
        _moved([move], args.json)
    return EXIT_OK


def cmd_movements(args: argparse.Namespace) -> int:
    check_text(args)
    limit, before = number(args.limit), number(args.before)
    with kiosk_for(args) as kiosk:
        moves = kiosk.stock.movements(args.sku, before, limit or 100)
    if args.json:
        print_json([movement_json(m) for m in moves])
    else:
        _moved(moves, False)
    return EXIT_OK


def cmd_low(args: argparse.Namespace) -> int:
    check_text(args)
    with kiosk_for(args) as kiosk:
        items = kiosk.stock.low_stock()
    if args.json:
        print_json([{"sku": i.sku, "name": i.name, "stock": i.stock, "min_stock": i.min_stock,
                     "sold_28d": i.sold_28d, "suggested_order": i.suggested_order}
                    for i in items])
    else:
        for i in items:
            print(f"{i.sku:<12} {i.name:<30} stok {i.stock:>4} min {i.min_stock:>4} "
                  f"terjual 28 hari {i.sold_28d:>5}  pesan {i.suggested_order}")
    return EXIT_OK
