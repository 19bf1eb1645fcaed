"""Destination rules both ends apply: phone numbers, the operator a number belongs to,
PLN ids.

The prefix table is data (``data/operators.json``, or rows a price-list sync wrote);
this module only applies it. A refusal is a :class:`DestinationError` carrying a message
key and its parameters: the kiosk turns it into a sentence in the clerk's language, the
server into an API error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pulsa_protocol.data import OPERATORS, load_json

PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 13
PLN_METER_DIGITS = 11
PLN_CUSTOMER_DIGITS = 12
PHYSICAL, PLN, EWALLET = "physical", "pln", "ewallet"
_SEPARATORS = re.compile(r"[\s\-().]")


class DestinationError(ValueError):
    """A destination that cannot take the product. ``key`` names the refusal
    (``error.phone_length``, ...); ``params`` fill in its sentence."""

    def __init__(self, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class WrongOperatorError(DestinationError):
    """A valid number of another operator than the product's."""


@dataclass(frozen=True, slots=True)
class Operator:
    code: str
    name: str
    colour: str


class PrefixTable:
    """Maps a normalised number's 4-digit prefix to its operator."""

    def __init__(self, operators: Iterable[Operator], prefixes: Mapping[str, str]) -> None:
        self.operators: dict[str, Operator] = {op.code: op for op in operators}
        self._by_prefix: dict[str, str] = dict(prefixes)

    @classmethod
    def from_json(cls, data: Mapping) -> PrefixTable:
        ops: list[Operator] = []
        prefixes: dict[str, str] = {}
        for entry in list(data.get("operators", [])) + list(data.get("brands", [])):
            ops.append(Operator(entry["code"], entry["name"], entry.get("colour", "#555555")))
            for prefix in entry.get("prefixes", []):
                prefixes[prefix] = entry["code"]
        return cls(ops, prefixes)

    def prefixes(self) -> dict[str, str]:
        return dict(self._by_prefix)

    def operator_code(self, number: str) -> str | None:
        return self._by_prefix.get(number[:4])

    def operator(self, number: str) -> Operator | None:
        code = self.operator_code(number)
        return self.operators.get(code) if code else None

    def name(self, code: str | None) -> str:
        if code is None:
            return "-"
        op = self.operators.get(code)
        return op.name if op else code


@cache
def default_prefix_table() -> PrefixTable:
    return PrefixTable.from_json(load_json(OPERATORS))


def _ascii_digits(text: str) -> bool:
    """0-9 only: ``str.isdigit`` also accepts Arabic-Indic, fullwidth and other scripts' digits."""
    return text.isascii() and text.isdigit()


def clean_digits(raw: str) -> str:
    """Drop spaces, dashes, dots and brackets; keep a leading '+'."""
    return _SEPARATORS.sub("", raw.strip())


def normalise_phone(raw: str) -> str:
    """``0812-3456-7890``, ``+62 812 3456 7890``, ``62812...`` -> ``081234567890``.

    Raises DestinationError when what remains is not a 10-13 digit 08... number.
    """
    text = clean_digits(raw)
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("62"):
            raise DestinationError("error.phone_not_indonesian", number=raw.strip())
    if not _ascii_digits(text):
        raise DestinationError("error.phone_not_digits", number=raw.strip())
    if text.startswith("62"):
        text = "0" + text[2:]
    elif text.startswith("8"):
        text = "0" + text
    if not text.startswith("08"):
        raise DestinationError("error.phone_prefix", number=raw.strip())
    if not PHONE_MIN_DIGITS <= len(text) <= PHONE_MAX_DIGITS:
        raise DestinationError(
            "error.phone_length", number=raw.strip(), digits=len(text),
            min=PHONE_MIN_DIGITS, max=PHONE_MAX_DIGITS,
        )
    return text


def looks_like_partial_phone(raw: str) -> str | None:
    """Best-effort normalisation while the clerk is still typing (for the live operator badge)."""
    text = clean_digits(raw)
    if text.startswith("+"):
        text = text[1:]
    if not _ascii_digits(text):
        return None
    if text.startswith("62"):
        text = "0" + text[2:]
    elif text.startswith("8"):
        text = "0" + text
    return text if text.startswith("08") else None


def normalise_pln_id(raw: str) -> str:
    """An 11-digit meter number or a 12-digit customer id (ID pelanggan).

    A phone number (08..., 628..., +62...) is refused even when its length would fit: a
    token sold to the customer's phone number is money spent on someone else's meter, or on
    none. Meter numbers and customer ids never start with 0 or with 62 followed by 8."""
    text = clean_digits(raw)
    if text.startswith(("+", "08", "628")):
        raise DestinationError("error.pln_phone", number=raw.strip())
    if not _ascii_digits(text) or len(text) not in (PLN_METER_DIGITS, PLN_CUSTOMER_DIGITS):
        raise DestinationError("error.pln_id", number=raw.strip())
    return text


def check_destination(kind: str, operator: str | None, raw: str,
                      table: PrefixTable | None = None) -> str:
    """Normalise ``raw`` for a product of ``kind``/``operator``; refuse a mismatch.

    Returns the normalised destination. Physical goods take no destination.
    """
    table = table or default_prefix_table()
    if kind == PHYSICAL:
        return ""
    if not raw or not raw.strip():
        raise DestinationError("error.destination_required")
    if kind == PLN:
        return normalise_pln_id(raw)
    number = normalise_phone(raw)
    if kind == EWALLET:
        return number
    found = table.operator_code(number)
    if found is None:
        raise DestinationError("error.phone_unknown_operator", number=number)
    if operator is not None and found != operator:
        raise WrongOperatorError(
            "error.wrong_operator", number=number,
            number_operator=table.name(found), product_operator=table.name(operator),
        )
    return number
