"""Read ESC/POS bytes back into printed text rows (for tests and for debugging a
captured job). Knows the commands this package emits and fails loudly on others."""

from __future__ import annotations

from dataclasses import dataclass, field


class UnknownCommand(ValueError):
    pass


@dataclass
class PrintedRow:
    text: str
    double_width: bool = False
    double_height: bool = False
    bold: bool = False

    @property
    def width(self) -> int:
        """Columns the row takes on paper."""
        return len(self.text) * (2 if self.double_width else 1)


@dataclass
class Decoded:
    rows: list[PrintedRow] = field(default_factory=list)
    images: int = 0
    cuts: int = 0
    drawer_kicks: int = 0

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.rows)


# fixed-length commands: prefix -> number of parameter bytes after it
_FIXED = {
    b"\x1b@": 0, b"\x1bt": 1, b"\x1b!": 1, b"\x1bE": 1, b"\x1ba": 1, b"\x1b-": 1,
    b"\x1bd": 1, b"\x1bJ": 1, b"\x1bp": 3, b"\x1b2": 0, b"\x1b3": 1, b"\x1dL": 2,
    b"\x1d!": 1, b"\x1dB": 1, b"\x10\x04": 1,
}


def decode_escpos(data: bytes) -> Decoded:
    """Split ``data`` into printed rows, counting images, cuts and drawer kicks."""
    out = Decoded()
    size, bold = 0, False
    line = bytearray()
    line_style = (False, False, False)
    i = 0

    def flush() -> None:
        nonlocal line
        dw, dh, b = line_style
        out.rows.append(PrintedRow(line.decode("cp437"), dw, dh, b))
        line = bytearray()

    while i < len(data):
        byte = data[i]
        if byte == 0x0A:
            flush()
            i += 1
            continue
        if byte in (0x1B, 0x1D, 0x10):
            prefix = data[i : i + 2]
            if prefix == b"\x1dV":
                mode = data[i + 2]
                i += 4 if mode in (65, 66) else 3
                out.cuts += 1
                continue
            if prefix == b"\x1dv":  # GS v 0 m xL xH yL yH d...
                x = data[i + 4] + data[i + 5] * 256
                y = data[i + 6] + data[i + 7] * 256
                i += 8 + x * y
                out.images += 1
                continue
            if prefix not in _FIXED:
                raise UnknownCommand(f"unknown command {prefix!r} at byte {i}")
            n = _FIXED[prefix]
            args = data[i + 2 : i + 2 + n]
            if prefix == b"\x1b!":
                size = args[0]
            elif prefix == b"\x1bE":
                bold = bool(args[0])
            elif prefix == b"\x1bp":
                out.drawer_kicks += 1
            elif prefix == b"\x1b@":
                size, bold = 0, False
            i += 2 + n
            if not line:
                line_style = (bool(size & 0x20), bool(size & 0x10), bold)
            continue
        if byte < 0x20:
            raise UnknownCommand(f"unexpected control byte {byte:#04x} at byte {i}")
        if not line:
            line_style = (bool(size & 0x20), bool(size & 0x10), bold)
        line.append(byte)
        i += 1
    if line:
        flush()
    return out
