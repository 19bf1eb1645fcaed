"""The digests of a day's summary (``GET /v1/transactions/summary``), computed alike on both
ends: the distributor over its rows, the kiosk over its own.

A top-up is the line ``ref_id|status|price|<len(sn)>:sn`` (``sn`` "" when none; its length
written before it, so no serial number can pass for another line's fields); a ledger row is
``seq|amount``. A digest is the SHA-256 (hex) of the lines sorted as strings and joined by
``\\n``. Equal digests and counts mean equal sets of lines, whatever order either side
read its rows in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

__all__ = ["digest", "ledger_digest", "ledger_line", "topup_digest", "topup_line"]


def topup_line(ref_id: str, status: str, price: int, sn: str | None) -> str:
    serial = sn or ""
    return f"{ref_id}|{status}|{int(price)}|{len(serial)}:{serial}"


def ledger_line(seq: int, amount: int) -> str:
    return f"{int(seq)}|{int(amount)}"


def digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def topup_digest(rows: Iterable[tuple[str, str, int, str | None]]) -> tuple[int, str]:
    """(count, digest) of (ref_id, status, price, sn) rows."""
    lines = [topup_line(*row) for row in rows]
    return len(lines), digest(lines)


def ledger_digest(rows: Iterable[tuple[int, int]]) -> tuple[int, int, str]:
    """(count, sum of amounts, digest) of (seq, amount) rows."""
    pairs = list(rows)
    return len(pairs), sum(a for _s, a in pairs), digest(ledger_line(s, a) for s, a in pairs)
