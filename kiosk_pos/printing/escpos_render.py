"""ESC/POS rendering through python-escpos' ``Dummy`` printer.

Text is sent as ASCII (see :mod:`.transliterate`) under code page 0 (CP437),
which every ESC/POS printer has, so no receipt depends on a code page a cheap
printer may lack. Images (logo, QR code) are sent as raster bit images
(``GS v 0``), which also works on printers without a native QR command.
"""

from __future__ import annotations

import copy as _copy
import logging
from functools import cache
from pathlib import Path
from typing import Any

from escpos.capabilities import Profile, get_profile_class
from escpos.printer import Dummy
from PIL import Image

from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.layout import CutRow, FeedRow, QrRow, Row, layout
from kiosk_pos.printing.text_render import columns_for

log = logging.getLogger(__name__)

INIT = b"\x1b@"          # ESC @: reset the printer's modes
CODE_PAGE_0 = b"\x1bt\x00"  # ESC t 0: CP437
DOTS = {58: 384, 80: 576}   # printable dots per line at 203 dpi
QR_BOX = {58: 4, 80: 5}


@cache
def _profile_class(width: int) -> type[Profile]:
    data: dict[str, Any] = _copy.deepcopy(get_profile_class("default").profile_data)
    data["name"] = f"kiosk-pos {width} mm"
    data["media"] = {"dpi": 203, "width": {"mm": width - 10, "pixels": DOTS[width]}}
    data["fonts"]["0"]["columns"] = columns_for(width)
    return type(f"KioskPos{width}Profile", (Profile,), {"profile_data": data})


def printer_profile(width: int) -> Profile:
    """A python-escpos profile for 58 mm (32 columns, 384 dots) or 80 mm (48, 576)."""
    cls = _profile_class(width)
    return cls(columns=columns_for(width), features=dict(cls.profile_data["features"]))


def _logo_image(path: str | Path, width: int) -> Image.Image | None:
    """The logo scaled to fit the paper, in black and white; None if it cannot be read."""
    try:
        with Image.open(path) as source:
            image = source.convert("L")
    except (OSError, ValueError) as exc:
        log.warning("logo %s not printed: %s", path, exc)
        return None
    max_width = DOTS[width] * 2 // 3
    if image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height))
    return image.convert("1")


def _style_bytes(bold: bool, double_width: bool, double_height: bool) -> bytes:
    """ESC ! n (print mode: size) then ESC E n (emphasis), in one place."""
    size = (0x20 if double_width else 0) | (0x10 if double_height else 0)
    return b"\x1b!" + bytes([size]) + b"\x1bE" + bytes([1 if bold else 0])


def _dummy(width: int) -> Dummy:
    return Dummy(profile=printer_profile(width),
                 magic_encode_args={"encoding": "CP437", "disabled": True})


def _render_once(
    document: ReceiptDocument, width: int, logo: Image.Image | None, open_drawer: bool
) -> bytes:
    printer = _dummy(width)
    printer._raw(INIT + CODE_PAGE_0)
    if open_drawer:
        printer.cashdraw(2)
    if logo is not None:
        printer.image(logo, center=True)
    style: tuple[bool, bool, bool] | None = (False, False, False)
    for row in layout(document, columns_for(width)):
        if isinstance(row, Row):
            wanted = (row.bold, row.double_width, row.double_height)
            if wanted != style:
                printer._raw(_style_bytes(*wanted))
                style = wanted
            printer.text(row.text + "\n")
        elif isinstance(row, QrRow):
            if style != (False, False, False):
                style = (False, False, False)
                printer._raw(_style_bytes(*style))
            printer.qr(row.data, size=QR_BOX[width], center=True)
        elif isinstance(row, FeedRow):
            printer.print_and_feed(row.lines)
        elif isinstance(row, CutRow):
            printer.cut()
    output = printer.output
    printer.close()
    return output


def render_escpos(
    document: ReceiptDocument,
    width: int = 58,
    *,
    logo: str | Path | None = None,
    open_drawer: bool | None = None,
    copies: int = 1,
) -> bytes:
    """ESC/POS bytes for ``document`` on 58 or 80 mm paper.

    ``open_drawer`` defaults to the document's own wish (cash sale, not a reprint);
    the drawer is kicked once, before the first copy prints.
    """
    columns_for(width)
    kick = document.open_drawer if open_drawer is None else open_drawer
    image = _logo_image(logo, width) if logo else None
    parts = [_render_once(document, width, image, kick and i == 0) for i in range(max(1, copies))]
    return b"".join(parts)


def drawer_kick_bytes() -> bytes:
    """Bytes that only open the cash drawer (ESC @, ESC p 0)."""
    printer = _dummy(58)
    printer._raw(INIT)
    printer.cashdraw(2)
    return printer.output
