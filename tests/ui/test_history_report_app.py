"""History with reprint, the daily report, and the app's self-test start-up."""

from __future__ import annotations

from pathlib import Path

from kiosk_pos.app import run_gui
from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.core.setup import init_kiosk
from tests.ui.helpers import TSEL_NUMBER


def test_history_shows_the_day_and_reprints(qtbot, window, sales, kiosk, clerk):
    asked = []
    window.reprint_requested.connect(asked.append)
    sale = kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER),
                                    CartLine("SP-XL", 2)], Payment(cash_given=50_000))
    window.show_page(1)
    qtbot.waitUntil(lambda: len(window.history.sales) == 1, timeout=5000)
    assert window.history.model.data(window.history.model.index(0, 1)) == str(sale.id)
    assert "Rp46.000" in window.history.summary.text()
    assert window.history.detail.rowCount() == 2
    assert "Tunai Rp50.000, kembalian Rp4.000" in window.history.detail_info.text()
    with qtbot.waitSignal(window.reprint_requested, timeout=1000):
        window.history.reprint.click()
    assert asked == [sale.id]


def test_history_shows_a_receipt_to_print_again_or_save(qtbot, window, sales, kiosk, clerk,
                                                         tmp_path):
    asked = []
    window.reprint_requested.connect(asked.append)
    sale = kiosk.sales.sell(clerk, [CartLine("PLN20", 1, "12345678901")],
                            Payment(cash_given=50_000))
    window.show_page(1)
    qtbot.waitUntil(lambda: len(window.history.sales) == 1, timeout=5000)
    window.history.table.selectRow(0)
    dialog = window.history.show_receipt()
    qtbot.addWidget(dialog)
    text = dialog.preview.text()
    assert "SALINAN" in text and "Rp22.500" in text and "12345678901" in text
    dialog.preview.print_button.click()  # no printer set up: said so, nothing sent
    assert asked == [] and "Belum ada printer" in dialog.preview.message.text()
    window.history.printer_ready = lambda: True
    dialog.preview.print_button.click()
    assert asked == [sale.id] and dialog.preview.message.text() == "Struk dikirim ke printer."
    target = tmp_path / "struk.pdf"
    dialog._choose_path = lambda _suggested: str(target)
    dialog.preview.pdf_button.click()
    assert target.read_bytes().startswith(b"%PDF")


def test_daily_report(qtbot, window, sales, kiosk, clerk):
    kiosk.sales.sell(clerk, [CartLine("TSEL20", 1, TSEL_NUMBER)], Payment())
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
    window.show_page(2)
    qtbot.waitUntil(lambda: window.report.report is not None, timeout=5000)
    view = window.report
    assert view.figures["count"][1].text() == "2"
    assert view.figures["gross"][1].text() == "Rp34.000"
    assert not view.figures["profit"][1].isVisibleTo(view)  # a clerk: no cost or profit
    assert view.tables["by_clerk"].isColumnHidden(3)
    assert view.tables["by_clerk"].item(0, 0).text() == "kasir"
    assert view.tables["by_payment"].item(0, 0).text() == "Tunai"


def test_run_gui_self_test_prints_ready(qapp, tmp_path, capsys):
    assert run_gui(tmp_path / "data", demo=True, self_test=True) == 0
    out = capsys.readouterr().out.strip().splitlines()
    # ready: the PIN login painted; then the sales screen after the first clerk's good PIN
    assert out[-2].startswith("ready in ") and out[-2].endswith(" s")
    float(out[-2].split()[2])
    assert out[-1].startswith("sales screen in ") and out[-1].endswith(" s after the PIN")
    float(out[-1].split()[3])
    assert not (tmp_path / "data" / "distributor-demo.db").exists()  # no sync in a self-test


def test_run_gui_uses_saved_language(qapp, tmp_path, capsys):
    kiosk = init_kiosk(tmp_path / "data", "Konter", "9999", demo=True)
    kiosk.settings.set("ui.language", "en")
    kiosk.close()
    assert run_gui(tmp_path / "data", self_test=True) == 0
    from kiosk_pos import i18n

    assert i18n.language() == "en"


def test_run_gui_refuses_a_broken_database_with_a_sentence(qapp, tmp_path: Path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").write_bytes(b"this is not a database at all")
    assert run_gui(data, self_test=True) == 2
    err = capsys.readouterr().err
    assert "rusak" in err and "pemilik toko" in err and "Traceback" not in err
