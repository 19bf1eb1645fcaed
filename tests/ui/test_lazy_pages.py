"""History and the report are built when first shown, and then work as if built at start."""

from __future__ import annotations

from kiosk_pos import i18n
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.i18n import tr
from tests.ui.helpers import TSEL_NUMBER


def test_pages_are_built_on_first_show_and_then_work(qtbot, window, sales, kiosk, clerk):
    assert window._history is None and window._report is None  # noqa: SLF001 - not yet built
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER)], Payment())
    window.nav[1].click()
    assert window.pages.currentWidget() is window.history
    qtbot.waitUntil(lambda: [s.id for s in window.history.sales] == [sale.id], timeout=5000)
    window.show_page(0)
    assert window.pages.currentWidget() is window.sales
    assert window.pages.count() == 3


def test_a_page_built_after_a_language_change_speaks_it(qtbot, window, sales, kiosk, clerk):
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    window.set_language("en")
    try:
        window.show_page(2)
        assert window.pages.currentWidget() is window.report
        assert window.report.title.text() == tr("ui.report.title") == "Daily report"
        qtbot.waitUntil(lambda: window.report.report is not None, timeout=5000)
        assert window.report.figures["count"][1].text() == "1"
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


def test_the_sales_screen_follows_the_first_good_pin(qtbot, window, clerk):
    qtbot.waitUntil(lambda: not window.first_paint.pending, timeout=5000)  # built by now
    with qtbot.waitSignal(window.session_ready, timeout=5000):
        window.start_session(clerk)
    sales = window.sales
    assert window.pages.currentWidget() is sales and sales.number.hasFocus()
    assert sales._payment is None and sales._search is None  # noqa: SLF001 - not opened yet
    sales.open_search()
    assert sales.stack.currentWidget() is sales.search
    assert sales.search.title.text() == tr("ui.search.title")
