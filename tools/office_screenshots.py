"""The owner's back office screens for the docs (Barang, Terima barang, Stok opname, Stok
menipis), each in a state a shop would see, at the size its dialog takes on that screen.
Called by :mod:`tools.screenshots`; ``python -m tools.office_screenshots [OUTDIR]`` writes
only these (1366x768 in OUTDIR, 1024x768 in OUTDIR/1024x768)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def office_screenshots(outdir: Path, size: tuple[int, int]) -> list[Path]:
    from PySide6.QtWidgets import QApplication, QWidget

    from kiosk_pos import i18n
    from kiosk_pos.core.goods import GoodsChange
    from kiosk_pos.core.records import CartLine, Payment, Role
    from kiosk_pos.core.setup import init_kiosk
    from kiosk_pos.ui.goods_view import GoodsView
    from kiosk_pos.ui.stock_view import OPNAME, RECEIVE, LowStockView, StockCountView
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
        kiosk.goods.edit(owner, "ACC-EAR", GoodsChange(min_stock=8, category="Aksesoris"))
        kiosk.goods.edit(owner, "SP-XL", GoodsChange(min_stock=25))
        for _ in range(3):
            kiosk.sales.sell(clerk, [CartLine("ACC-EAR", 2), CartLine("SP-XL", 1)], Payment())

        def shot(name: str, view: QWidget) -> None:
            view.resize(*dialog)
            view.show()
            _wait(app, lambda: not tasks.busy)
            path = outdir / f"{name}.png"
            view.grab().save(str(path))
            saved.append(path)
            view.close()
            view.deleteLater()  # gone before the app is, not at the interpreter's exit
            _wait(app, lambda: True)

        goods = GoodsView(kiosk, owner, tasks)
        _wait(app, lambda: goods.table.rowCount() > 0)
        goods.table.selectRow(2)
        shot("goods", goods)

        receive = StockCountView(kiosk, owner, tasks, RECEIVE)
        for code, qty, cost in (("8991234500080", "12", ""), ("SP-XL", "20", "7.500")):
            receive.code.setText(code)
            receive.qty.setText(qty)
            receive.cost.setText(cost)
            receive.add_line()
            _wait(app, lambda: not tasks.busy)
        receive.note.setText("CV Sinar Seluler")
        shot("stock-receive", receive)

        opname = StockCountView(kiosk, owner, tasks, OPNAME)
        for code, qty in (("ACC-TG", "38"), ("ACC-CBL", "15"), ("ACC-CHG", "11")):
            opname.code.setText(code)
            opname.qty.setText(qty)
            opname.add_line()
            _wait(app, lambda: not tasks.busy)
        shot("stock-opname", opname)

        low = LowStockView(kiosk, tasks)
        _wait(app, lambda: bool(low.items))
        shot("stock-low", low)
        tasks.shutdown()
        kiosk.close()
    from tools.customer_screenshots import customer_screenshots

    return saved + customer_screenshots(outdir, size)


def main() -> int:
    from tools.screenshots import SIZES

    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")
    for i, size in enumerate(SIZES):
        folder = outdir if i == 0 else outdir / f"{size[0]}x{size[1]}"
        for path in office_screenshots(folder, size):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
