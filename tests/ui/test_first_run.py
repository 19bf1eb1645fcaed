"""The first-run wizard as a new owner meets it: typed through with the keyboard against a
real distributor on 127.0.0.1, or with every "later"; refusals are one sentence and the
page stays; cancelling writes nothing; every page fits 1024x768 and 1366x768."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import Role
from kiosk_pos.i18n import tr
from kiosk_pos.printing.receipt_printer import load_settings
from kiosk_pos.printing.settings import ConnectionType
from kiosk_pos.sync.config import load_config

SIZES = [(1024, 768), (1366, 768)]


@pytest.fixture
def wizard(qtbot, themed, tmp_path):
    from kiosk_pos.ui.first_run import FirstRunWizard

    w = FirstRunWizard(tmp_path / "shop", detect=lambda: {})
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.result_ is not None:
        w.result_[0].close()


def enter(qtbot, wizard, widget: QWidget | None = None) -> None:
    """Enter on the focused field: the wizard's Next (or Finish)."""
    target = widget or wizard.focusWidget() or wizard
    qtbot.keyClick(target, Qt.Key.Key_Return)


def type_into(qtbot, field, text: str) -> None:
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)


def through_owner(qtbot, wizard, *, name="Konter Maju", address="Jl. Melati 3, Bogor",
                  pin="4826") -> None:
    enter(qtbot, wizard)  # welcome
    assert wizard.currentPage() is wizard.shop
    type_into(qtbot, wizard.shop.name, name)
    qtbot.keyClick(wizard.shop.name, Qt.Key.Key_Tab)
    assert wizard.shop.address.hasFocus()  # Tab goes on to the next field
    qtbot.keyClicks(wizard.shop.address, address)
    enter(qtbot, wizard, wizard.shop.address)
    assert wizard.currentPage() is wizard.owner
    type_into(qtbot, wizard.owner.pin, pin)
    type_into(qtbot, wizard.owner.again, pin)
    enter(qtbot, wizard, wizard.owner.again)
    assert wizard.currentPage() is wizard.clerk


def later(qtbot, page) -> None:
    """Down arrow from "now" to "later"."""
    page.now.setFocus()
    qtbot.keyClick(page.now, Qt.Key.Key_Down)
    assert page.later.isChecked()


def finish(qtbot, wizard) -> tuple[Kiosk, object]:
    assert wizard.currentPage() is wizard.finish_page
    with qtbot.waitSignal(wizard.set_up, timeout=10000) as done:
        enter(qtbot, wizard)
    assert not wizard.isVisible()
    return done.args[0]


def test_typed_through_against_a_real_distributor(qtbot, wizard, distributor, tmp_path):
    creds = distributor.create_kiosk("Konter Maju")
    through_owner(qtbot, wizard)
    type_into(qtbot, wizard.clerk.name, "Sari")
    type_into(qtbot, wizard.clerk.pin, "2580")
    enter(qtbot, wizard, wizard.clerk.pin)
    page = wizard.distributor
    assert wizard.currentPage() is page and page.now.isChecked()
    type_into(qtbot, page.url, distributor.url)
    type_into(qtbot, page.kiosk_id, str(creds.kiosk_id))
    type_into(qtbot, page.secret, "not-the-secret")
    enter(qtbot, wizard, page.secret)
    qtbot.waitUntil(lambda: page.message.text() == tr("sync.error.unauthorized"), timeout=10000)
    assert wizard.currentPage() is page and page.connection() is None  # stays, one sentence
    type_into(qtbot, page.secret, creds.secret)
    enter(qtbot, wizard, page.secret)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer, timeout=10000)

    printer = wizard.printer  # the printer settings screen: a file stands in for the printer
    printer.later.setFocus()
    qtbot.keyClick(printer.later, Qt.Key.Key_Left)  # side by side: left is "now"
    assert printer.now.isChecked() and printer.scroll.isVisible()
    form = printer.settings
    form.connection.setCurrentIndex(form.connection.findData("file"))
    out = tmp_path / "printer.bin"
    type_into(qtbot, form.file_path, str(out))
    form.width_group.button(80).click()
    form.test_button.click()
    qtbot.waitUntil(lambda: out.exists() and out.stat().st_size > 0, timeout=10000)
    enter(qtbot, wizard, form.file_path)
    assert "Sari" in wizard.finish_page.lines.text()
    kiosk, owner = finish(qtbot, wizard)

    assert owner.role is Role.OWNER
    info = kiosk.settings.kiosk_info()
    assert (info.name, info.address) == ("Konter Maju", "Jl. Melati 3, Bogor")
    assert sorted((u.name, u.role) for u in kiosk.users.list()) == [
        ("Pemilik", Role.OWNER), ("Sari", Role.CLERK)]
    assert kiosk.users.authenticate("2580").name == "Sari"
    cfg = load_config(kiosk)
    assert cfg is not None and (cfg.url, cfg.kiosk_id) == (distributor.url, creds.kiosk_id)
    assert cfg.client().ping().kiosk_id == creds.kiosk_id  # the kept secret signs
    settings = load_settings(kiosk)
    assert (settings.connection, settings.file_path, settings.paper_width) == (
        ConnectionType.FILE, str(out), 80)


