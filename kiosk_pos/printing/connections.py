"""Ways to reach a printer. Each ``send`` opens, writes and closes, with timeouts,
and turns every failure into :class:`PrinterError` carrying a sentence for the clerk.

Optional dependencies (pyusb, pyserial, pywin32) are imported only when used.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk_pos.printing.settings import ConnectionType, PrinterSettings
from kiosk_pos.printing.texts import pt

log = logging.getLogger(__name__)

PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: roll paper sensor status
PAPER_END_BITS = 0x60


class PrinterError(Exception):
    """A printer problem, told as a sentence the clerk can act on."""

    def __init__(self, sentence: str, *, reason: str = "unexpected") -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.reason = reason


class Connection(Protocol):
    description: str

    def send(self, data: bytes) -> None: ...


@dataclass
class NetworkConnection:
    """Raw TCP, port 9100. A dead printer fails within ``timeout`` seconds.

    With ``status_check`` the printer is first asked for its paper status
    (DLE EOT 4); a printer that does not answer is reported as not answering
    instead of swallowing the receipt, and an empty roll is reported as such.
    """

    host: str
    port: int = 9100
    timeout: float = 5.0
    status_check: bool = True

    @property
    def description(self) -> str:
        return f"{self.host}:{self.port}"

    def send(self, data: bytes) -> None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except TimeoutError as exc:
            raise PrinterError(pt("error.timeout"), reason="timeout") from exc
        except OSError as exc:
            raise PrinterError(pt("error.unreachable"), reason="unreachable") from exc
        try:
            sock.settimeout(self.timeout)
            if self.status_check:
                sock.sendall(PAPER_STATUS_QUERY)
                answer = sock.recv(1)
                if not answer:
                    raise PrinterError(pt("error.unreachable"), reason="unreachable")
                if answer[0] & PAPER_END_BITS:
                    raise PrinterError(pt("error.paper_out"), reason="paper_out")
            sock.sendall(data)
        except TimeoutError as exc:
            raise PrinterError(pt("error.timeout"), reason="timeout") from exc
        except OSError as exc:
            raise PrinterError(pt("error.unreachable"), reason="unreachable") from exc
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_WR)
            sock.close()


@dataclass
class UsbConnection:
    vendor: int
    product: int
    timeout: float = 5.0

    @property
    def description(self) -> str:
        return f"USB {self.vendor:04x}:{self.product:04x}"

    def send(self, data: bytes) -> None:
        usb_core, usb_util = _import_usb()
        device_name = f"{self.vendor:04x}:{self.product:04x}"
        device = None
        try:
            device = usb_core.find(idVendor=self.vendor, idProduct=self.product)
            if device is None:
                raise PrinterError(pt("error.usb_not_found", device=device_name),
                                   reason="unreachable")
            with contextlib.suppress(NotImplementedError, usb_core.USBError):
                if device.is_kernel_driver_active(0):
                    device.detach_kernel_driver(0)
            with contextlib.suppress(usb_core.USBError):
                device.set_configuration()
            interface = device.get_active_configuration()[(0, 0)]
            endpoint = usb_util.find_descriptor(interface, custom_match=lambda e: (
                usb_util.endpoint_direction(e.bEndpointAddress) == usb_util.ENDPOINT_OUT))
            if endpoint is None:
                raise PrinterError(pt("error.usb_not_found", device=device_name),
                                   reason="unreachable")
            endpoint.write(data, timeout=int(self.timeout * 1000))
        except usb_core.USBTimeoutError as exc:
            raise PrinterError(pt("error.timeout"), reason="timeout") from exc
        except usb_core.USBError as exc:
            if getattr(exc, "errno", None) == 13:
                raise PrinterError(pt("error.usb_denied", device=device_name),
                                   reason="denied") from exc
            raise PrinterError(pt("error.unreachable"), reason="unreachable") from exc
        finally:
            if device is not None:
                with contextlib.suppress(Exception):
                    usb_util.dispose_resources(device)


@dataclass
class SerialConnection:
    port: str
    baudrate: int = 9600
    timeout: float = 5.0

    @property
    def description(self) -> str:
        return f"{self.port} @ {self.baudrate}"

    def send(self, data: bytes) -> None:
        serial = _import_serial()
        try:
            with serial.Serial(self.port, self.baudrate, timeout=self.timeout,
                               write_timeout=self.timeout) as port:
                port.write(data)
                port.flush()
        except serial.SerialTimeoutException as exc:
            raise PrinterError(pt("error.timeout"), reason="timeout") from exc
        except (serial.SerialException, OSError) as exc:
            raise PrinterError(pt("error.serial_failed", port=self.port),
                               reason="unreachable") from exc


@dataclass
class CupsConnection:
    """The OS print queue (CUPS ``lp``), raw so the queue passes ESC/POS untouched."""

    queue: str
    timeout: float = 15.0

    @property
    def description(self) -> str:
        return f"CUPS {self.queue}"

    def send(self, data: bytes) -> None:
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterError(pt("error.no_lp"), reason="missing")
        try:
            done = subprocess.run([lp, "-d", self.queue, "-o", "raw"], input=data,
                                  capture_output=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(pt("error.timeout"), reason="timeout") from exc
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip() or f"lp {done.returncode}"
            raise PrinterError(pt("error.queue_failed", queue=self.queue, detail=detail),
                               reason="refused")


@dataclass
class WindowsConnection:
    """The Windows spooler with the RAW datatype."""

    printer: str

    @property
    def description(self) -> str:
        return f"Windows {self.printer}"

    def send(self, data: bytes) -> None:
        try:
            import win32print  # type: ignore[import-not-found]
        except ImportError as exc:
            raise PrinterError(pt("error.win32_missing"), reason="missing") from exc
        try:
            handle = win32print.OpenPrinter(self.printer)
            try:
                win32print.StartDocPrinter(handle, 1, ("Struk kiosk-pos", None, "RAW"))
                try:
                    win32print.StartPagePrinter(handle)
                    win32print.WritePrinter(handle, data)
                    win32print.EndPagePrinter(handle)
                finally:
                    win32print.EndDocPrinter(handle)
            finally:
                win32print.ClosePrinter(handle)
        except Exception as exc:  # pywintypes.error has no importable base elsewhere
            raise PrinterError(pt("error.queue_failed", queue=self.printer, detail=str(exc)),
                               reason="refused") from exc


@dataclass
class FileConnection:
    """Append to a file, or write to a device node such as ``/dev/usb/lp0``."""

    path: str

    @property
    def description(self) -> str:
        return self.path

    def send(self, data: bytes) -> None:
        try:
            with open(self.path, "ab") as fh:
                fh.write(data)
        except OSError as exc:
            raise PrinterError(pt("error.file_failed", path=self.path), reason="refused") from exc


def open_connection(settings: PrinterSettings) -> Connection:
    """The connection ``settings`` describe; :class:`PrinterError` if they are incomplete."""
    kind = settings.connection

    def missing(what: str) -> PrinterError:
        return PrinterError(pt("error.bad_settings", detail=what), reason="settings")

    if kind is ConnectionType.NETWORK:
        if not settings.host.strip():
            raise missing("host")
        return NetworkConnection(settings.host.strip(), settings.port, settings.timeout,
                                 settings.status_check)
    if kind is ConnectionType.USB:
        if not settings.usb_vendor or not settings.usb_product:
            raise missing("USB vendor:product")
        return UsbConnection(settings.usb_vendor, settings.usb_product, settings.timeout)
    if kind is ConnectionType.SERIAL:
        if not settings.serial_port.strip():
            raise missing("port")
        return SerialConnection(settings.serial_port.strip(), settings.baudrate, settings.timeout)
    if kind is ConnectionType.CUPS:
        if not settings.queue_name.strip():
            raise missing("queue")
        return CupsConnection(settings.queue_name.strip(), max(15.0, settings.timeout))
    if kind is ConnectionType.WINDOWS:
        if not settings.queue_name.strip():
            raise missing("printer")
        return WindowsConnection(settings.queue_name.strip())
    if kind is ConnectionType.FILE:
        if not settings.file_path.strip():
            raise missing("file")
        return FileConnection(str(Path(settings.file_path.strip()).expanduser()))
    raise PrinterError(pt("error.not_configured"), reason="settings")


def _import_usb() -> tuple[Any, Any]:
    try:
        import usb.core  # type: ignore[import-not-found]
        import usb.util  # type: ignore[import-not-found]
    except ImportError as exc:
        raise PrinterError(pt("error.usb_missing"), reason="missing") from exc
    return usb.core, usb.util


def _import_serial() -> Any:
    try:
        import serial  # type: ignore[import-not-found]
    except ImportError as exc:
        raise PrinterError(pt("error.serial_missing"), reason="missing") from exc
    return serial


@dataclass(frozen=True, slots=True)
class UsbPrinterId:
    vendor: int
    product: int
    name: str

    def __str__(self) -> str:
        return f"{self.vendor:04x}:{self.product:04x} {self.name}".strip()


USB_PRINTER_CLASS = 7


def detect_usb_printers() -> list[UsbPrinterId]:
    """USB devices with a printer interface; empty if pyusb or its backend is absent."""
    try:
        usb_core, usb_util = _import_usb()
        devices = list(usb_core.find(find_all=True) or [])
    except Exception as exc:  # no pyusb, no libusb backend, no permission
        log.info("USB printer detection unavailable: %s", exc)
        return []
    found: list[UsbPrinterId] = []
    for device in devices:
        try:
            is_printer = device.bDeviceClass == USB_PRINTER_CLASS or any(
                interface.bInterfaceClass == USB_PRINTER_CLASS
                for config in device for interface in config)
            if not is_printer:
                continue
            name = ""
            with contextlib.suppress(Exception):
                name = " ".join(filter(None, (usb_util.get_string(device, device.iManufacturer),
                                              usb_util.get_string(device, device.iProduct))))
            found.append(UsbPrinterId(device.idVendor, device.idProduct, name))
        except Exception as exc:
            log.info("skipping USB device: %s", exc)
    return found


def detect_cups_queues() -> list[str]:
    """Names of the CUPS queues (``lpstat -e``); empty when CUPS is absent or silent."""
    lpstat = shutil.which("lpstat")
    if lpstat is None:
        return []
    try:
        done = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=3,
                              check=False)
    except (subprocess.TimeoutExpired, OSError):
        return []
    if done.returncode != 0:
        return []
    return [line.split()[0] for line in done.stdout.splitlines() if line.strip()]


def detect_serial_ports() -> list[str]:
    """Serial ports pyserial can see; empty without pyserial."""
    try:
        from serial.tools import list_ports  # type: ignore[import-not-found]
    except ImportError:
        return []
    return [port.device for port in list_ports.comports()]


def detect_windows_printers() -> list[str]:
    """Printer names of the Windows spooler; empty elsewhere or without pywin32."""
    try:
        import win32print  # type: ignore[import-not-found]
    except ImportError:
        return []
    flags = win32print.PRINTER_ENUM_LOCAL | win32print.PRINTER_ENUM_CONNECTIONS
    return [entry[2] for entry in win32print.EnumPrinters(flags)]
