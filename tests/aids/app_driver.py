"""Run the real app over a data folder and sell until killed (for the kill -9 fault tests).

    python -m tests.aids.app_driver --data-dir D [--gui] [--seed N] [--pace S]

Builds the demo kiosk's :class:`kiosk_pos.session.AppSession` exactly as the app does
(receipt print queue on a file printer, the in-process demo distributor with sync, the
full integrity check, the backup job), starts it, then sells in a loop. After each
``sell()`` has returned (the transaction is committed) it prints, and flushes, one line::

    SAVED <sale_id> <total> <ref_id[,ref_id...] or ->

That line is the promise the fault test holds the store to: once reported, never lost.
Other lines: ``READY <pid>`` once the session is starting, ``STARTED`` once its services
are up (the integrity check runs right after), ``REFUSED <sku,..> <reason>``
when the core refused a cart (no stock, no deposit), ``IDLE`` when nothing is left to sell.

With ``--gui`` the real main window runs (offscreen) and sales are made by driving the
sales screen's widgets from a QTimer as the keyboard would: type the number, Down into
the grid, the product's digit, Enter, Enter on an empty cash field (exact money); goods
go in by barcode. A SAVED line is printed when the window reports the sale saved.

Stock is never restocked and the demo deposit is Rp5.000.000, so the driver sells
mostly Rp5.000 pulsa and a few goods, and leaves ACC-CBL/ACC-CHG/ACC-EAR to the CLI.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

CLERK_PIN = "1111"

# Cheap electronic products and a number prefix their operator owns.
ELECTRONIC = (("TSEL5", "0812"), ("ISAT5", "0857"), ("XL5", "0817"), ("AXIS5", "0838"),
              ("TRI5", "0896"), ("SF5", "0881"), ("TSEL10", "0813"))
# Goods the driver sells (the CLI sells the ACC-CBL / ACC-CHG / ACC-EAR that are left out).
GOODS = ("ACC-TG", "SP-TSEL", "SP-ISAT", "SP-XL", "VC-TSEL5", "VC-XL3")
GOODS_RESERVE = 2  # leave a couple on the shelf rather than be refused

# The simulator decides by the number's last digit: 2 fails at once (refund through sync),
# 3 is pending then succeeds; anything else succeeds.
LAST_DIGITS = "0156789" * 3 + "2" * 2 + "3"


_out = threading.Lock()


def emit(*parts: object) -> None:
    with _out:
        sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
        sys.stdout.flush()


def announce_started(session: object) -> None:
    """Print STARTED once the session's printer and sync are up; its full integrity check
    of the file runs right after, on the same thread."""
    def wait() -> None:
        session.started.wait()  # type: ignore[attr-defined]
        emit("STARTED")

    threading.Thread(target=wait, name="announce-started", daemon=True).start()


def saved_line(sale: object) -> None:
    refs = [ln.topup.ref_id for ln in sale.lines if ln.topup is not None]  # type: ignore[attr-defined]
    emit("SAVED", sale.id, sale.total, ",".join(refs) or "-")  # type: ignore[attr-defined]


class Chooser:
    """Picks the next cart: mostly one cheap top-up, sometimes goods, sometimes both."""

    def __init__(self, kiosk: object, rng: random.Random) -> None:
        self.kiosk = kiosk
        self.rng = rng
        self.no_deposit_until = 0.0

    def number(self, prefix: str) -> str:
        middle = "".join(self.rng.choice("0123456789") for _ in range(7))
        return prefix + middle + self.rng.choice(LAST_DIGITS)

    def electronic(self) -> tuple[str, str] | None:
        if time.monotonic() < self.no_deposit_until:
            return None
        sku, prefix = self.rng.choice(ELECTRONIC)
        return sku, self.number(prefix)

    def goods(self) -> str | None:
        catalog = self.kiosk.catalog.catalog  # type: ignore[attr-defined]
        left = [sku for sku in GOODS if (catalog.get(sku).stock or 0) > GOODS_RESERVE]
        return self.rng.choice(left) if left else None

    def next_cart(self) -> list[tuple[str, str]] | None:
        """A list of (sku, destination); destination "" for goods. None: nothing to sell."""
        roll = self.rng.random()
        e, g = self.electronic(), self.goods()
        if roll < 0.10 and e and g:
            return [e, (g, "")]
        if roll < 0.22 and g:
            return [(g, "")]
        if e:
            return [e]
        return [(g, "")] if g else None

    def refused(self, code: str) -> None:
        if code == "error.deposit_short":  # refunds may come back through sync later
            self.no_deposit_until = time.monotonic() + 2.0


def prepare(data_dir: Path) -> object:
    """Open (or create) the demo kiosk, with receipts going to a file printer."""
    from kiosk_pos.printing.receipt_printer import load_settings, save_settings
    from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
    from kiosk_pos.session import DEMO_OWNER_PIN, AppSession

    session = AppSession.open(data_dir, demo=True)
    if not load_settings(session.kiosk).configured:
        save_settings(session.kiosk, PrinterSettings(
            connection=ConnectionType.FILE, file_path=str(data_dir / "receipts.prn")),
            session.kiosk.users.authenticate(DEMO_OWNER_PIN))
    return session


# -- headless -------------------------------------------------------------------------------
def run_headless(data_dir: Path, rng: random.Random, pace: float, limit: int) -> int:
    from kiosk_pos.core.errors import KioskError
    from kiosk_pos.core.records import CartLine, Payment

    session = prepare(data_dir)
    session.start()  # type: ignore[attr-defined]
    announce_started(session)
    kiosk = session.kiosk  # type: ignore[attr-defined]
    emit("READY", os.getpid())
    clerk = kiosk.users.authenticate(CLERK_PIN)
    chooser = Chooser(kiosk, rng)
    sold = 0
    while not limit or sold < limit:
        cart = chooser.next_cart()
        if cart is None:
            emit("IDLE")
            time.sleep(0.2)
            continue
        try:
            sale = kiosk.sales.sell(clerk, [CartLine(sku, 1, dest) for sku, dest in cart],
                                    Payment())
        except KioskError as exc:
            chooser.refused(exc.key)
            emit("REFUSED", ",".join(sku for sku, _ in cart), exc.key)
            continue
        saved_line(sale)
        sold += 1
        if pace:
            time.sleep(rng.uniform(0, pace))
    session.stop()  # type: ignore[attr-defined]
    emit("STOPPED")
    return 0


# -- GUI ------------------------------------------------------------------------------------
def build_window(session: object) -> object:
    """The main window over the session, as ``kiosk_pos.app.run_gui`` builds it (the
    session prints on the core's SALE_SAVED event by itself)."""
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.tasks import TaskManager

    return MainWindow(session.kiosk, TaskManager(), session=session)  # type: ignore[attr-defined]


def run_gui(data_dir: Path, rng: random.Random, pace: float, limit: int) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.ui.sales_screen import ENTRY, PAYMENT
    from kiosk_pos.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)
    i18n.set_language("id")
    session = prepare(data_dir)
    kiosk = session.kiosk  # type: ignore[attr-defined]
    window = build_window(session)
    window.show()  # type: ignore[attr-defined]
    session.start()  # type: ignore[attr-defined]
    announce_started(session)
    window.start_session(kiosk.users.authenticate(CLERK_PIN))  # type: ignore[attr-defined]
    kiosk.db.forbid_thread(threading.get_ident())  # as the real app: no database on the GUI
    sales = window.sales  # type: ignore[attr-defined]
    chooser = Chooser(kiosk, rng)
    state = {"sold": 0, "waiting": False, "since": 0.0, "cart": ""}

    def later(ms: int, step: Callable[[], None]) -> None:
        QTimer.singleShot(ms, step)

    def on_saved(sale: object) -> None:
        saved_line(sale)
        state["sold"] += 1
        state["waiting"] = False
        if limit and state["sold"] >= limit:
            app.quit()
            return
        later(int(rng.uniform(0, pace) * 1000), next_sale)

    sales.sale_done.connect(on_saved)

    def give_up(reason: str) -> None:
        emit("REFUSED", state["cart"], reason.replace(" ", "_")[:60] or "-")
        if "deposit" in reason.lower() or "saldo" in reason.lower():
            chooser.refused("error.deposit_short")
        state["waiting"] = False
        sales.cart.clear()
        sales.reset()
        later(10, next_sale)

    def watch_payment() -> None:
        """After Enter on the cash field: a saved sale calls on_saved; a refusal shows
        on the payment page (or the entry page) and the cart is dropped."""
        if not state["waiting"]:
            return
        if sales.stack.currentIndex() == PAYMENT and sales.payment.error.text() \
                and not sales.payment._busy:
            give_up(sales.payment.error.text())
            return
        if sales.stack.currentIndex() == ENTRY and sales.error.text():
            give_up(sales.error.text())
            return
        if time.monotonic() - state["since"] > 30:
            emit("STUCK", state["cart"])
            give_up("stuck")
            return
        later(20, watch_payment)

    def type_keys(widget: object, text: str) -> None:
        widget.setFocus()  # type: ignore[attr-defined]
        QTest.keyClicks(widget, text)

    def next_sale() -> None:
        cart = chooser.next_cart()
        if cart is None:
            emit("IDLE")
            later(200, next_sale)
            return
        state["cart"] = ",".join(sku for sku, _ in cart)
        sales.reset()
        for sku, dest in cart:
            product = kiosk.catalog.catalog.get(sku)
            if dest:  # a top-up: number, Down into the grid, the product's digit, Enter
                type_keys(sales.number, dest)
                skus = [p.sku for p in sales.grid.products]
                if sku not in skus[:9]:
                    give_up(f"{sku}_not_in_grid")
                    return
                QTest.keyClick(sales.number, Qt.Key.Key_Down)
                QTest.keyClicks(sales.grid, str(skus.index(sku) + 1))
                if len(cart) == 1:
                    QTest.keyClick(sales.grid, Qt.Key.Key_Return)  # add and go to payment
                else:
                    sales.add_selected()  # the "add" button: into the cart, stay on entry
            else:  # goods: the scanner types the barcode and Enter into the number field
                type_keys(sales.number, product.barcode)
                QTest.keyClick(sales.number, Qt.Key.Key_Return)
        if sales.stack.currentIndex() != PAYMENT:
            sales.number.setFocus()
            QTest.keyClick(sales.number, Qt.Key.Key_Return)  # empty number + cart: pay
        if sales.stack.currentIndex() != PAYMENT:
            give_up(sales.error.text() or "no_payment_page")
            return
        state["waiting"], state["since"] = True, time.monotonic()
        QTest.keyClick(sales.payment.cash, Qt.Key.Key_Return)  # empty cash: exact money
        later(20, watch_payment)

    emit("READY", os.getpid())
    later(0, next_sale)
    code = app.exec()
    window.close()  # type: ignore[attr-defined]
    session.stop()  # type: ignore[attr-defined]
    emit("STOPPED")
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.aids.app_driver")
    parser.add_argument("--data-dir", required=True, type=Path)
    parser.add_argument("--gui", action="store_true", help="drive the real window offscreen")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--pace", type=float, default=0.02,
                        help="at most this many seconds between two sales (random)")
    parser.add_argument("--sales", type=int, default=0,
                        help="stop cleanly after this many sales (0: sell until killed)")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    run = run_gui if args.gui else run_headless
    return run(args.data_dir, rng, args.pace, args.sales)


if __name__ == "__main__":
    raise SystemExit(main())