def test_later_for_clerk_distributor_and_printer(qtbot, wizard):
    through_owner(qtbot, wizard, address="")
    enter(qtbot, wizard, wizard.clerk.name)  # both empty: no clerk
    assert wizard.currentPage() is wizard.distributor
    later(qtbot, wizard.distributor)
    assert not wizard.distributor.url.isEnabled()
    enter(qtbot, wizard, wizard.distributor.later)
    assert wizard.currentPage() is wizard.printer and wizard.printer.later.isChecked()
    enter(qtbot, wizard, wizard.printer.later)
    assert tr("first_run.done.no_dist") in wizard.finish_page.lines.text()
    kiosk, _owner = finish(qtbot, wizard)
    assert [u.role for u in kiosk.users.list()] == [Role.OWNER]
    assert load_config(kiosk) is None
    assert not load_settings(kiosk).configured


def test_pins_the_core_refuses_keep_the_page(qtbot, wizard):
    enter(qtbot, wizard)
    type_into(qtbot, wizard.shop.name, "Konter")
    enter(qtbot, wizard, wizard.shop.name)
    owner = wizard.owner
    for pin, again, key in (("1234", "1234", "error.pin_trivial"),
                            ("7777", "7777", "error.pin_trivial"),
                            ("482", "482", "error.pin_format"),
                            ("4826", "4862", "first_run.error.pin_mismatch")):
        type_into(qtbot, owner.pin, pin)
        type_into(qtbot, owner.again, again)
        enter(qtbot, wizard, owner.again)
        assert wizard.currentPage() is owner, pin
        assert owner.message.text() == tr(key, digits=4, most=8), pin
        assert owner.pin.text() == "" and owner.pin.hasFocus()
    type_into(qtbot, owner.pin, "4826")
    type_into(qtbot, owner.again, "4826")
    enter(qtbot, wizard, owner.again)
    type_into(qtbot, wizard.clerk.name, "Sari")
    type_into(qtbot, wizard.clerk.pin, "4826")  # the owner's own PIN
    enter(qtbot, wizard, wizard.clerk.pin)
    assert wizard.currentPage() is wizard.clerk
    assert wizard.clerk.message.text() == tr("error.pin_taken")


def test_an_empty_shop_name_is_refused(qtbot, wizard):
    enter(qtbot, wizard)
    enter(qtbot, wizard, wizard.shop.name)
    assert wizard.currentPage() is wizard.shop
    assert wizard.shop.message.text() == tr("error.kiosk_name_required")


