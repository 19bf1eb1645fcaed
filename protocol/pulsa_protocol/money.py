"""Money is an int of rupiah everywhere; these helpers only format and parse it."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\s*(?:rp\.?)?\s*([0-9][0-9.,\s]*)\s*$", re.IGNORECASE)


def format_rupiah(amount: int) -> str:
    """Format whole rupiah the Indonesian way: ``Rp10.000``, ``-Rp2.500``."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError(f"money must be int rupiah, got {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str) -> int:
    """Parse what a clerk types: ``50000``, ``50.000``, ``Rp 50.000``, ``50rb``.

    Raises ValueError for anything that is not a whole, non-negative amount.
    """
    raw = text.strip().lower().replace("\u00a0", " ")
    multiplier = 1
    for suffix, factor in (("rb", 1_000), ("ribu", 1_000), ("k", 1_000), ("jt", 1_000_000)):
        if raw.endswith(suffix):
            raw, multiplier = raw[: -len(suffix)].strip(), factor
            break
    match = _DIGITS.match(raw)
    if not match:
        raise ValueError(text)
    digits = re.sub(r"[.,\s]", "", match.group(1))
    if not digits:
        raise ValueError(text)
    return int(digits) * multiplier
