"""The first-run wizard's pages and the training (mode latihan) window, as pictures.

Called by tools/screenshots.py; alone: ``python -m tools.first_run_screenshots [OUTDIR]``.
The wizard is fitted to the screen as the app fits it (``FirstRunWizard.fit_to``); the
distributor page is shot with a refused secret's sentence and with a setup code read,
the printer page with its form.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect

from tools.screenshots import SIZES, _wait


def first_run_shots(app: object, outdir: Path, size: tuple[int, int]) -> list[Path]:
    from kiosk_pos.i18n import tr
    from kiosk_pos.ui.first_run import FirstRunWizard

    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        wizard = FirstRunWizard(Path(tmp) / "shop", detect=lambda: {"usb": ["0416:5011"]})
        wizard.fit_to(QRect(0, 0, *size))
        wizard.show()

        def shot(name: str) -> None:
            _wait(app, lambda: True)  # type: ignore[arg-type]
            path = outdir / f"{name}.png"
            wizard.grab().save(str(path))
            saved.append(path)

        shot("first-run-welcome")
        wizard.next()
        wizard.shop.name.setText("Konter Pulsa Sumber Rejeki")
        wizard.shop.address.setText("Jl. Melati No. 3, Bogor")
        shot("first-run-shop")
        wizard.next()
        wizard.owner.pin.setText("1234")
        wizard.owner.again.setText("1234")
        wizard.next()  # refused: a run of digits
        shot("first-run-owner")
        wizard.owner.pin.setText("4826")
        wizard.owner.again.setText("4826")
        wizard.next()
        wizard.clerk.name.setText("Sari")
        wizard.clerk.pin.setText("2580")
        shot("first-run-clerk")
        wizard.next()
        page = wizard.distributor
        page.url.setText("https://distributor.example:8000")
        page.kiosk_id.setText("17")
        page.secret.setText("rahasia")
        page.say(tr("sync.error.unauthorized"))
        shot("first-run-distributor")
        page.code.setText('{"type":"pulsa-kiosk-setup","v":1,"server":'
                          '"https://distributor.example:8000","kiosk_id":18,"secret":"k3y"}')
        shot("first-run-distributor-code")  # the console's QR code read into the fields
        page.later.setChecked(True)
        wizard.next()
        wizard.printer.now.setChecked(True)
        shot("first-run-printer")
        wizard.next()
        shot("first-run-finish")
        wizard.close()
    return saved


def training_shot(app: object, outdir: Path, size: tuple[int, int]) -> list[Path]:
    """The practice counter's sales screen under its strip."""
    from kiosk_pos.core.kiosk import Kiosk
    from kiosk_pos.training import ensure_training_kiosk
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.training_mode import install

    with tempfile.TemporaryDirectory() as tmp:
        kiosk = Kiosk.open(ensure_training_kiosk(Path(tmp)))
        window = MainWindow(kiosk)
        install(window, Path(tmp), training=True)
        window.resize(*size)
        window.show()
        clerk = kiosk.users.authenticate("1111")
        window.start_session(clerk)
        _wait(app, lambda: window.status.clerk.text() != "")  # type: ignore[arg-type]
        window.sales.number.setText("0812 3456 7890")
        window.sales.focus_grid()
        _wait(app, lambda: True)  # type: ignore[arg-type]
        path = outdir / "training.png"
        window.grab().save(str(path))
        window.close()
        kiosk.close()
    return [path]


def main(argv: list[str] | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    from kiosk_pos import i18n
    from kiosk_pos.ui.theme import apply_theme

    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else Path("docs/screenshots")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)  # type: ignore[arg-type]
    i18n.set_language("id")
    for i, size in enumerate(SIZES):
        folder = outdir if i == 0 else outdir / f"{size[0]}x{size[1]}"
        folder.mkdir(parents=True, exist_ok=True)
        for path in first_run_shots(app, folder, size) + training_shot(app, folder, size):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
