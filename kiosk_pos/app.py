"""The one place that builds the desktop app and wires it: kiosk, window, hooks.

``run_gui`` opens the kiosk's database (or creates the demo shop), shows the PIN
login and then the sales screen. Sync and printing plug in through
:class:`AppExtras`; nothing heavy (requests, reportlab) is imported here.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk_pos.core import i18n
from kiosk_pos.core.errors import KioskError, StoreError
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import Role, SaleRecord, User
from kiosk_pos.core.settings import LANGUAGE

log = logging.getLogger(__name__)

DEMO_KIOSK_NAME = "Konter Pulsa Demo"
DEMO_OWNER_PIN = "9999"
EXIT_STORE_ERROR = 2


@dataclass
class AppExtras:
    """Optional hooks the app wires for sync and printing. All run on the GUI thread,
    so anything slow (network, printer) must hand its work to a thread of its own.

    - ``start_background(kiosk)``: start sync/relay threads once the kiosk is open;
      return a callable that stops them (called when the window closes).
    - ``print_receipt(sale)``: after every saved sale (auto-print, open the drawer).
    - ``reprint(sale_id)``: the history's "Cetak ulang" button.
    - ``menu_actions``: extra buttons in the top bar, as ``(label, callback)``
      (e.g. printer settings).
    """

    start_background: Callable[[Kiosk], Callable[[], None]] | None = None
    print_receipt: Callable[[SaleRecord], None] | None = None
    reprint: Callable[[int], None] | None = None
    menu_actions: list[tuple[str, Callable[[], None]]] = field(default_factory=list)


def _process_start() -> float:
    """``perf_counter`` when ``kiosk_pos.__main__`` was imported, if it noted it."""
    main = sys.modules.get("kiosk_pos.__main__")
    for name in ("STARTED", "START_TIME", "STARTED_AT"):
        value = getattr(main, name, None)
        if isinstance(value, float):
            return value
    return time.perf_counter()


def open_kiosk(data_dir: Path, *, demo: bool = False) -> Kiosk:
    """Open the kiosk in ``data_dir``; with ``demo`` and no database yet, create the demo."""
    from kiosk_pos.core.setup import init_kiosk, is_initialised

    if demo and not is_initialised(data_dir):
        return init_kiosk(data_dir, DEMO_KIOSK_NAME, DEMO_OWNER_PIN, demo=True)
    return Kiosk.open(data_dir)


def pick_language(kiosk: Kiosk | None, explicit: str | None) -> str:
    """``--lang`` first, then the kiosk's saved ``ui.language``, then Indonesian."""
    for candidate in (explicit, kiosk.settings.get(LANGUAGE) if kiosk else None):
        if candidate in i18n.LANGUAGES:
            return candidate
    return i18n.DEFAULT_LANGUAGE


def first_clerk(kiosk: Kiosk) -> User:
    users = kiosk.users.list()
    return next((u for u in users if u.role is Role.CLERK), users[0])


def _show_store_error(message: str, *, interactive: bool) -> None:
    from PySide6.QtWidgets import QMessageBox

    print(message, file=sys.stderr)
    if interactive:
        box = QMessageBox(QMessageBox.Icon.Critical, i18n.tr("ui.app.store_error_title"),
                          message, QMessageBox.StandardButton.Ok)
        box.exec()


def run_gui(data_dir: Path, *, demo: bool = False, self_test: bool = False,
            language: str | None = None, extras: AppExtras | None = None) -> int:
    """Run the desktop app; returns the process exit code.

    With ``self_test`` the window opens straight on the sales screen (the first clerk
    logged in), prints ``ready in X.XXX s`` once shown, and returns 0 at once.
    """
    started = _process_start()
    from PySide6.QtWidgets import QApplication

    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk-pos")
    if language in i18n.LANGUAGES:
        i18n.set_language(language)  # so even a data-dir error speaks the chosen language
    apply_theme(app)  # type: ignore[arg-type]
    try:
        kiosk = open_kiosk(Path(data_dir), demo=demo)
    except (StoreError, KioskError) as exc:
        _show_store_error(exc.message, interactive=not self_test)
        return EXIT_STORE_ERROR
    i18n.set_language(pick_language(kiosk, language))
    services = None
    if extras is None and not self_test:
        from kiosk_pos.ui.session_services import AppServices

        services = AppServices(kiosk, Path(data_dir), demo=demo)
        extras = services.extras()
    extras = extras or AppExtras()
    tasks = TaskManager()
    window = MainWindow(kiosk, tasks, on_sale_saved=extras.print_receipt,
                        on_reprint=extras.reprint, extra_actions=extras.menu_actions)
    if services is not None:
        services.bind(window)
    stop: Callable[[], None] | None = None
    try:
        if self_test:
            window.start_session(first_clerk(kiosk))
            window.show()
            while not window.isVisible() or not window.windowHandle().isExposed():
                app.processEvents()
                if time.perf_counter() - started > 30:
                    break
            app.processEvents()
            print(f"ready in {time.perf_counter() - started:.3f} s", flush=True)
            return 0
        window.show()
        if extras.start_background is not None:
            stop = extras.start_background(kiosk)
        return app.exec()
    finally:
        if stop is not None:
            stop()
        window.close()
        window.deleteLater()
        kiosk.close()