def test_cancel_writes_nothing(qtbot, wizard, distributor, tmp_path):
    creds = distributor.create_kiosk("Konter Batal")
    through_owner(qtbot, wizard)
    enter(qtbot, wizard, wizard.clerk.name)
    page = wizard.distributor
    type_into(qtbot, page.url, distributor.url)
    type_into(qtbot, page.kiosk_id, str(creds.kiosk_id))
    type_into(qtbot, page.secret, creds.secret)
    enter(qtbot, wizard, page.secret)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.printer, timeout=10000)
    enter(qtbot, wizard, wizard.printer.later)
    assert wizard.currentPage() is wizard.finish_page
    qtbot.keyClick(wizard.focusWidget() or wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible() and wizard.result_ is None
    shop = tmp_path / "shop"
    assert not shop.exists() or list(shop.iterdir()) == []


def test_english_from_the_first_page(qtbot, wizard):
    wizard.welcome.language.setCurrentIndex(wizard.welcome.language.findData("en"))
    assert wizard.buttonText(wizard.WizardButton.NextButton) == "Next (Enter)"
    enter(qtbot, wizard)
    assert wizard.shop.title() == "Shop"


def _inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_the_screen(qtbot, wizard, size):
    wizard.fit_to(QRect(0, 0, *size))
    assert wizard.width() <= size[0] and wizard.height() <= size[1]
    wizard.shop.name.setText("Konter Pulsa Sumber Rejeki Makmur")
    wizard.owner.pin.setText("4826")
    wizard.owner.again.setText("4826")
    wizard.distributor.later.setChecked(True)
    for page in wizard.pages:
        assert wizard.currentPage() is page
        if page is wizard.printer:
            page.now.setChecked(True)  # the printer settings form in its scroll area
        shown = [w for w in page.findChildren(QWidget) if w.isVisible()]
        for widget in shown:
            if page is wizard.printer and page.scroll.widget().isAncestorOf(widget):
                continue  # the printer form scrolls within its area
            assert _inside(widget, wizard), (page.title(), type(widget).__name__)
            if isinstance(widget, QLabel | QAbstractButton) and not (
                    isinstance(widget, QLabel) and widget.wordWrap()):
                text = widget.text().replace("&", "")
                room = widget.contentsRect().width()
                assert widget.fontMetrics().horizontalAdvance(text) <= room + 2, text
        if page is not wizard.finish_page:
            wizard.next()


def test_a_started_app_without_a_database_asks_for_the_wizard(tmp_path: Path):
    from kiosk_pos.first_run import needs_first_run

    assert needs_first_run(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "kiosk.db").write_bytes(b"")
    assert not needs_first_run(tmp_path / "empty")  # a damaged shop is never made new


def test_the_app_opens_the_wizard_then_the_sales_screen(qtbot, themed, tmp_path: Path):
    """run_gui on a folder with no kiosk: the wizard, then the sales screen with the owner
    signed in; the next start finds the counter and asks no more."""
    from PySide6.QtWidgets import QApplication

    from kiosk_pos.app import run_gui
    from kiosk_pos.ui.first_run import FirstRunWizard
    from kiosk_pos.ui.main_window import MainWindow

    folder = tmp_path / "shop"
    seen: list[str] = []

    def drive() -> None:
        for widget in QApplication.topLevelWidgets():
            if not widget.isVisible():
                continue
            if isinstance(widget, FirstRunWizard) and "wizard" not in seen:
                seen.append("wizard")
                widget.shop.name.setText("Konter Baru")
                widget.owner.pin.setText("4826")
                widget.owner.again.setText("4826")
                widget.distributor.later.setChecked(True)
                for _page in range(6):
                    widget.next()
                widget.finish_page.validatePage()  # Finish
            elif isinstance(widget, MainWindow) and widget.user is not None \
                    and "sales" not in seen:
                seen.append("sales")
                assert widget.user.role is Role.OWNER
                assert widget.screens.currentIndex() == 1  # the sales screen, not the PIN pad
                widget.close()

    timer = QTimer()
    timer.timeout.connect(drive)
    timer.start(50)
    try:
        assert run_gui(folder) == 0
    finally:
        timer.stop()
    assert seen == ["wizard", "sales"]
    from kiosk_pos.first_run import needs_first_run

    assert not needs_first_run(folder)
    kiosk = Kiosk.open(folder)
    try:
        assert kiosk.settings.kiosk_info().name == "Konter Baru"
    finally:
        kiosk.close()


@pytest.mark.parametrize("area", ["first_run", "training"])
def test_the_texts_are_in_both_languages(area):
    import json

    folder = Path(__file__).resolve().parents[2] / "resources" / "locale"
    keys = [set(json.loads((folder / f"{area}.{lang}.json").read_text(encoding="utf-8")))
            for lang in ("id", "en")]
    assert keys[0] == keys[1]
