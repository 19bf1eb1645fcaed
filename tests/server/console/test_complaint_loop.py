"""The whole complaint loop, each part real: a kiosk (its History screen driven with
pytest-qt) files a complaint that its sync sends over HTTP, the desk signs in with a TOTP
computed here and refunds it in headless Chromium, and the kiosk pulls the answer, shows it
on the sale and as a notice, and its deposit rises by the refund exactly once.

On SQLite and PostgreSQL (the ``server`` fixture)."""

from __future__ import annotations

from pathlib import Path

from distributor_server.models import Complaint, ConsoleAudit
from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk_pos.core.records import CartLine, Payment
from kiosk_pos.sync.config import client_for
from kiosk_pos.sync.service import SyncService
from tests.aids.distributor import all_final, copy_shop
from tests.aids.waiting import wait_for


def _window(qtbot, qapp, shop):  # noqa: ANN001, ANN202 - a MainWindow
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.theme import apply_theme

    apply_theme(qapp)
    window = MainWindow(shop.kiosk)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.session_ready, timeout=10000):
        window.start_session(shop.clerk)
    return window


def test_a_complaint_answered_with_a_refund_in_the_browser_reaches_the_kiosk_once(
        qtbot, qapp, console, make_staff, server, template_kiosk: Path, tmp_path: Path):
    shop = copy_shop(server, template_kiosk, tmp_path / "kiosk")
    try:
        service = SyncService(shop.kiosk, client_for(shop.kiosk))
        sale = shop.kiosk.sales.sell(shop.clerk, [CartLine("TSEL10", 1, "081234567890")],
                                     Payment())

        def settled() -> bool:
            service.sync_once(prices=False, reconcile=False)
            return all_final(shop.kiosk)

        wait_for(settled, 30, interval=0.3, what="the top-up to settle")
        price = sale.lines[0].topup.cost
        window = _window(qtbot, qapp, shop)
        window.show_page(1)
        history = window.history
        qtbot.waitUntil(lambda: len(history.sales) == 1, timeout=5000)
        history.table.selectRow(0)
        qtbot.waitUntil(lambda: history.complaint.button.isEnabled(), timeout=5000)
        dialog = history.complaint.open_dialog()
        qtbot.mouseClick(dialog.reason_buttons["not_received"], Qt.MouseButton.LeftButton)
        dialog.note.setText("Pelanggan cek jam 10.15, belum masuk")
        with qtbot.waitSignal(dialog.filed, timeout=5000):
            qtbot.mouseClick(dialog.send, Qt.MouseButton.LeftButton)
        service.sync_once(prices=False, reconcile=False)  # sends it over HTTP
        with server.ctx.db.read() as session:
            row = session.scalars(select(Complaint).where(
                Complaint.kiosk_id == shop.cfg.kiosk_id)).one()
        before = shop.kiosk.deposit.balance()

        desk = make_staff("meja", "desk")
        console.sign_in(desk)
        console.open("/console/complaints")
        assert f"complaint-{row.id}" in console.driver.page_source
        assert "Pulsa belum masuk" in console.text(f"#complaint-{row.id}")
        console.open(f"/console/complaints/{row.id}")
        assert "081234567890" in console.text("main")
        console.type("#refund-text", "Maaf, dana kami kembalikan")
        console.click("#refund")
        assert "dikembalikan ke deposit konter" in console.text(".flash")
        assert console.text("#refunded") == f"Rp{price:,}".replace(",", ".")
        assert "Dana dikembalikan ke deposit" in console.text("#steps")

        service.sync_once(prices=False, reconcile=False)  # the kiosk pulls the answer
        qtbot.waitUntil(lambda: "dikembalikan" in history.complaint.status.text(),
                        timeout=10000)
        assert "Maaf, dana kami kembalikan" in history.complaint.status.text()
        qtbot.waitUntil(lambda: any(f"#{sale.id}" in t for t in window.notices.texts()),
                        timeout=5000)
        assert shop.kiosk.deposit.balance() == before + price
        service.sync_once(prices=False, reconcile=False)
        assert shop.kiosk.deposit.balance() == before + price  # once, however often it syncs
        with server.ctx.db.read() as session:
            actions = session.scalars(select(ConsoleAudit.action).where(
                ConsoleAudit.target == f"complaint {row.id}")).all()
        assert actions == ["complaint.refund"]
        window.close()
    finally:
        shop.kiosk.close()
