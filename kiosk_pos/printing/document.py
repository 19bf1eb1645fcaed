"""One receipt document model, independent of the paper and the printer.

A :class:`ReceiptDocument` is a list of blocks. Renderers (ESC/POS, PDF, plain
text) lay the blocks out for a paper width; builders in :mod:`.receipts` make
documents from sales, test pages and deposit tickets. Money stays an ``int`` of
rupiah here; it is formatted only when laid out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Free text, wrapped to the paper. ``large`` prints double size when it fits."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False


@dataclass(frozen=True, slots=True)
class KeyValueBlock:
    """``key`` on the left, ``value`` on the right of the same row."""

    key: str
    value: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class ItemBlock:
    """A sold item: name (wraps) and its amount right-aligned; optional detail rows under it."""

    name: str
    amount: int
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeparatorBlock:
    char: str = "-"


@dataclass(frozen=True, slots=True)
class TotalBlock:
    """The amount to pay, printed bold and double size."""

    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class QrBlock:
    data: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class FeedBlock:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class CutBlock:
    pass


Block = (
    TextBlock | KeyValueBlock | ItemBlock | SeparatorBlock | TotalBlock | QrBlock | FeedBlock
    | CutBlock
)


@dataclass(frozen=True, slots=True)
class ReceiptDocument:
    """A printable document.

    ``open_drawer`` asks the ESC/POS renderer for a cash-drawer kick (cash sales,
    never on a reprint); ``reference`` is what the document is about (sale id,
    ticket id) for print-queue titles and file names.
    """

    title: str
    blocks: tuple[Block, ...]
    issued_at: datetime | None = None
    reference: str = ""
    copy: bool = False
    open_drawer: bool = False
    ref_ids: tuple[str, ...] = field(default_factory=tuple)
