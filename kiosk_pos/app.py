"""The desktop app's entry: one GUI per data folder, the session, the window.

``run_gui`` takes the folder's GUI lock, builds the Qt-free :class:`AppSession` (the
composition root: kiosk, print queue, sync or the demo distributor, checks, backups),
shows the PIN login and then the sales screen over it, and from then on forbids the
database on the GUI thread: screens reach it only through operations.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_pos import i18n
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import Role, User
from kiosk_pos.core.settings import LANGUAGE
from kiosk_pos.errors import KioskError, StoreError

if TYPE_CHECKING:  # Qt is imported when the app runs, not when the CLI parses
    from PySide6.QtWidgets import QApplication

    from kiosk_pos.ui.main_window import MainWindow

log = logging.getLogger(__name__)

EXIT_STORE_ERROR = 2
EXIT_ALREADY_OPEN = 2
# With this set, the self-test writes the names of the modules loaded at "ready" (one a line)
# to the file it names: tests check that start-up did not import SQLAlchemy or Alembic.
ENV_READY_MODULES = "KIOSK_POS_READY_MODULES"
# With this set to "sales", the self-test logs the first clerk straight in and is ready when
# the sales screen is shown (the figure before issue 12's fourth pass); by default it is
# ready when the PIN login is painted and taking keys, what a clerk starting the app meets.
ENV_SELF_TEST = "KIOSK_POS_SELF_TEST"
# The session's services start after the window's first paint, or after this long if it has
# not painted (shown minimised).
SERVICES_WAIT_MS = 3000


def _process_start() -> float:
    """``perf_counter`` when ``kiosk_pos.__main__`` was imported, if it noted it."""
    main = sys.modules.get("kiosk_pos.__main__")
    value = getattr(main, "STARTED", None)
    return value if isinstance(value, float) else time.perf_counter()


def pick_language(kiosk: Kiosk | None, explicit: str | None) -> str:
    """``--lang`` first, then the kiosk's saved ``ui.language``, then Indonesian."""
    for candidate in (explicit, kiosk.settings.get(LANGUAGE) if kiosk else None):
        if candidate in i18n.LANGUAGES:
            return candidate
    return i18n.DEFAULT_LANGUAGE


def first_clerk(kiosk: Kiosk) -> User:
    users = kiosk.users.list()
    return next((u for u in users if u.role is Role.CLERK), users[0])


def _refuse(message: str, *, interactive: bool) -> None:
    from PySide6.QtWidgets import QMessageBox

    from kiosk_pos.ui.collector import collect_on_gui_thread

    collect_on_gui_thread()  # no window: nothing to wait for

    print(f"kiosk-pos: {message}", file=sys.stderr)
    if interactive:
        box = QMessageBox(QMessageBox.Icon.Critical, i18n.tr("ui.app.store_error_title"),
                          message, QMessageBox.StandardButton.Ok)
        box.exec()


