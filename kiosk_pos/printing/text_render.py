"""Plain-text rendering: the same rows the ESC/POS renderer prints, without commands."""

from __future__ import annotations

from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.layout import CutRow, FeedRow, QrRow, Row, layout
from kiosk_pos.printing.receipts import PAPER_COLUMNS


def columns_for(width: int) -> int:
    """Character columns of a paper width in mm (58 -> 32, 80 -> 48)."""
    try:
        return PAPER_COLUMNS[width]
    except KeyError:
        raise ValueError(f"paper width must be 58 or 80 mm, not {width}") from None


def render_text(document: ReceiptDocument, width: int = 58, *, ascii_only: bool = True) -> str:
    """The receipt as text lines of at most 32 (58 mm) or 48 (80 mm) characters."""
    columns = columns_for(width)
    out: list[str] = []
    for row in layout(document, columns, ascii_only=ascii_only):
        if isinstance(row, Row):
            out.append(row.preview)
        elif isinstance(row, QrRow):
            out.append("[ QR ]".center(columns).rstrip())
        elif isinstance(row, FeedRow):
            out.extend([""] * row.lines)
        elif isinstance(row, CutRow):
            out.append("")
            out.append(("- " * (columns // 2)).rstrip())
    return "\n".join(out) + "\n"
