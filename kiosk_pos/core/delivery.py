"""A delivery's lines as a shop writes them down: ``SKU:QTY[:COST]`` on the command line, or
a CSV file (UTF-8, ``;`` or ``,``, a header row with the columns ``sku`` and ``qty``, and
``cost`` if the unit costs are known). Parsing only; :meth:`StockService.receive_many`
checks the items and writes them all in one transaction."""

from __future__ import annotations

import csv
import io

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.goods import whole_number, whole_rupiah
from kiosk_pos.core.stock import Received

MAX_LINES = 2_000  # a delivery note, not a catalogue (that is ``goods import``)
COLUMNS = {"sku": "sku", "kode": "sku", "qty": "qty", "jumlah": "qty", "cost": "cost",
           "modal": "cost", "harga_modal": "cost"}


def parse_line(text: str) -> Received:
    """``SP-XL:20`` or ``SP-XL:20:7500`` (``7.500`` also reads as rupiah)."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise KioskError("error.delivery_line_format", text=text[:60])
    cost = whole_rupiah(parts[2]) if len(parts) == 3 and parts[2] else None
    return Received(parts[0], whole_number(parts[1]), cost)


def read_delivery(data: bytes) -> list[Received]:
    """The lines of a delivery CSV; a bad row is refused with its line number (and then
    nothing of the file is received)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise KioskError("error.csv_encoding",
                         line=data[:exc.start].count(b"\n") + 1) from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=";" if first.count(";") >= first.count(",") else ",")
    lines: list[Received] = []
    try:
        header = next(reader, None) or []
        names = [COLUMNS.get(h.strip().lower(), h.strip().lower()) for h in header]
        missing = [c for c in ("sku", "qty") if c not in names]
        if missing:
            raise KioskError("error.delivery_columns", columns=", ".join(missing))
        at = {name: names.index(name) for name in ("sku", "qty", "cost") if name in names}
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line between rows
            if len(lines) >= MAX_LINES:
                raise KioskError("error.delivery_too_long", max=MAX_LINES)
            try:
                cells = {name: row[i].strip() if i < len(row) else "" for name, i in at.items()}
                if not cells["sku"]:
                    raise KioskError("error.delivery_no_sku")
                cost = cells.get("cost", "")
                lines.append(Received(cells["sku"], whole_number(cells["qty"]),
                                      whole_rupiah(cost) if cost else None))
            except KioskError as exc:
                raise KioskError("error.delivery_row", line=reader.line_num,
                                 reason=exc.message) from None
    except csv.Error as exc:
        raise KioskError("error.csv_malformed", line=reader.line_num, detail=str(exc)) from None
    if not lines:
        raise KioskError("error.stock_nothing_received")
    return lines
