"""Sales read back (plain sqlite3, ``core/sale_reads.py``) are the sales as saved, and the
other start-up reads give what SQLAlchemy reads (column formats included: dates, times,
booleans, JSON)."""

from __future__ import annotations

from kiosk_pos.core import deposit
from kiosk_pos.core.catalog import load_prefix_table, product_from_row
from kiosk_pos.core.records import CartLine, Payment, PaymentMethod
from kiosk_pos.core.settings import KIOSK_NAME


def _sell_a_mix(kiosk, clerk) -> list:
    return [
        kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, "081234567890"),
                                 CartLine("SP-TSEL", 2)], Payment(cash_given=100_000)),
        kiosk.sales.sell(clerk, [CartLine("PLN20", 1, "12345678901")],
                         Payment(PaymentMethod.QRIS)),
        kiosk.sales.sell(clerk, [CartLine("ACC-CBL", 1)], Payment()),
    ]


def test_sales_read_back_as_they_were_saved(kiosk, clerk):
    sold = _sell_a_mix(kiosk, clerk)
    with kiosk.db.read() as conn:
        balance = deposit.balance(conn)
    recent = kiosk.sales.recent(limit=30)
    expected = list(reversed(sold))
    assert len(recent) == 3 and recent == expected
    page = kiosk.sales.day_page(kiosk.today(), limit=30)
    assert page.sales == expected and not page.more
    assert (page.count, page.total) == (3, sum(s.total for s in sold))
    assert recent[-1].lines[0].topup is not None  # the top-up came along, status and time
    assert kiosk.sales.for_day(kiosk.today()) == list(reversed(expected))
    ref_id = recent[-1].lines[0].topup.ref_id
    assert kiosk.sales.by_ref_id(ref_id) == recent[-1]
    assert kiosk.sales.get(recent[0].id) == recent[0]
    assert kiosk.deposit.balance() == balance
    assert kiosk.sales.queue_length() == 2  # the two top-ups, not yet sent


def test_catalogue_settings_and_users_read_raw_equal_the_sqlalchemy_reading(kiosk):
    from sqlalchemy import select

    from kiosk_pos.store.schema import products, settings, users

    with kiosk.db.read() as conn:
        goods = sorted((product_from_row(r) for r in conn.execute(select(products))),
                       key=lambda p: (p.kind, p.sku))
        table = load_prefix_table(conn)
        names = {r.key: r.value for r in conn.execute(select(settings))}
        active = [r.name for r in conn.execute(select(users).order_by(users.c.id))
                  if r.active]
    assert kiosk.catalog.all_products() == goods
    assert kiosk.catalog.load().prefixes.prefixes() == table.prefixes()
    assert kiosk.catalog.load().prefixes.operators == table.operators
    assert kiosk.settings.get(KIOSK_NAME) == kiosk.settings.kiosk_info().name == "Konter Uji"
    assert KIOSK_NAME in names
    assert [u.name for u in kiosk.users.list()] == active
