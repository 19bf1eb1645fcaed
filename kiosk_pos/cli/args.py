"""Typed, bounded converters for command-line values, and argparse's errors as sentences.

Every value a command takes passes through one of these as argparse's ``type=``: a value
that is not what it claims to be, or is out of range, is refused while the command line is
parsed (before any file is opened), with one sentence from the locale files
(``resources/locale/cli.<lang>.json``) and exit 2. Numbers are ASCII digits only (Python's
``int()`` and ``float()`` also take Arabic-Indic and full-width digits). The bounds are the
ones the layers below can hold: ids within SQLite's INTEGER, rupiah within the protocol's
``MAX_RUPIAH``, seconds finite, days within a range whose local midnight any time zone can
convert.

argparse's own complaints (a missing option, an unknown choice, ...) are English fragments;
:func:`usage_sentence` turns the usual ones into the same kind of sentence.
"""

from __future__ import annotations

import argparse
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from functools import cache

from kiosk_pos.i18n import LANGUAGES, set_language, tr

MAX_ID = 2**63 - 1  # SQLite's INTEGER: a larger sale id cannot even be looked up
FIRST_DAY = date(2000, 1, 1)   # within the wire's EARLIEST_YEAR..LATEST_YEAR (2000-2200)
LAST_DAY = date(2099, 12, 31)
MAX_TEXT = 200      # a name, a PIN, an address, a product code, a host
MAX_PATH = 4096     # a file or folder name
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_SHOWN = 40


def shown(text: str, limit: int = _SHOWN) -> str:
    """``text`` safe to put in a one-line message: short, no control or unencodable chars."""
    safe = "".join(c if c.isprintable() and not _unsafe(c) else "?" for c in text[:limit])
    return safe + ("..." if len(text) > limit else "")


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Cs")  # control; lone surrogate (bad bytes)


def _refuse(key: str, **params: object) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(tr(key, **params))


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number of ASCII digits within ``low..high``."""

    def convert(text: str) -> int:
        raw = text.strip()
        if raw.startswith("+"):
            raw = raw[1:]
        negative = raw.startswith("-")
        digits = raw[1:] if negative else raw
        if not _ASCII_DIGITS.fullmatch(digits) or len(digits) > 30:
            raise _refuse("cli.error.whole", text=shown(text), min=low, max=high)
        value = -int(digits) if negative else int(digits)
        if not low <= value <= high:
            raise _refuse("cli.error.whole", text=shown(text), min=low, max=high)
        return value

    convert.__name__ = "whole"
    return convert


record_id = whole(1, MAX_ID)
"""The id of a row (a sale): 1 up to SQLite's largest integer."""


def rupiah(text: str) -> int:
    """Whole rupiah as a clerk types them (``50000``, ``50.000``, ``50rb``), within
    ``MAX_RUPIAH``."""
    from pulsa_protocol.money import parse_rupiah
    from pulsa_protocol.wire import MAX_RUPIAH

    if len(text) > 64 or any(_unsafe(c) for c in text):
        raise _refuse("error.amount_format", text=shown(text))
    try:
        amount = parse_rupiah(text)
    except ValueError:
        raise _refuse("error.amount_format", text=shown(text)) from None
    if amount > MAX_RUPIAH:
        raise _refuse("cli.error.amount_too_big", text=shown(text), max=MAX_RUPIAH)
    return amount


def seconds(low: float, high: float) -> Callable[[str], float]:
    """A finite number of seconds within ``low..high`` (``nan``, ``inf``, ``1e309`` refused)."""

    def convert(text: str) -> float:
        raw = text.strip()
        if not _ASCII_NUMBER.fullmatch(raw) or not math.isfinite(value := float(raw)) \
                or not low <= value <= high:
            raise _refuse("cli.error.seconds", text=shown(text), min=_num(low), max=_num(high))
        return value

    convert.__name__ = "seconds"
    return convert


