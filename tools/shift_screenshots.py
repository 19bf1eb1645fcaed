"""The Shift and Retur screens' pictures (issue 10), shot as the tool dialogs show them
(900x640 inside the window): a float counted by notes, a running shift after a cash out, the
close with its selisih and Z report, and a clerk's refund waiting for a supervisor's PIN.
Called by tools/screenshots.py; alone: ``python -m tools.shift_screenshots [OUTDIR]``."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tools.screenshots import SIZES, _wait

DIALOG = (900, 640)  # ToolDialogs._dialog


def shift_shots(app: object, kiosk: object, tasks: object, outdir: Path,
                size: tuple[int, int], saved: list[Path]) -> None:
    from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role
    from kiosk_pos.ui.refund_view import RefundView
    from kiosk_pos.ui.shift_view import ShiftView

    users = kiosk.users.list()  # type: ignore[attr-defined]
    clerk = next(u for u in users if u.role is Role.CLERK)
    width, height = min(DIALOG[0], size[0] - 40), min(DIALOG[1], size[1] - 80)

    def shot(widget: object, name: str, until: object = lambda: True) -> None:
        widget.resize(width, height)  # type: ignore[attr-defined]
        widget.show()  # type: ignore[attr-defined]
        _wait(app, until)  # type: ignore[arg-type]
        path = outdir / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)
        got = (widget.width(), widget.height())  # type: ignore[attr-defined]
        if got != (width, height):
            print(f"screenshots: {name} is {got[0]}x{got[1]}, not {width}x{height}",
                  file=sys.stderr)

    view = ShiftView(kiosk, clerk, tasks)  # type: ignore[arg-type]
    _wait(app, lambda: view.status.text() != "")
    view.float_count.set_counts({50_000: 2, 20_000: 2, 10_000: 4, 5_000: 4, 2_000: 5,
                                 1_000: 10})
    shot(view, "shift-open")
    view.open_shift()
    _wait(app, lambda: view.pages.currentIndex() == 1)
    kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 2)],  # type: ignore[attr-defined]
                     Payment(PaymentMethod.CASH, 50_000))
    kiosk.sales.sell(clerk, [CartLine("SP-XL", 1)], Payment(PaymentMethod.QRIS))  # type: ignore[attr-defined]
    view.cash_amount.setText("25000")
    view.cash_reason.setText("bayar galon")
    view.move_cash("out")
    _wait(app, lambda: "Kas keluar" in view.figures.text())
    view.drawer_count.set_counts({100_000: 2, 50_000: 1, 20_000: 1, 5_000: 1})
    shot(view, "shift-close")
    view.close_shift()
    _wait(app, lambda: view.pages.currentIndex() == 2)
    shot(view, "shift-report")
    view.close()

    sale = kiosk.sales.sell(clerk, [CartLine("SP-TSEL", 1), CartLine("SP-XL", 1),  # type: ignore[attr-defined]
                                    CartLine("TSEL10", 1, "081234567890")], Payment())
    refund = RefundView(kiosk, clerk, tasks, sale_id=sale.id)  # type: ignore[arg-type]
    _wait(app, lambda: refund.sale is not None)
    refund.set_line_checked(2, False)
    refund.reason.setText("kartu rusak")
    shot(refund, "refund")
    refund.close()
    # No operation may outlive its screen: wait for them, then delete the screens here.
    _wait(app, lambda: not tasks.busy)  # type: ignore[attr-defined]
    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in (view, refund):
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_theme

    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else Path("docs/screenshots")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    for i, size in enumerate(SIZES):
        folder = outdir if i == 0 else outdir / f"{size[0]}x{size[1]}"
        folder.mkdir(parents=True, exist_ok=True)
        saved: list[Path] = []
        with tempfile.TemporaryDirectory() as tmp:
            kiosk = init_kiosk(Path(tmp), "Konter Pulsa Demo", "9999", demo=True)
            tasks = TaskManager()
            shift_shots(app, kiosk, tasks, folder, size, saved)
            _wait(app, lambda t=tasks: not t.busy)
            tasks.shutdown()
            kiosk.close()
        print(*saved, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
