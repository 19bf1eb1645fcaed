"""Printer settings screen: connection, paper, auto-print, copies, drawer, logo.

Settings come from and go to injected ``load``/``save`` callables (the app wires
its key/value store). Test Print and Open Drawer go through the
:class:`~kiosk_pos.printing.queue.PrintQueue`, so the screen never waits on a
printer; results come back as sentences in the screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk_pos.core.records import KioskInfo
from kiosk_pos.i18n import tr
from kiosk_pos.printing import connections
from kiosk_pos.printing.escpos_render import drawer_kick_bytes
from kiosk_pos.printing.queue import JobState, JobStatus, PrintJob, PrintQueue, print_job_for
from kiosk_pos.printing.receipts import test_page_document
from kiosk_pos.printing.settings import MAX_COPIES, RESULT_WAITS, ConnectionType, PrinterSettings
from kiosk_pos.printing.texts import pt
from kiosk_pos.ui.operations import NetworkOp, OpFailure
from kiosk_pos.ui.tasks import TaskManager

log = logging.getLogger(__name__)

TOUCH_PX = 52
LABEL_PX = 210
Devices = dict[str, list[str]]  # "usb" | "serial" | "cups" | "windows" -> shown names
Detector = Callable[[], Devices]
ORDER = [ConnectionType.NONE, ConnectionType.NETWORK, ConnectionType.USB, ConnectionType.SERIAL,
         ConnectionType.CUPS, ConnectionType.WINDOWS, ConnectionType.FILE]
BAUDS = ["9600", "19200", "38400", "57600", "115200"]


def detect_devices() -> Devices:
    """Everything the helpers find; each tolerates a missing library or tool."""
    return {
        "usb": [str(p) for p in connections.detect_usb_printers()],
        "serial": connections.detect_serial_ports(),
        "cups": connections.detect_cups_queues(),
        "windows": connections.detect_windows_printers(),
    }


class _Relay(QObject):
    """Carries worker-thread callbacks to the GUI thread as queued signals."""

    job = Signal(object)


def _label(text: str) -> QLabel:
    """Form labels of one width, so nested connection forms line up with the outer form."""
    lbl = QLabel(text)
    lbl.setFixedWidth(LABEL_PX)
    return lbl


def _combo(editable: bool = True) -> QComboBox:
    box = QComboBox(editable=editable)
    box.setMinimumHeight(44)
    return box


class PrinterSettingsWidget(QWidget):
    saved = Signal(object)  # PrinterSettings

    def __init__(
        self,
        queue: PrintQueue,
        kiosk: KioskInfo,
        *,
        load: Callable[[], dict | None],
        save: Callable[[dict], None],
        detect: Detector | None = None,
        tasks: TaskManager | None = None,
        can_save: bool = True,
        essentials_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """``can_save`` is False for someone the core would refuse (a clerk): the settings
        are shown, and Save is hidden. ``essentials_only`` (the first-run wizard) shows the
        printer, its paper and the test print; the rest keep their defaults."""
        super().__init__(parent)
        self._tasks = tasks or TaskManager(self)
        self._queue = queue
        self._kiosk = kiosk
        self._save = save
        self._detect = detect or detect_devices
        self._jobs: dict[int, str] = {}  # job id -> sentence to show when it is done
        self._relay = _Relay(self)
        self._relay.job.connect(self._job_changed)
        self._remove_listener = queue.add_listener(self._relay.job.emit)
        self.destroyed.connect(lambda *_: self._remove_listener())
        self._build()
        if essentials_only:
            self._essentials_only()
        problem = None
        try:
            stored = PrinterSettings.from_dict(load())
        except Exception as exc:
            log.warning("printer settings not readable: %s", exc)
            stored, problem = PrinterSettings(), pt("ui.load_failed")
        self.set_settings(stored)
        self.save_button.setVisible(can_save)
        if problem:
            self._show(problem, error=True)
        elif not can_save:
            self._show(tr("error.owner_only", action=tr("permission.manage_printer")),
                       error=False)

    # -- building ------------------------------------------------------------
    def _build(self) -> None:
        title = self.title = QLabel(pt("ui.settings.title"))
        title.setObjectName("large")
        title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.connection = _combo(editable=False)
        for kind in ORDER:
            self.connection.addItem(pt(f"ui.conn.{kind.value}"), kind.value)
        self.connection.currentIndexChanged.connect(self._connection_changed)

        self.host = QLineEdit(placeholderText="192.168.1.100")
        self.port = QSpinBox(minimum=1, maximum=65535, value=9100)
        self.status_check = QCheckBox(pt("ui.status_check"))
        self.usb_device = _combo()
        self.usb_device.lineEdit().setPlaceholderText("0416:5011")
        self.serial_port = _combo()
        self.baudrate = _combo()
        self.baudrate.addItems(BAUDS)
        self.cups_queue = _combo()
        self.windows_printer = _combo()
        self.file_path = QLineEdit(placeholderText="/dev/usb/lp0")

        self.params = QStackedWidget()
        hint = QLabel(pt("ui.none_hint"), wordWrap=True)
        self.params.addWidget(hint)
        self.params.addWidget(self._form((pt("ui.host"), self.host), (pt("ui.port"), self.port),
                                         ("", self.status_check)))
        self.params.addWidget(self._form((pt("ui.usb_device"), self.usb_device)))
        self.params.addWidget(self._form((pt("ui.serial_port"), self.serial_port),
                                         (pt("ui.baudrate"), self.baudrate)))
        self.params.addWidget(self._form((pt("ui.queue"), self.cups_queue)))
        self.params.addWidget(self._form((pt("ui.windows_printer"), self.windows_printer)))
        self.params.addWidget(self._form((pt("ui.file_path"), self.file_path)))

        self.detect_button = self._button(pt("ui.detect"))
        self.detect_button.clicked.connect(self.detect)

        self.width_group = QButtonGroup(self)
        widths = QHBoxLayout()
        for mm in (58, 80):
            button = self._button(f"{mm} mm", checkable=True)
            self.width_group.addButton(button, mm)
            widths.addWidget(button)
        widths.addStretch(1)
        self.auto_print = QCheckBox(pt("ui.auto_print"))
        self.result_wait = QSpinBox(minimum=int(RESULT_WAITS[0]), maximum=int(RESULT_WAITS[1]))
        self.result_wait.setSuffix(pt("ui.seconds_suffix"))
        self.result_wait.setMinimumHeight(44)
        self.auto_print.toggled.connect(self.result_wait.setEnabled)
        self.copies = QSpinBox(minimum=1, maximum=MAX_COPIES)
        self.copies.setMinimumHeight(44)
        self.drawer = QCheckBox(pt("ui.drawer"))
        self.logo = QLineEdit()
        browse = self._button(pt("ui.browse"))
        browse.clicked.connect(self._browse_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)

        general = self._general = QFormLayout()
        general.addRow(_label(pt("ui.connection")), self.connection)
        general.addRow(self.params)
        general.addRow(_label(""), self.detect_button)
        general.addRow(_label(pt("ui.paper")), widths)
        general.addRow(_label(""), self.auto_print)
        general.addRow(_label(pt("ui.result_wait")), self.result_wait)
        general.addRow(_label(pt("ui.copies")), self.copies)
        general.addRow(_label(""), self.drawer)
        general.addRow(_label(pt("ui.logo")), logo_row)

        self.message = QLabel(wordWrap=True)
        self.message.setMinimumHeight(48)
        self.save_button = self._button(pt("ui.save"))
        self.save_button.setObjectName("primary")
        self.test_button = self._button(pt("ui.test_print"))
        self.drawer_button = self._button(pt("ui.open_drawer"))
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test_print)
        self.drawer_button.clicked.connect(self.open_drawer)
        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addWidget(self.drawer_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(general)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(actions)

    def _essentials_only(self) -> None:
        for field in (self.auto_print, self.result_wait, self.copies, self.drawer):
            self._general.setRowVisible(field, False)
        self._general.setRowVisible(self._general.rowCount() - 1, False)  # the logo
        self.drawer_button.hide()
        self.title.hide()

    def _form(self, *rows: tuple[str, QWidget]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        for text, widget in rows:
            widget.setMinimumHeight(44)
            form.addRow(_label(text), widget)
        return page

    def _button(self, text: str, *, checkable: bool = False) -> QPushButton:
        button = QPushButton(text, checkable=checkable)
        button.setMinimumHeight(TOUCH_PX)
        return button

    # -- settings <-> form ------------------------------------------------------
    def set_settings(self, settings: PrinterSettings) -> None:
        self.connection.setCurrentIndex(ORDER.index(settings.connection))
        self._connection_changed(ORDER.index(settings.connection))
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.status_check.setChecked(settings.status_check)
        usb = (f"{settings.usb_vendor:04x}:{settings.usb_product:04x}"
               if settings.usb_vendor else "")
        self.usb_device.setEditText(usb)
        self.serial_port.setEditText(settings.serial_port)
        self.baudrate.setEditText(str(settings.baudrate))
        self.cups_queue.setEditText(settings.queue_name)
        self.windows_printer.setEditText(settings.queue_name)
        self.file_path.setText(settings.file_path)
        self.width_group.button(settings.paper_width).setChecked(True)
        self.auto_print.setChecked(settings.auto_print)
        self.result_wait.setValue(round(settings.result_wait))
        self.result_wait.setEnabled(settings.auto_print)
        self.copies.setValue(settings.copies)
        self.drawer.setChecked(settings.open_drawer_on_cash)
        self.logo.setText(settings.logo_path)
        self._base = settings

    def settings(self) -> PrinterSettings:
        """The settings as the form shows them now (not yet saved)."""
        kind = ORDER[self.connection.currentIndex()]
        queue_name = {ConnectionType.CUPS: self.cups_queue.currentText(),
                      ConnectionType.WINDOWS: self.windows_printer.currentText()}.get(
                          kind, self._base.queue_name)
        vendor, product = self._usb_ids()
        try:
            baud = int(self.baudrate.currentText())
        except ValueError:
            baud = self._base.baudrate
        return PrinterSettings.from_dict(replace(
            self._base, connection=kind, host=self.host.text().strip(), port=self.port.value(),
            status_check=self.status_check.isChecked(), usb_vendor=vendor, usb_product=product,
            serial_port=self.serial_port.currentText().strip(), baudrate=baud,
            queue_name=queue_name.strip(), file_path=self.file_path.text().strip(),
            paper_width=self.width_group.checkedId(), auto_print=self.auto_print.isChecked(),
            copies=self.copies.value(), open_drawer_on_cash=self.drawer.isChecked(),
            result_wait=float(self.result_wait.value()),
            logo_path=self.logo.text().strip(),
        ).to_dict())

    def _usb_ids(self) -> tuple[int, int]:
        text = self.usb_device.currentText().strip().split(" ")[0]
        try:
            vendor, product = (int(part, 16) for part in text.split(":"))
        except ValueError:
            return 0, 0
        return vendor, product

    # -- actions --------------------------------------------------------------
    def save(self) -> bool:
        settings = self.settings()
        if settings.connection is ConnectionType.USB and not settings.usb_vendor:
            self._show(pt("ui.bad_usb"), error=True)
            return False
        try:
            self._save(settings.to_dict())
        except Exception as exc:
            log.warning("printer settings not saved: %s", exc)
            self._show(pt("ui.save_failed", detail=str(exc) or type(exc).__name__), error=True)
            return False
        self._base = settings
        self._show(pt("ui.saved"), error=False)
        self.saved.emit(settings)
        return True

    def test_print(self) -> int:
        settings = self.settings()
        document = test_page_document(self._kiosk, settings.paper_width)
        return self._submit(print_job_for(document, settings, title=pt("test.title"), copies=1),
                            pt("ui.test_done"))

    def open_drawer(self) -> int:
        settings = self.settings()
        job = PrintJob(pt("ui.open_drawer"), drawer_kick_bytes(),
                       lambda: connections.open_connection(settings))
        return self._submit(job, pt("ui.drawer_done"))

    def detect(self) -> None:
        self.detect_button.setEnabled(False)
        self._show(pt("ui.detecting"), error=False)

        def failed(failure: OpFailure) -> None:
            log.warning("device detection failed: %s", failure.error)
            self._devices_found({})

        NetworkOp(self, self._detect).success(self._devices_found).failure(failed
                                                                           ).run(self._tasks)

    # -- callbacks (GUI thread) --------------------------------------------
    def _submit(self, job: PrintJob, done: str) -> int:
        self._show(pt("ui.printing"), error=False)
        job_id = self._queue.submit(job)
        self._jobs[job_id] = done
        status = self._queue.status(job_id)
        if status is not None and status.state.finished:
            self._job_changed(status)
        return job_id

    def _job_changed(self, status: JobStatus) -> None:
        done = self._jobs.get(status.job_id)
        if done is None:
            return
        if status.state is JobState.DONE:
            self._show(done, error=False)
            self._jobs.pop(status.job_id, None)
        elif status.state is JobState.FAILED:
            self._show(status.error or pt("error.unreachable"), error=True)
            self._jobs.pop(status.job_id, None)

    def _devices_found(self, found: Devices) -> None:
        self.detect_button.setEnabled(True)
        for key, box in (("usb", self.usb_device), ("serial", self.serial_port),
                         ("cups", self.cups_queue), ("windows", self.windows_printer)):
            current = box.currentText()
            box.clear()
            box.addItems(found.get(key, []))
            box.setEditText(current or (found.get(key) or [""])[0])
        self._show(pt("ui.detected", **{k: len(found.get(k, [])) for k in
                                        ("usb", "serial", "cups", "windows")}), error=False)

    def _connection_changed(self, index: int) -> None:
        self.params.setCurrentIndex(index)
        printer = ORDER[index] is not ConnectionType.NONE
        self.test_button.setEnabled(printer)
        self.drawer_button.setEnabled(printer)

    def _browse_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, pt("ui.logo"), self.logo.text(),
                                              "Images (*.png *.jpg *.jpeg *.bmp *.gif)")
        if path:
            self.logo.setText(path)

    def _show(self, text: str, *, error: bool) -> None:
        colour = "#c0172b" if error else "#1b7a2f"
        self.message.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.message.setText(text)