def _num(value: float) -> str:
    return f"{value:g}"


def day(text: str) -> date:
    """A day ``YYYY-MM-DD`` between FIRST_DAY and LAST_DAY."""
    raw = text.strip()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise _refuse("error.date_format", text=shown(text)) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise _refuse("cli.error.date_range", text=shown(text), first=FIRST_DAY.isoformat(),
                      last=LAST_DAY.isoformat())
    return value


def text(limit: int = MAX_TEXT, *, empty: bool = True) -> Callable[[str], str]:
    """Free text up to ``limit`` characters, without control characters or undecodable bytes
    (and not blank, with ``empty=False``)."""

    def convert(value: str) -> str:
        if not empty and not value.strip():
            raise _refuse("cli.error.empty")
        if any(_unsafe(c) for c in value):
            raise _refuse("cli.error.text_chars", text=shown(value))
        if len(value) > limit:
            raise _refuse("cli.error.text_long", text=shown(value), max=limit)
        return value

    convert.__name__ = "text"
    return convert


path = text(MAX_PATH, empty=False)
"""A file or folder name: not blank (``--data-dir "$UNSET"`` must not mean the default
folder), and no NUL byte, which cannot name a file."""


def early_language(argv: Sequence[str]) -> None:
    """Honour ``--lang`` before parsing, so argument errors are already in that language."""
    for i, token in enumerate(argv):
        value = token.partition("=")[2] if token.startswith("--lang=") else (
            argv[i + 1] if token == "--lang" and i + 1 < len(argv) else None)
        if value in LANGUAGES:
            set_language(value)


# argparse's own complaints (CPython's wording), each turned into a sentence of ours
_ARGPARSE_TEXT: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<names>.*)", "cli.error.required"),
    (r"one of the arguments (?P<names>.*) is required", "cli.error.one_of"),
    (r"argument (?P<option>\S+?): invalid choice: (?P<value>.*) \(choose from "
     r"(?P<choices>.*)\)", "cli.error.choice"),
    (r"argument (?P<option>\S+?): expected one argument", "cli.error.expected"),
    (r"argument (?P<option>\S+?): not allowed with argument (?P<other>\S+)",
     "cli.error.not_together"),
    (r"argument (?P<option>\S+?): ignored explicit argument (?P<value>.*)",
     "cli.error.no_value"),
    (r"unrecognized arguments: (?P<args>.*)", "cli.error.unrecognized"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.*)",
     "cli.error.ambiguous"),
)


@cache
def _argparse_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compiled on the first parser error, not at every start of the app."""
    return tuple((re.compile(pattern, re.S), key) for pattern, key in _ARGPARSE_TEXT)


_OURS = re.compile(r"argument (?P<option>\S+?): (?P<sentence>.*)", re.S)


def usage_sentence(prog: str, message: str) -> str:
    """The one line a parser error prints: ``prog [--option]: sentence``."""
    for pattern, key in _argparse_patterns():
        match = pattern.fullmatch(message)
        if match:
            params = {k: shown(v.replace("'", ""), 40 if k in ("value", "args") else 400)
                      for k, v in match.groupdict().items()}
            params["prog"] = prog
            if key == "cli.error.choice" and not params["option"].startswith("-"):
                key = "cli.error.choice_positional"  # "command", "action": say no name
            if key == "cli.error.required" and not params["names"].startswith("-"):
                key = "cli.error.required_positional"  # a sub-command or a FILE
            return f"{prog}: {tr(key, **params)}"
    match = _OURS.fullmatch(message)
    if match and match["sentence"].endswith("."):  # a converter's sentence (above)
        option = match["option"].split("/")[0]
        where = f"{prog} {option}" if option.startswith("-") else prog
        return f"{where}: {match['sentence']}"
    return f"{prog}: {tr('cli.error.usage', detail=shown(message.rstrip('.')), prog=prog)}"
