"""One delivery of several items: all lines in one transaction or none; each item's average
cost takes in its line's unit cost; the stock stays the sum of its movements."""

from __future__ import annotations

import pytest

from kiosk_pos.core.delivery import parse_line, read_delivery
from kiosk_pos.core.errors import KioskError, PermissionDenied
from kiosk_pos.core.stock import Received


@pytest.fixture
def owner(kiosk):
    return kiosk.users.authenticate("9999")


def stock_of(kiosk, *skus):
    return tuple(kiosk.goods.get(s).stock for s in skus)


def test_several_items_in_one_delivery(kiosk, owner):
    before = kiosk.goods.get("SP-XL")  # 20 at cost 8.000 in the demo
    moves = kiosk.stock.receive_many(owner, [Received("SP-XL", 20, 7_000),
                                             Received("ACC-TG", 10)], "CV Sinar")
    assert [(m.sku, m.delta, m.supplier, m.reason) for m in moves] == [
        ("SP-XL", 20, "CV Sinar", "receive"), ("ACC-TG", 10, "CV Sinar", "receive")]
    after = kiosk.goods.get("SP-XL")
    assert after.stock == before.stock + 20
    assert after.cost == (before.stock * before.cost + 20 * 7_000 + (before.stock + 20) // 2) \
        // (before.stock + 20)
    assert kiosk.catalog.catalog.get("SP-XL").cost == after.cost  # the sale path sees it
    assert kiosk.stock.check() == []


@pytest.mark.parametrize("lines", [
    [Received("SP-XL", 5), Received("NOPE", 1)],
    [Received("SP-XL", 5), Received("ACC-TG", 0)],
    [Received("SP-XL", 5), Received("ACC-TG", 1, -5)],
    [Received("SP-XL", 5), Received(" SP-XL", 1)],
    [],
])
def test_a_bad_line_receives_nothing(kiosk, owner, lines):
    before = stock_of(kiosk, "SP-XL", "ACC-TG")
    moved = len(kiosk.stock.movements())
    with pytest.raises(KioskError):
        kiosk.stock.receive_many(owner, lines)
    assert stock_of(kiosk, "SP-XL", "ACC-TG") == before
    assert len(kiosk.stock.movements()) == moved


def test_a_clerk_may_not_receive(kiosk, clerk):
    with pytest.raises(PermissionDenied):
        kiosk.stock.receive_many(clerk, [Received("SP-XL", 1)])


def test_delivery_lines_as_written():
    assert parse_line("SP-XL:20:7.500") == Received("SP-XL", 20, 7_500)
    assert parse_line(" ACC-TG : 3 ") == Received("ACC-TG", 3, None)
    for bad in ("SP-XL", "SP-XL:", ":3", "SP-XL:3:4:5", "SP-XL:tiga"):
        with pytest.raises(KioskError):
            parse_line(bad)
    assert read_delivery(b"\xef\xbb\xbfkode,jumlah,harga_modal\r\nSP-XL,2,8000\r\n") == [
        Received("SP-XL", 2, 8_000)]
    with pytest.raises(KioskError) as bad_row:
        read_delivery(b"sku;qty\nSP-XL;2\n;3\n")
    assert "Baris 3" in bad_row.value.message and "SKU kosong" in bad_row.value.message