def run_gui(data_dir: Path, *, demo: bool = False, self_test: bool = False,
            language: str | None = None, training: bool = False) -> int:
    """Run the desktop app; returns the process exit code.

    A real counter's folder with no database starts with the first-run wizard (cancelled:
    nothing written, exit 0). With ``training`` (or once the owner switches) the window
    runs the practice kiosk in ``training/``; switching closes the window and opens the
    other kiosk in a new one, under the same folder lock.

    With ``self_test`` there are no background services: the window prints
    ``ready in X.XXX s`` once the PIN login is painted and taking keys, lets the sales
    screen be built as while a PIN is typed, logs the first clerk in as a good PIN does and
    prints ``sales screen in X.XXX s after the PIN`` once that is painted, and returns 0.
    With ``KIOSK_POS_SELF_TEST=sales`` it opens straight on the sales screen (the first
    clerk logged in) and prints ``ready in X.XXX s`` once that is painted.
    """
    started = _process_start()
    import PySide6  # noqa: F401 - its import hook first, then the answers it need not read

    from kiosk_pos.ui.feature_check import answer_for_stdlib

    answer_for_stdlib()
    from PySide6.QtWidgets import QApplication

    from kiosk_pos.instance import GuiLock
    from kiosk_pos.ui.theme import apply_fonts

    data_dir = Path(data_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk-pos")
    if language in i18n.LANGUAGES:
        i18n.set_language(language)  # so even a data-dir error speaks the chosen language
    lock = GuiLock(data_dir)
    if not lock.acquire():
        _refuse(i18n.tr("ui.app.already_open", path=str(data_dir)), interactive=not self_test)
        return EXIT_ALREADY_OPEN
    try:
        apply_fonts(app)  # type: ignore[arg-type]
        opened: tuple[Kiosk, User] | None = None
        if not (demo or self_test or training):
            from kiosk_pos.first_run import needs_first_run

            if needs_first_run(data_dir):
                opened = _first_run(app, data_dir)
                if opened is None:
                    return 0  # cancelled: the folder is as it was
        while True:
            code, switch_to = _run_window(app, data_dir, demo=demo, self_test=self_test,
                                          language=language, training=training,
                                          opened=opened, started=started)
            if switch_to is None:
                return code
            training, opened = switch_to, None
    finally:
        lock.release()


def _first_run(app: QApplication, data_dir: Path) -> tuple[Kiosk, User] | None:
    """The first-run wizard; the new counter open, with its owner, or None if cancelled."""
    from kiosk_pos.ui.collector import collect_on_gui_thread
    from kiosk_pos.ui.first_run import FirstRunWizard
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_style

    apply_style(app)  # type: ignore[arg-type]
    collect_on_gui_thread()  # the wizard may stay open for long: its threads allocate
    tasks = TaskManager()
    wizard = FirstRunWizard(data_dir, tasks)
    try:
        wizard.exec()
        return wizard.result_
    finally:
        tasks.shutdown()
        wizard.deleteLater()


def _run_window(app: QApplication, data_dir: Path, *, demo: bool, self_test: bool,
                language: str | None, training: bool, opened: tuple[Kiosk, User] | None,
                started: float) -> tuple[int, bool | None]:
    """One window over one kiosk: the exit code, and where the owner asked to switch to
    (True: training, False: the real counter, None: nowhere, the app ends)."""
    from kiosk_pos.session import AppSession
    from kiosk_pos.ui.main_window import MainWindow
    from kiosk_pos.ui.tasks import TaskManager
    from kiosk_pos.ui.theme import apply_style
    from kiosk_pos.ui.training_mode import install

    services = {"printing": not self_test, "sync": not self_test, "verify": not self_test,
                "backups": not self_test and not training}
    try:
        if training:
            session = AppSession.open_training(data_dir, **services)
        elif opened is not None:
            session = AppSession(opened[0], data_dir, **services)
        else:
            session = AppSession.open(data_dir, demo=demo, **services)
    except (StoreError, KioskError) as exc:
        apply_style(app)  # type: ignore[arg-type]
        _refuse(exc.message, interactive=not self_test)
        return EXIT_STORE_ERROR, None
    i18n.set_language(pick_language(session.kiosk, language))
    clerk = first_clerk(session.kiosk) if self_test else None
    window = MainWindow(session.kiosk, TaskManager(), session=session)
    switch = install(window, data_dir, training=training)
    apply_style(app)  # type: ignore[arg-type]  # once the window is built: see apply_style
    session.kiosk.db.forbid_thread(threading.get_ident())
    ended = False

    def start_services() -> None:  # threads: after the first paint (see ui/first_paint.py)
        if not ended:
            session.start()

    try:
        if clerk is not None:
            return _self_test(app, window, clerk, started), None
        window.show()
        if opened is not None:
            window.start_session(opened[1])  # the owner who just set it up: the sales screen
        window.first_paint.later(start_services, first=True)
        window.first_paint.at_most_after(SERVICES_WAIT_MS)
        code = app.exec()
        return code, switch.to
    finally:
        ended = True
        window.close()
        window.deleteLater()
        session.kiosk.db.forbid_thread(None)  # the window is gone: the exit backup may run
        session.stop()


def _self_test(app: QApplication, window: MainWindow, clerk: User, started: float) -> int:
    """Report the time to the first screen painted, and (from the login) to the sales
    screen after a good PIN; then stop."""
    import os

    to_sales = os.environ.get(ENV_SELF_TEST) == "sales"
    window.show()
    if to_sales:
        window.start_session(clerk)
    focus = window.sales.number if to_sales else window.login.pin
    painted: list[tuple[float, bool]] = []  # when, and whether the field had the keys then
    # At the first turn of the event loop after the first paint, before anything that waited
    # for it: what the clerk sees is on screen, and the PIN (or number) field has the keys.
    window.first_paint.later(lambda: painted.append((time.perf_counter(), focus.hasFocus())),
                             first=True)
    if not _process_until(app, lambda: bool(painted) and (painted[0][1] or focus.hasFocus()),
                          started):
        return 1
    elapsed = (painted[0][0] if painted[0][1] else time.perf_counter()) - started
    _note_ready_modules()
    print(f"ready in {elapsed:.3f} s", flush=True)
    if to_sales:
        return 0
    # the clerk types a PIN: the warm-up of ui/first_paint.py runs meanwhile
    if not _process_until(app, lambda: not window.first_paint.pending, started):
        return 1
    watch = _PaintWatch(window)
    accepted = time.perf_counter()
    window.login.logged_in.emit(clerk)  # what the login does with a good PIN
    if not _process_until(app, lambda: watch.seen and window.sales.isVisible(), started):
        return 1
    print(f"sales screen in {time.perf_counter() - accepted:.3f} s after the PIN", flush=True)
    return 0


def _process_until(app: QApplication, done: Callable[[], bool], started: float) -> bool:
    while not done():
        app.processEvents()
        if time.perf_counter() - started > 30:
            print("kiosk-pos: the self-test timed out", file=sys.stderr)
            return False
    return True


class _PaintWatch:
    """Notes the window's next paint (for the self-test, after "ready")."""

    def __init__(self, window: MainWindow) -> None:
        from PySide6.QtCore import QEvent, QObject

        watch = self

        class Filter(QObject):
            def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    watch.seen = True
                return False

        self.seen = False
        self._filter = Filter(window)
        window.installEventFilter(self._filter)


def _note_ready_modules() -> None:
    """The modules loaded, ``PySide6.QtCore.Qt`` if PySide has built its Qt namespace (94
    enum classes), and ``thread:NAME`` for each thread running, to the file named by
    ``KIOSK_POS_READY_MODULES``, if set."""
    import os

    target = os.environ.get(ENV_READY_MODULES)
    if not target:
        return
    names = set(sys.modules)
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is not None and "Qt" in vars(qtcore):
        names.add("PySide6.QtCore.Qt")
    names.update(f"thread:{thread.name}" for thread in threading.enumerate())
    Path(target).write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")
