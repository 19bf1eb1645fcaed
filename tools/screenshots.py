"""Grab each screen into PNGs for the docs: ``make screenshots``, or
``python -m tools.screenshots [OUTDIR] [--size WxH ...]`` from the repository root.

Builds a throwaway demo kiosk, drives the real widgets into each state (login,
number typed with the grid, payment, change, mixed cart, an error, history,
report) and saves ``widget.grab()`` of the main window. Runs offscreen.

The first size (by default 1366x768, the usual counter laptop) writes ``OUTDIR/NAME.png``,
the pictures the README shows; every further size (by default 1024x768) writes
``OUTDIR/WxH/NAME.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES: tuple[tuple[int, int], ...] = ((1366, 768), (1024, 768))


def _wait(app: object, until: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        app.processEvents()  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not reach the expected state")
        time.sleep(0.005)
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]


def make_screenshots(outdir: Path, size: tuple[int, int] = SIZES[0]) -> list[Path]:
    """Every screen of a fresh demo kiosk at ``size`` (width, height), as ``outdir/NAME.png``."""
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.core.events import SYNC_STATE, TOPUP_CHANGED
    from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role, TopUpStatus
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.core.topups import apply_status
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.theme import apply_theme

    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        kiosk = init_kiosk(Path(tmp), "Konter Pulsa Demo", "9999", demo=True)
        window = MainWindow(kiosk)
        window.resize(*size)
        window.show()

        def shot(name: str) -> None:
            _wait(app, lambda: True)
            path = outdir / f"{name}.png"
            window.grab().save(str(path))
            saved.append(path)
            got = (window.width(), window.height())
            if got != size:  # the layout's minimum size won over the requested one
                print(f"screenshots: {name} is {got[0]}x{got[1]}, not {size[0]}x{size[1]}: "
                      "the screen does not fit that size", file=sys.stderr)

        _wait(app, lambda: window.login.names.count() > 0)  # the names on the PIN pad
        shot("login")
        clerk = next(u for u in kiosk.users.list() if u.role is Role.CLERK)
        # A few earlier sales so the recent list shows every status.
        done = kiosk.sales.sell(clerk, [CartLine("XL20", 1, "081712345678")], Payment())
        failed = kiosk.sales.sell(clerk, [CartLine("ISAT10", 1, "085612345678")],
                                  Payment(cash_given=20_000))
        kiosk.sales.sell(clerk, [CartLine("PLN50", 1, "12345678901")],
                         Payment(PaymentMethod.QRIS))
        kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment())
        window.start_session(clerk)
        with kiosk.db.write() as conn:
            ok = apply_status(conn, done.lines[0].topup.ref_id, TopUpStatus.SUCCESS,
                              sn="4120091833")
            bad = apply_status(conn, failed.lines[0].topup.ref_id, TopUpStatus.FAILED)
        sales = window.sales
        kiosk.events.trigger(TOPUP_CHANGED, ok.topup)
        kiosk.events.trigger(SYNC_STATE, {"online": True, "queue": 1, "last_sync": None})
        _wait(app, lambda: sales.recent.model.rowCount() == 4)

        sales.number.setText("0812 3456 7890")
        sales.focus_grid()
        sales.grid.select(1)
        shot("sales-number")

        sales.add_product(sales.grid.current, pay=True)
        sales.payment.cash.setText("20000")
        sales.payment._update_change()
        shot("sales-payment")
        sales.payment.submit()
        _wait(app, lambda: sales.last_record is not None)
        shot("sales-change")
        from tools.counter_screenshots import repeat_shot, ticket_shot

        repeat_shot(app, window, shot, _wait)

        for code in ("8991234500011", "8991234500011"):
            sales.scan(code)
        sales.number.setText("0857 1234 5678")
        sales.grid.select(2)
        sales.add_selected()
        sales.grid.set_kind(sales.grid.kind.__class__("ewallet"))
        sales.number.setText("0812 9876 5432")
        sales.grid.select(1)
        sales.add_selected()
        kiosk.events.trigger(TOPUP_CHANGED, bad.topup)
        kiosk.events.trigger(SYNC_STATE, {"online": False, "queue": 2, "last_sync": None})
        shot("sales-cart")

        for notice in list(window.notices.notices):
            window.notices.dismiss(notice)
        sales.cart.clear()
        sales.grid.set_kind(sales.grid.kind.__class__("pulsa"))
        sales.number.setText("08123")
        sales.focus_grid()
        sales.add_product(sales.grid.current, pay=True)
        shot("sales-error")

        sales.reset()
        window.show_page(1)
        _wait(app, lambda: len(window.history.sales) == 5)
        window.history.table.selectRow(3)
        shot("history")
        from tools.complaint_screenshots import complaint_shots

        complaint_shots(app, kiosk, window, outdir, size, saved)
        window.show_page(2)
        _wait(app, lambda: window.report.report is not None)
        shot("report")
        _backups_shot(app, kiosk, window, outdir, size, saved)
        ticket_shot(app, kiosk, window.tasks, outdir, size, saved, _wait)
        from tools.shift_screenshots import shift_shots

        shift_shots(app, kiosk, window.tasks, outdir, size, saved)
        from tools.staff_screenshots import staff_shots

        staff_shots(app, kiosk, window.tasks, outdir, size, saved)
        window.close()
        kiosk.close()
    from tools.first_run_screenshots import first_run_shots, training_shot
    from tools.inquiry_screenshots import inquiry_screenshots
    from tools.office_screenshots import office_screenshots

    saved += first_run_shots(app, outdir, size) + training_shot(app, outdir, size)
    return saved + office_screenshots(outdir, size) + inquiry_screenshots(outdir, size)


def _backups_shot(app: object, kiosk: object, window: object, outdir: Path,
                  size: tuple[int, int], saved: list[Path]) -> None:
    """The owner's Cadangan screen with a manual and an exit backup listed."""
    from kiosk_pos.core.records import Role
    from kiosk_pos.ui.backups_view import BackupsView

    owner = next(u for u in kiosk.users.list() if u.role is Role.OWNER)  # type: ignore[attr-defined]
    kiosk.backups.make_backup(owner)  # type: ignore[attr-defined]
    kiosk.backups.automatic_backup("exit")  # type: ignore[attr-defined]
    view = BackupsView(kiosk, owner, window.tasks)  # type: ignore[arg-type, attr-defined]
    view.resize(min(900, size[0] - 80), min(600, size[1] - 120))
    view.show()
    _wait(app, lambda: view.table.rowCount() == 2)
    path = outdir / "backups.png"
    view.grab().save(str(path))
    saved.append(path)
    view.close()


def _size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1366x768")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots",
                                     description="Save the app's screens as PNGs.")
    parser.add_argument("outdir", nargs="?", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", dest="sizes", type=_size, action="append",
                        help="WIDTHxHEIGHT; repeat for more (default: 1366x768 1024x768)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    sizes: list[tuple[int, int]] = args.sizes or list(SIZES)
    for i, size in enumerate(sizes):
        folder = args.outdir if i == 0 else args.outdir / f"{size[0]}x{size[1]}"
        for path in make_screenshots(folder, size):
            print(path)
    _tear_down()
    return 0


def _tear_down() -> None:
    """Delete every window while Qt is whole: left to the interpreter's exit, widgets were
    destroyed after the objects they share (a crash after the last screenshot)."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    raise SystemExit(main())
