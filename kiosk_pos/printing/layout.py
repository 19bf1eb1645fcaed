"""Lay a :class:`ReceiptDocument` out on a fixed number of character columns.

The ESC/POS and plain-text renderers share this layout, so the on-screen
preview shows exactly the rows the printer prints. Every row fits the column
count (a double-width row counts each character twice).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from pulsa_protocol.money import format_rupiah

from kiosk_pos.printing.document import (
    Align,
    CutBlock,
    FeedBlock,
    ItemBlock,
    KeyValueBlock,
    QrBlock,
    ReceiptDocument,
    SeparatorBlock,
    TextBlock,
    TotalBlock,
)
from kiosk_pos.printing.transliterate import to_ascii

INDENT = "  "


@dataclass(frozen=True, slots=True)
class Row:
    """One printed row. ``text`` is what the printer gets (at most ``columns // 2``
    characters when ``double_width``); ``preview`` is the same row at normal width."""

    text: str
    preview: str
    bold: bool = False
    double_width: bool = False
    double_height: bool = False


@dataclass(frozen=True, slots=True)
class QrRow:
    data: str


@dataclass(frozen=True, slots=True)
class FeedRow:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class CutRow:
    pass


Laid = Row | QrRow | FeedRow | CutRow


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` columns, keeping its own line breaks; long words are split."""
    width = max(1, width)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        wrapped = textwrap.wrap(
            paragraph, width, break_long_words=True, break_on_hyphens=True,
            drop_whitespace=True,
        )
        lines.extend(wrapped or [""])
    return lines


def _align(text: str, width: int, align: Align) -> str:
    if align is Align.CENTER:
        return text.center(width).rstrip()
    if align is Align.RIGHT:
        return text.rjust(width)
    return text


def _spread(left: str, right: str, width: int) -> str:
    return left + " " * max(1, width - len(left) - len(right)) + right


def _plain(text: str, bold: bool = False) -> Row:
    return Row(text=text.rstrip(), preview=text.rstrip(), bold=bold)


class _Layout:
    def __init__(self, columns: int, ascii_only: bool) -> None:
        self.columns = columns
        self.ascii_only = ascii_only
        self.rows: list[Laid] = []

    def s(self, text: str) -> str:
        text = to_ascii(text) if self.ascii_only else text
        return text.replace("\t", " ")

    def text(self, block: TextBlock) -> None:
        text, cols, half = self.s(block.text), self.columns, self.columns // 2
        if block.large and all(len(line) <= half for line in text.splitlines() or [""]):
            for line in wrap(text, half):
                self.rows.append(Row(
                    text=_align(line, half, block.align), preview=_align(line, cols, block.align),
                    bold=block.bold, double_width=True, double_height=True,
                ))
            return
        for line in wrap(text, cols):
            aligned = _align(line, cols, block.align)
            self.rows.append(Row(
                text=aligned, preview=aligned, bold=block.bold, double_height=block.large,
            ))

    def key_value(self, block: KeyValueBlock) -> None:
        key, value = self.s(block.key), self.s(block.value)
        if len(key) + 1 + len(value) <= self.columns:
            self.rows.append(_plain(_spread(key, value, self.columns), block.bold))
            return
        self.rows.append(_plain(key, block.bold))
        for line in wrap(value, self.columns - len(INDENT)):
            self.rows.append(_plain(INDENT + line, block.bold))

    def item(self, block: ItemBlock) -> None:
        amount = format_rupiah(block.amount)
        name_width = max(8, self.columns - len(amount) - 1)
        names = wrap(self.s(block.name), name_width)
        self.rows.append(_plain(_spread(names[0], amount, self.columns)))
        for line in names[1:]:
            self.rows.append(_plain(line))
        for detail in block.details:
            for line in wrap(self.s(detail), self.columns - len(INDENT)):
                self.rows.append(_plain(INDENT + line))

    def total(self, block: TotalBlock) -> None:
        label, amount = self.s(block.label), format_rupiah(block.amount)
        half = self.columns // 2
        preview = _spread(label, amount, self.columns)
        if len(label) + 1 + len(amount) <= half:
            self.rows.append(Row(
                text=_spread(label, amount, half), preview=preview,
                bold=True, double_width=True, double_height=True,
            ))
        elif len(label) + 1 + len(amount) <= self.columns:
            self.rows.append(Row(text=preview, preview=preview, bold=True, double_height=True))
        else:
            self.rows.append(Row(text=label, preview=label, bold=True, double_height=True))
            right = amount.rjust(self.columns)
            self.rows.append(Row(text=right, preview=right, bold=True, double_height=True))

    def run(self, document: ReceiptDocument) -> list[Laid]:
        for block in document.blocks:
            if isinstance(block, TextBlock):
                self.text(block)
            elif isinstance(block, KeyValueBlock):
                self.key_value(block)
            elif isinstance(block, ItemBlock):
                self.item(block)
            elif isinstance(block, SeparatorBlock):
                self.rows.append(_plain((self.s(block.char) or "-")[0] * self.columns))
            elif isinstance(block, TotalBlock):
                self.total(block)
            elif isinstance(block, QrBlock):
                self.rows.append(QrRow(block.data))
                if block.caption:
                    self.text(TextBlock(block.caption, Align.CENTER))
            elif isinstance(block, FeedBlock):
                self.rows.append(FeedRow(block.lines))
            elif isinstance(block, CutBlock):
                self.rows.append(CutRow())
        return self.rows


def layout(document: ReceiptDocument, columns: int, *, ascii_only: bool = True) -> list[Laid]:
    """The rows of ``document`` on ``columns`` character columns (32 for 58 mm, 48 for 80 mm)."""
    return _Layout(columns, ascii_only).run(document)
