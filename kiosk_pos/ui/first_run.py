"""The first-run wizard: a real counter started with no database sets itself up here.

Language, shop (name and address for the receipt), owner's PIN (twice), an optional clerk,
the distributor (the signed test of ``kiosk-pos connect``, or later), the printer (the
printer settings screen: detect, paper width, test print, or later), then Finish writes it
all through :func:`kiosk_pos.first_run.set_up` and the app opens the sales screen with the
owner signed in. Keyboard first: Tab between fields, Enter is Next, Esc cancels; arrows
move between "now" and "later". Nothing is written before Finish, so cancelling leaves
the data folder as it was. The test and the writing are operations, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QScrollArea,
    QWidget,
    QWizard,
)

from kiosk_pos import i18n
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import KioskInfo, User
from kiosk_pos.i18n import tr
from kiosk_pos.ui.first_run_pages import (
    ClerkPage,
    FinishPage,
    OwnerPage,
    Page,
    ShopPage,
    checkbox,
    choice,
    line,
)
from kiosk_pos.ui.operations import NetworkOp, OpFailure, WriteOp
from kiosk_pos.ui.tasks import TaskManager

if TYPE_CHECKING:
    from kiosk_pos.first_run import ShopPlan
    from kiosk_pos.printing.queue import PrintQueue
    from kiosk_pos.printing.settings import PrinterSettings
    from kiosk_pos.sync.config import SyncConfig
    from kiosk_pos.ui.printer_settings import Detector, PrinterSettingsWidget

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
MAX_SIZE = (1000, 740)


class WelcomePage(Page):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__("first_run.welcome.title", "first_run.welcome.text")
        self.language = QComboBox()
        self.language.setMinimumHeight(44)
        for code in i18n.LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(i18n.LANGUAGES.index(i18n.language()))
        self.language.currentIndexChanged.connect(
            lambda i: wizard.set_language(self.language.itemData(i)))
        self.row("first_run.welcome.language", self.language)


class DistributorPage(Page):
    """URL, kiosk id and secret, proven by the signed test when Next is pressed; or later."""

    def __init__(self, tasks: TaskManager) -> None:
        super().__init__("first_run.dist.title", "first_run.dist.text")
        self._tasks = tasks
        self.now, self.later, choices = choice(self, "first_run.dist.now", "first_run.dist.later")
        self._choices = choices
        self.body.insertWidget(1, self.now)
        self.body.insertWidget(2, self.later)
        self.code = self.row("first_run.dist.code", line())  # a scanner reading the QR types
        self.code.textChanged.connect(self._code_typed)
        self.url = self.row("first_run.dist.url", line())
        self.url.setPlaceholderText("https://distributor.example:8000")
        self.kiosk_id = self.row("first_run.dist.kiosk_id", line(digits=True, width=240))
        self.secret = self.row("first_run.dist.secret", line(secret=True))
        self.ca_file = self.row("first_run.dist.ca_file", line())
        self.lan_http = checkbox()
        self.row("", self.lan_http)
        self.later.toggled.connect(self._later_toggled)
        self.proven: SyncConfig | None = None  # the connection the test proved
        self._testing = False
        self._applied = ""  # the setup code last read into the fields

    def retranslate(self) -> None:
        super().retranslate()
        for button, key in self._choices:
            button.setText(tr(key))
        self.lan_http.setText(tr("first_run.dist.lan_http"))
        self.code.setPlaceholderText(tr("first_run.dist.code_hint"))
        self.ca_file.setPlaceholderText(tr("first_run.dist.ca_file_hint"))

    def _later_toggled(self, later: bool) -> None:
        for field in (self.code, self.url, self.kiosk_id, self.secret, self.ca_file,
                      self.lan_http):
            field.setEnabled(not later)
        self.message.clear()

    def _code_typed(self, text: str) -> None:
        """A whole code (a scanner types it, ending in "}") is read at once."""
        if text.rstrip().endswith("}"):
            self.apply_code()
        elif not text.strip():
            self._applied = ""
            self.code.setEchoMode(QLineEdit.EchoMode.Normal)
            self.message.clear()

    def apply_code(self) -> bool:
        """Fill address, kiosk id and secret from the setup code; a bad code is one
        sentence and fills nothing (the kiosk_pos.sync.setup_code rules)."""
        from kiosk_pos.sync.connect import ConnectRefused
        from kiosk_pos.sync.setup_code import parse_setup_code

        text = self.code.text()
        try:
            code = parse_setup_code(text)
        except ConnectRefused as exc:
            self._applied = ""
            self.say(exc.message)
            return False
        self._applied = text
        self.code.setEchoMode(QLineEdit.EchoMode.Password)  # it holds the secret
        self.url.setText(code.url)
        self.kiosk_id.setText(str(code.kiosk_id))
        self.secret.setText(code.secret)
        self.say(tr("first_run.dist.code_read", kiosk_id=code.kiosk_id, url=code.url),
                 error=False)
        return True

    def connection(self) -> SyncConfig | None:
        return None if self.later.isChecked() else self.proven

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from kiosk_pos.sync.connect import ConnectRefused, check, config_for

        if self.later.isChecked():
            return True
        if self._testing:
            return False
        if self.code.text().strip() and self.code.text() != self._applied \
                and not self.apply_code():
            self.code.setFocus()
            return False
        if not self.kiosk_id.text().isdigit() or int(self.kiosk_id.text()) < 1:
            self.say(tr("first_run.dist.bad_id"))
            self.kiosk_id.setFocus()
            return False
        try:
            cfg = config_for(self.url.text(), int(self.kiosk_id.text()), self.secret.text(),
                             ca_file=self.ca_file.text().strip() or None,
                             allow_lan_http=self.lan_http.isChecked())
        except ConnectRefused as exc:
            self.say(exc.message)
            return False
        if self.proven == cfg:
            return True
        self.proven = None
        self._testing = True
        self.say(tr("first_run.dist.testing"), error=False)
        NetworkOp(self, lambda: check(cfg)).success(lambda _r: self._proved(cfg)).failure(
            self._refused).run(self._tasks)
        return False

    def _proved(self, cfg: SyncConfig) -> None:
        self._testing = False
        self.proven = cfg
        self.say(tr("first_run.dist.proven", kiosk_id=cfg.kiosk_id), error=False)
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()

    def _refused(self, failure: OpFailure) -> None:
        self._testing = False
        self.say(failure.message)


class PrinterPage(Page):
    """The printer settings screen inside the wizard (its Save is Finish), or later."""

    def __init__(self, queue: PrintQueue, info: Callable[[], KioskInfo], detect: Detector | None,
                 tasks: TaskManager) -> None:
        super().__init__("first_run.printer.title")
        self._queue, self._info, self._detect, self._tasks = queue, info, detect, tasks
        self.now, self.later, self._choices = choice(self, "first_run.printer.now",
                                                     "first_run.printer.later")
        self.later.setChecked(True)
        choices = QHBoxLayout()  # side by side: the form below gets the height
        choices.addWidget(self.now)
        choices.addWidget(self.later)
        choices.addStretch(1)
        self.body.insertLayout(1, choices)
        self.message.setMinimumHeight(0)  # the form says its own results
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body.insertWidget(2, self.scroll, 1)
        self.body.setStretch(self.body.count() - 1, 0)  # the form takes the room, not the end
        self.settings: PrinterSettingsWidget | None = None
        self.now.toggled.connect(self._now_toggled)

    def retranslate(self) -> None:
        super().retranslate()
        for button, key in self._choices:
            button.setText(tr(key))

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        if self.settings is None:  # built when first reached: it needs the shop's name
            from kiosk_pos.ui.printer_settings import PrinterSettingsWidget

            self.settings = PrinterSettingsWidget(self._queue, self._info(), load=lambda: None,
                                                  save=lambda _d: None, detect=self._detect,
                                                  tasks=self._tasks, essentials_only=True)
            self.settings.save_button.hide()  # Finish keeps them, with everything else
            self.scroll.setWidget(self.settings)
        self._now_toggled(self.now.isChecked())

    def _now_toggled(self, now: bool) -> None:
        self.scroll.setVisible(now)

    def chosen(self) -> PrinterSettings | None:
        if self.later.isChecked() or self.settings is None:
            return None
        return self.settings.settings()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        from kiosk_pos.printing.settings import ConnectionType
        from kiosk_pos.printing.texts import pt

        chosen = self.chosen()
        if chosen is not None and chosen.connection is ConnectionType.USB \
                and not chosen.usb_vendor:
            self.say(pt("ui.bad_usb"))
            return False
        return True


class FirstRunWizard(QWizard):
    """Emits ``set_up`` with (Kiosk, owner) once Finish has written the counter."""

    set_up = Signal(object)

    def __init__(self, data_dir: Path, tasks: TaskManager | None = None, *,
                 detect: Detector | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from kiosk_pos.printing.queue import PrintQueue

        self.data_dir = Path(data_dir)
        self.tasks = tasks or TaskManager(self)
        self.queue = PrintQueue(name="first-run-print-queue")
        self.result_: tuple[Kiosk, User] | None = None
        self._saving = False
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.welcome = WelcomePage(self)
        self.shop = ShopPage()
        self.owner = OwnerPage()
        self.clerk = ClerkPage(self.owner.pin.text)
        self.distributor = DistributorPage(self.tasks)
        self.printer = PrinterPage(self.queue, self._kiosk_info, detect, self.tasks)
        self.finish_page = FinishPage(self._summary, self._finish)
        self.pages: list[Page] = [self.welcome, self.shop, self.owner, self.clerk,
                                  self.distributor, self.printer, self.finish_page]
        for page in self.pages:
            self.addPage(page)
        self.retranslate()
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.fit_to(screen.availableGeometry() if screen is not None else QRect())

    def fit_to(self, available: QRect) -> None:
        width, height = MAX_SIZE
        if not available.isEmpty():
            width, height = min(width, available.width()), min(height, available.height() - 40)
        self.resize(width, height)

    # -- language ------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang in i18n.LANGUAGES and lang != i18n.language():
            i18n.set_language(lang)
            self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("first_run.title"))
        for button, key in ((QWizard.WizardButton.NextButton, "first_run.next"),
                            (QWizard.WizardButton.BackButton, "first_run.back"),
                            (QWizard.WizardButton.CancelButton, "first_run.cancel"),
                            (QWizard.WizardButton.FinishButton, "first_run.finish")):
            self.setButtonText(button, tr(key))
        for page in self.pages:
            page.retranslate()

    # -- the plan and Finish ---------------------------------------------------------------
    def _kiosk_info(self) -> KioskInfo:
        return KioskInfo(self.shop.name.text().strip(), self.shop.address.text().strip())

    def plan(self) -> ShopPlan:
        from kiosk_pos.first_run import ShopPlan

        return ShopPlan(self.shop.name.text(), self.shop.address.text(),
                        self.owner.pin.text(), self.clerk.name.text(), self.clerk.pin.text(),
                        self.distributor.connection(), self.printer.chosen(),
                        language=i18n.language())

    def _summary(self) -> list[str]:
        from kiosk_pos.printing.texts import pt

        plan = self.plan()
        lines = [tr("first_run.done.shop", name=plan.name.strip())]
        lines.append(tr("first_run.done.clerk", name=plan.clerk_name.strip())
                     if plan.clerks else tr("first_run.done.no_clerk"))
        conn = plan.connection
        lines.append(tr("first_run.done.dist", kiosk_id=conn.kiosk_id, url=conn.url)
                     if conn else tr("first_run.done.no_dist"))
        printer = plan.printer
        lines.append(tr("first_run.done.printer", width=printer.paper_width,
                        connection=pt(f"ui.conn.{printer.connection.value}"))
                     if printer else tr("first_run.done.no_printer"))
        return lines

    def _finish(self) -> bool:
        """Finish pressed: True once written; until then the write runs as an operation."""
        from kiosk_pos.first_run import set_up

        if self.result_ is not None:
            return True
        if self._saving:
            return False
        self._saving = True
        self.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.finish_page.say(tr("first_run.done.saving"), error=False)
        folder, plan = self.data_dir, self.plan()
        WriteOp(self, lambda: set_up(folder, plan)).success(self._written).failure(
            self._not_written).run(self.tasks)
        return False

    def _written(self, result: tuple[Kiosk, User]) -> None:
        self._saving = False
        self.result_ = result
        self.set_up.emit(result)
        self.accept()

    def _not_written(self, failure: OpFailure) -> None:
        self._saving = False
        self.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        self.finish_page.say(failure.message)

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        if event.key() == Qt.Key.Key_Escape and self._saving:
            return  # the counter is being written: it finishes, then the app opens
        super().keyPressEvent(event)

    def done(self, result: int) -> None:  # noqa: D401 - Qt override
        if self._saving:
            return
        self.queue.close(timeout=1.0)
        super().done(result)
