"""The owner's customer, kasbon and price rule screens for the docs (Pelanggan, a customer's
kasbon page, the kasbon picker at the counter, Aturan harga),
each in a state a shop would see, at the size its dialog takes on that screen. Called by
:mod:`tools.office_screenshots`; ``python -m tools.customer_screenshots [OUTDIR]`` writes only
these (1366x768 in OUTDIR, 1024x768 in OUTDIR/1024x768)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def customer_screenshots(outdir: Path, size: tuple[int, int]) -> list[Path]:
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk_pos import i18n
    from kiosk_pos.core.records import CartLine, Payment, PaymentMethod, Role
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.ui.customer_view import CustomerView
    from kiosk_pos.ui.kasbon_view import KasbonView
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_theme
    from tools.screenshots import _wait

    outdir.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    saved: list[Path] = []
    tasks = TaskManager()
    dialog = (min(900, size[0] - 80), min(640, size[1] - 100))  # as tools.py opens them
    with tempfile.TemporaryDirectory() as tmp:
        kiosk = init_kiosk(Path(tmp), "Konter Pulsa Demo", "9999", demo=True)
        owner = next(u for u in kiosk.users.list() if u.role is Role.OWNER)
        clerk = next(u for u in kiosk.users.list() if u.role is Role.CLERK)
        people = [("Bu Sari Wulandari", "081234567890", 300_000, "warung sebelah"),
                  ("Pak Budi", "085712345678", 150_000, None),
                  ("Mas Eko (ojek pangkalan)", "087812312312", 100_000, None),
                  ("Citra", None, 0, "bayar tunai saja")]
        made = [kiosk.customers.add(owner, n, p, note, lim) for n, p, lim, note in people]
        kiosk.sales.sell(clerk, [CartLine("TSEL10", 1, "081234567890")], Payment())
        for who, sku, qty in ((0, "ACC-TG", 2), (1, "ACC-CBL", 1), (0, "ACC-EAR", 1),
                              (2, "ACC-TG", 1)):
            kiosk.sales.sell(clerk, [CartLine(sku, qty)],
                             Payment(PaymentMethod.KASBON, customer_id=made[who].id))
        kiosk.kasbon.pay(owner, made[0].id, 20_000)
        kiosk.kasbon.correct(owner, made[0].id, -5_000, "potongan langganan")

        def shot(name: str, view: QWidget) -> None:
            view.resize(*dialog)
            view.show()
            _wait(app, lambda: not tasks.busy)
            path = outdir / f"{name}.png"
            view.grab().save(str(path))
            saved.append(path)
            view.close()
            view.deleteLater()
            _wait(app, lambda: True)

        customers = CustomerView(kiosk, owner, tasks)
        _wait(app, lambda: customers.table.rowCount() == len(people))
        customers.table.selectRow(0)
        shot("customers", customers)

        page = KasbonView(kiosk, owner, tasks, made[0].id)
        _wait(app, lambda: page.statement is not None)
        page.pay_amount.setText("50.000")
        shot("kasbon", page)
        from kiosk_pos.core.markup_rules import for_kiosk
        from kiosk_pos.ui.markup_view import MarkupView

        rules = for_kiosk(kiosk)
        rules.save(owner, rules.policy().with_override("TSEL10", 12_500))
        markup = MarkupView(kiosk, owner, tasks)
        _wait(app, lambda: markup.policy is not None)
        markup.table.selectRow(1)
        shot("markup-rules", markup)
        saved.append(_counter_shot(app, kiosk, clerk, outdir, size))
        tasks.shutdown()
        kiosk.close()
    return saved


def _counter_shot(app: object, kiosk: object, clerk: object, outdir: Path,
                  size: tuple[int, int]) -> Path:
    """The payment with Kasbon open: the cart's number is Bu Sari's, she is picked and
    part of the sale goes on her account, the rest in cash."""
    from kiosk_pos.ui.main_window import MainWindow
    from tools.screenshots import _wait

    window = MainWindow(kiosk)  # type: ignore[arg-type]
    window.resize(*size)
    window.show()
    window.start_session(clerk)  # type: ignore[arg-type]
    sales = window.sales
    sales.number.setText("0812 3456 7890")  # Bu Sari's number
    sales.focus_grid()
    sales.grid.select(4)
    sales.add_product(sales.grid.current, pay=True)
    picker = sales.payment.picker
    assert picker is not None
    _wait(app, lambda: picker.offered is not None)
    picker.set_open(True)
    _wait(app, lambda: picker.list.isVisible())
    window.grab().save(str(outdir / "sales-kasbon-offered.png"))  # her row, what she buys
    picker.pick(0)
    picker.amount.setText("10.000")
    picker.amount.textEdited.emit("10.000")
    sales.payment.cash.setText("50000")
    sales.payment._update_change()
    _wait(app, lambda: True)
    path = outdir / "sales-kasbon.png"
    window.grab().save(str(path))
    window.tasks.shutdown()
    window.close()
    window.deleteLater()
    _wait(app, lambda: True)
    return path


def main() -> int:
    from tools.screenshots import SIZES

    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    for i, size in enumerate(SIZES):
        folder = outdir if i == 0 else outdir / f"{size[0]}x{size[1]}"
        for path in customer_screenshots(folder, size):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
