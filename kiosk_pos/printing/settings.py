"""Printer settings as one JSON-safe dataclass; the app persists ``to_dict()``."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any

PAPER_WIDTHS = (58, 80)
MAX_COPIES = 5
PORTS = (1, 65535)               # a TCP port
BAUDRATES = (300, 921_600)       # what serial printers and adapters offer
TIMEOUTS = (0.2, 60.0)           # seconds
RESULT_WAITS = (0.0, 300.0)      # seconds a top-up's receipt waits for its result


class ConnectionType(StrEnum):
    NONE = "none"        # no printer: receipts are only shown / saved as PDF
    NETWORK = "network"  # LAN printer, raw TCP (host:9100)
    USB = "usb"          # direct USB (pyusb)
    SERIAL = "serial"    # serial / Bluetooth SPP port (pyserial)
    CUPS = "cups"        # OS print queue on Linux/macOS: lp -d QUEUE -o raw
    WINDOWS = "windows"  # Windows spooler, RAW datatype (pywin32)
    FILE = "file"        # a file or a device node such as /dev/usb/lp0


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    connection: ConnectionType = ConnectionType.NONE
    host: str = ""
    port: int = 9100
    usb_vendor: int = 0
    usb_product: int = 0
    serial_port: str = ""
    baudrate: int = 9600
    queue_name: str = ""   # CUPS queue or Windows printer name
    file_path: str = ""
    timeout: float = 5.0   # seconds for connect, send and the status answer
    status_check: bool = True  # ask a LAN printer for paper status before printing
    paper_width: int = 58
    auto_print: bool = True
    result_wait: float = 15.0  # seconds a receipt waits for its top-ups' result
    copies: int = 1
    open_drawer_on_cash: bool = True
    logo_path: str = ""

    @property
    def columns(self) -> int:
        return 48 if self.paper_width == 80 else 32

    @property
    def configured(self) -> bool:
        return self.connection is not ConnectionType.NONE

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["connection"] = self.connection.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> PrinterSettings:
        """Settings from stored data; unknown keys are ignored, bad values fall back to defaults."""
        defaults = cls()
        if not data:
            return defaults
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            default, raw = getattr(defaults, f.name), data[f.name]
            try:
                if isinstance(default, ConnectionType):
                    values[f.name] = ConnectionType(raw)
                elif isinstance(default, bool):
                    values[f.name] = raw if isinstance(raw, bool) else str(raw).lower() in (
                        "1", "true", "yes", "on")
                elif isinstance(default, int):
                    values[f.name] = int(raw, 0) if isinstance(raw, str) else int(raw)
                elif isinstance(default, float):
                    values[f.name] = float(raw)
                else:
                    values[f.name] = str(raw)
            except (TypeError, ValueError):
                continue
        settings = cls(**values)
        width = settings.paper_width if settings.paper_width in PAPER_WIDTHS else 58
        copies = min(MAX_COPIES, max(1, settings.copies))
        timeout = min(TIMEOUTS[1], max(TIMEOUTS[0], settings.timeout)) \
            if math.isfinite(settings.timeout) else defaults.timeout
        port = settings.port if PORTS[0] <= settings.port <= PORTS[1] else defaults.port
        baud = settings.baudrate if BAUDRATES[0] <= settings.baudrate <= BAUDRATES[1] \
            else defaults.baudrate
        wait = settings.result_wait if math.isfinite(settings.result_wait) and \
            RESULT_WAITS[0] <= settings.result_wait <= RESULT_WAITS[1] else defaults.result_wait
        return cls(**{**asdict(settings), "paper_width": width, "copies": copies,
                      "timeout": timeout, "port": port, "baudrate": baud,
                      "result_wait": wait})
