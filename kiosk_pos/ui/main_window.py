"""The main window: PIN login first, then sales, history and the daily report.

It adapts the app's :class:`~kiosk_pos.session.AppSession` (printer, sync, notices) to
the screen: core events arrive as Qt signals through the :class:`EventBridge`, and every
database or network step is an operation (``ui/operations.py``), never a call on the
GUI thread. A saved sale is one core event (``SALE_SAVED``); the window listens to it
once, the print queue attaches to it on its own.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QSize, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QMainWindow,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos import i18n
from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.records import User
from kiosk_pos.core.settings import LANGUAGE
from kiosk_pos.i18n import tr
from kiosk_pos.ui.bridge import EventBridge
from kiosk_pos.ui.first_paint import AfterFirstPaint, warm_up
from kiosk_pos.ui.login import LoginScreen
from kiosk_pos.ui.low_stock_notice import LowStockNotices
from kiosk_pos.ui.notices import NoticeArea
from kiosk_pos.ui.operations import QueryOp, WriteOp
from kiosk_pos.ui.pages import place_page
from kiosk_pos.ui.refund_notices import RefundNotices
from kiosk_pos.ui.status_bar import KioskStatusBar
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import no_focus

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from kiosk_pos.core.records import SaleRecord, TopUpRecord
    from kiosk_pos.session import AppSession
    from kiosk_pos.ui.forecast_watch import ForecastWatch
    from kiosk_pos.ui.help_view import HelpDialog
    from kiosk_pos.ui.history import HistoryView
    from kiosk_pos.ui.report_view import ReportView
    from kiosk_pos.ui.sales_screen import SalesScreen
    from kiosk_pos.ui.tools import ToolDialogs

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
PREFERRED_SIZE = QSize(1280, 800)  # on a larger screen; a smaller one gets all it has


class MainWindow(QMainWindow):
    reprint_requested = Signal(int)   # sale id
    logged_in = Signal(object)        # User
    session_ready = Signal()          # the logged-in user's figures are on screen

    def __init__(self, kiosk: Kiosk, tasks: TaskManager | None = None, *,
                 session: AppSession | None = None) -> None:
        super().__init__()
        self.kiosk = kiosk
        self.tasks = tasks or TaskManager(self)
        self.session = session
        self.user: User | None = None
        self.bridge = EventBridge(kiosk.events, self)
        # Start-up builds only the PIN login; the rest waits for its first paint (see
        # ui/first_paint.py), and every other page is built when first shown.
        self.first_paint = AfterFirstPaint(self)

        self.login = LoginScreen(kiosk, self.tasks)
        self.login.logged_in.connect(self.start_session)
        self._sales: SalesScreen | None = None
        _ = kiosk.catalog.catalog  # read now, before the GUI thread is barred from the database
        self._history: HistoryView | None = None
        self._report: ReportView | None = None
        self.notices = NoticeArea()
        self.refunds = RefundNotices(kiosk, self.tasks, self.notices, lambda: self.user, self)
        self.low_stock = LowStockNotices(kiosk, self.tasks, self.notices, self)

        self.nav: list[QPushButton] = []
        nav_group = QButtonGroup(self)
        nav_row = QHBoxLayout()
        for i in range(3):
            button = QPushButton()
            button.setCheckable(True)
            no_focus(button)
            button.clicked.connect(lambda _c=False, i=i: self.show_page(i))
            nav_group.addButton(button)
            nav_row.addWidget(button)
            self.nav.append(button)
        nav_row.addStretch(1)
        self.tools_button: QPushButton | None = None
        self._tools: ToolDialogs | None = None
        if session is not None:  # one button with a menu keeps the top bar narrow at 1024 px
            self.tools_button = QPushButton()
            no_focus(self.tools_button)
            menu = QMenu(self.tools_button)
            menu.aboutToShow.connect(self._fill_tools_menu)  # the tools load when first opened
            self.tools_button.setMenu(menu)
            nav_row.addWidget(self.tools_button)
        self.language = QComboBox()
        no_focus(self.language)
        for code in i18n.LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        self.language.setCurrentIndex(i18n.LANGUAGES.index(i18n.language()))
        self.language.currentIndexChanged.connect(
            lambda i: self.set_language(self.language.itemData(i)))
        nav_row.addWidget(self.language)
        self.lock = QPushButton()
        no_focus(self.lock)
        self.lock.clicked.connect(self.lock_screen)  # "Ganti kasir": the cart and shift stay
        nav_row.addWidget(self.lock)
        from kiosk_pos.ui.idle_lock import IdleLock

        self.idle = IdleLock(self.lock_screen, self)  # the owner's idle minutes, from login

        self.pages = QStackedWidget()
        for page in (QWidget(), QWidget(), QWidget()):  # placeholders until first shown
            self.pages.addWidget(page)
        work = QWidget()
        work_layout = QVBoxLayout(work)
        work_layout.setContentsMargins(8, 8, 8, 0)
        work_layout.addLayout(nav_row)
        work_layout.addWidget(self.notices)
        work_layout.addWidget(self.pages, 1)
        self.screens = QStackedWidget()
        self.screens.addWidget(self.login)
        self.screens.addWidget(work)
        self.setCentralWidget(self.screens)
        self.status = KioskStatusBar(kiosk.timezone())
        self.setStatusBar(self.status)
        # Bantuan: from every screen (the PIN pad included), on the page that screen needs
        self._help: HelpDialog | None = None
        self.help_button = QPushButton()
        self.help_button.setFlat(True)
        no_focus(self.help_button)
        self.help_button.clicked.connect(self.open_help)
        self.status.addPermanentWidget(self.help_button)

        self.bridge.deposit_changed.connect(self.status.set_balance)
        self._forecast: ForecastWatch | None = None  # from the first login
        self.bridge.sync_state.connect(self.status.set_sync_state)
        self.bridge.sale_saved.connect(self._sale_saved)
        self.bridge.topup_changed.connect(self._topup_changed)
        self.bridge.notice.connect(self.notices.show_notice)
        self.bridge.catalog_changed.connect(self._catalog_changed)
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.fit_to(screen.availableGeometry() if screen is not None else QRect())
        self.retranslate()
        # the names on the first paint, read now (like the catalogue above), not by a worker
        self.login.reset(names=[user.name for user in kiosk.users.list()])
        warm_up(self)  # the keys (Alt+1..3, Alt+M, Alt+H, Ctrl+K) and the sales screen

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if not self.first_paint.done:
            self.first_paint.painted()

    def fit_to(self, available: QRect) -> None:
        """Size the window to the screen's free area (never larger), up to the preferred
        size: the counter's 1366x768 or 1024x768 screen shows all of it."""
        if available.isEmpty():
            self.resize(PREFERRED_SIZE)
            return
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar, borders
        width = min(PREFERRED_SIZE.width(), available.width() - frame.width())
        height = min(PREFERRED_SIZE.height(), available.height() - frame.height())
        self.resize(width, height)
        self.move(available.topLeft())

    # -- pages built on first use ---------------------------------------------------------
    @property
    def sales(self) -> SalesScreen:
        if self._sales is None:
            from kiosk_pos.ui.sales_screen import SalesScreen

            # Made in its stack, so it is not restyled again when placed (see its __init__).
            self._sales = SalesScreen(self.kiosk, self.tasks, self.pages)
            self._sales.set_clerk(self.user)
            self._sales.inquiry.client_factory = lambda: getattr(  # the name check's client
                getattr(self.session, "sync", None), "client", None)
            place_page(self.pages, 0, self._sales)
        return self._sales

    @property
    def history(self) -> HistoryView:
        if self._history is None:
            from kiosk_pos.ui.history import HistoryView

            self._history = HistoryView(self.kiosk, self.tasks)
            self._history.reprint_requested.connect(self._reprint)
            self._history.refund_requested.connect(
                lambda sale_id: self.tools.open_refund(sale_id) if self.tools else None)
            self._history.printer_ready = self._printer_ready
            place_page(self.pages, 1, self._history)
        return self._history

    @property
    def report(self) -> ReportView:
        if self._report is None:
            from kiosk_pos.ui.report_view import ReportView

            self._report = ReportView(self.kiosk, self.tasks, user=lambda: self.user)
            place_page(self.pages, 2, self._report)
        return self._report

    # -- session ---------------------------------------------------------------------------
    def start_session(self, user: User) -> None:
        """After a good PIN: the sales screen at once; today's recent sales and the fresh
        balance and queue follow from a query beside the writer."""
        self.user = user
        self.sales.set_clerk(user)
        self.status.set_clerk(user)
        self.screens.setCurrentIndex(1)
        self.show_page(0)
        self.logged_in.emit(user)
        if self.isVisible() and not self.first_paint.done:
            # straight in (the self-test, a new counter's owner): the screen paints first
            self.first_paint.later(lambda: self._load_session() if self.user is user else None)
        else:
            self._load_session()

    def _load_session(self) -> None:
        """The logged-in user's figures, the idle lock and the forecast, read beside the
        writer."""
        self.idle.load(self.kiosk, self.tasks)
        if self._forecast is None:
            from kiosk_pos.ui.forecast_watch import ForecastWatch

            self._forecast = ForecastWatch(self.kiosk, self.tasks, self.status,
                                           self.notices.show_notice, self)
            self.bridge.deposit_changed.connect(self._forecast.balance_changed)
            self._forecast.start()
        kiosk = self.kiosk
        QueryOp(self, lambda: (kiosk.sales.recent(limit=30), kiosk.deposit.balance(),
                               kiosk.sales.queue_length())
                ).success(self._session_loaded).run(self.tasks)

    def _session_loaded(self, loaded: tuple[list[SaleRecord], int, int]) -> None:
        recent, balance, queue = loaded
        self.sales.recent.set_sales(recent)
        self.status.set_balance(balance)
        self.status.set_queue(queue)
        self.session_ready.emit()

    def lock_screen(self) -> None:
        """Back to the PIN pad for the next clerk (Ganti kasir, or the idle lock): the app,
        the open shift and the cart stay; the next login carries on with them."""
        if self.user is None:
            return
        from PySide6.QtWidgets import QDialog  # its type: not needed before this

        self.user = None
        self.idle.disarm()
        for dialog in self.findChildren(QDialog):  # a tool left open acts as its opener
            dialog.reject()
        if self._sales is not None:
            self._sales.set_clerk(None)
        self.status.set_clerk(None)
        self.screens.setCurrentIndex(0)
        self.login.reset()

    def end_session(self) -> None:
        self.idle.disarm()
        self.user = None
        if self._sales is not None:
            self._sales.recent.clear()
            self._sales.set_clerk(None)
            self._sales.cart.clear()
            self._sales.reset()
        self.status.set_clerk(None)
        self.screens.setCurrentIndex(0)
        self.login.reset()

    def show_page(self, index: int) -> None:
        if self.user is None:
            return
        self.pages.setCurrentIndex(index)
        self.nav[index].setChecked(True)
        if index == 0:
            self.sales.show_entry()
        elif index == 1:
            self.history.show_today()
        else:
            self.report.show_today()

    # -- help ------------------------------------------------------------------------------
    def open_help(self) -> None:
        from kiosk_pos.ui.help_view import HelpDialog, page_for_screen

        screen = "sales"
        if self.user is not None:
            screen = ("sales", "history", "report")[self.pages.currentIndex()]
        if self._help is not None:
            self._help.deleteLater()  # a new one: the language may have changed since
        dialog = HelpDialog(page_for_screen(screen), self)
        dialog.open()
        self._help = dialog

    # -- language --------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        """Switch the visible texts now and remember the choice in the kiosk settings."""
        if lang == i18n.language():
            return
        i18n.set_language(lang)
        WriteOp(self, lambda: self.kiosk.settings.set(LANGUAGE, lang)).failure(
            lambda failure: self.notices.show_notice(failure.message)).run(self.tasks)
        self.language.blockSignals(True)
        self.language.setCurrentIndex(i18n.LANGUAGES.index(lang))
        self.language.blockSignals(False)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("ui.window.title", name=self.kiosk.info.name))
        for button, key in zip(self.nav, ("ui.nav.sales", "ui.nav.history", "ui.nav.report"),
                               strict=True):
            button.setText(tr(key))
        self.lock.setText(tr("ui.nav.switch_clerk"))
        self.notices.retranslate()
        self.help_button.setText(tr("ui.nav.help"))
        if self.tools_button is not None:
            self.tools_button.setText(tr("ui.nav.tools"))
        for widget in (self.login, self._sales, self._history, self._report, self.status):
            if widget is not None:  # a page not built yet is translated when it is
                widget.retranslate()

    # -- events ----------------------------------------------------------------------------
    def _sale_saved(self, sale: SaleRecord) -> None:
        """The core's one announcement of a saved sale (from this screen, the CLI's
        process does not reach here): list it, and count the queue afresh."""
        if self._sales is not None:
            self._sales.recent.add_sale(sale)
        if self._history is not None:  # not built yet: it reads fresh when first shown
            self._history.add_sale(sale)
        self.low_stock.sale_saved(sale)
        QueryOp(self, self.kiosk.sales.queue_length).success(self.status.set_queue
                                                             ).run(self.tasks)

    def _topup_changed(self, topup: TopUpRecord) -> None:
        sale = self._sales.recent.update_topup(topup) if self._sales is not None else None
        if self._history is not None:  # not built yet: it reads fresh when first shown
            self._history.update_topup(topup)
        self.refunds.topup_changed(topup, sale)

    def _catalog_changed(self) -> None:
        """A new price list (sync): read the catalogue again beside the writer, so the sales
        screen, built now or after the next PIN, keeps looking products up in memory."""
        kiosk = self.kiosk
        QueryOp(self, lambda: kiosk.catalog.catalog).success(
            lambda _catalog: self._sales.catalog_changed() if self._sales is not None else None
        ).run(self.tasks)

    def _printer_ready(self) -> bool:
        printer = self.session.printer if self.session is not None else None
        return printer is not None and printer.settings.configured

    def _reprint(self, sale_id: int) -> None:
        self.reprint_requested.emit(sale_id)
        session = self.session
        if session is None:
            self.notices.show_notice(tr("ui.app.no_printer"))
            return
        QueryOp(self, lambda: session.reprint(sale_id)).failure(
            lambda failure: self.notices.show_notice(failure.message)).run(self.tasks)

    # -- the owner's tools -----------------------------------------------------------------
    @property
    def tools(self) -> ToolDialogs | None:
        """The owner's tool dialogs over the session (None without one), made on first use."""
        if self._tools is None and self.session is not None:
            from kiosk_pos.ui.tools import ToolDialogs

            self._tools = ToolDialogs(
                self, self.session, self.tasks, notice=self.notices.show_notice,
                user=lambda: self.user, close_app=self.close,
                paper_width_changed=lambda width: setattr(self.history, "receipt_width", width))
        return self._tools

    def _fill_tools_menu(self) -> None:
        """The menu's entries, in today's language, each time it opens."""
        tools = self.tools
        if self.tools_button is None or tools is None:
            return
        menu = self.tools_button.menu()
        menu.clear()
        for text, callback in tools.actions():
            menu.addAction(text, callback)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.idle.close()
        self.bridge.close()
        if self._sales is not None:
            self._sales.wedge.uninstall()
        self.tasks.shutdown()
        super().closeEvent(event)
