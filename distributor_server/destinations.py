"""Destination checks for a product, using the kiosk's prefix table (resources/operators.json).

The prefix data is not copied: it is read through ``kiosk_pos.core.phone.default_prefix_table``
(``kiosk_pos.resources.resource_path("operators.json")``). The sentences here are English
for the API; the kiosk translates the codes for its clerk.
"""

from __future__ import annotations

from functools import cache

from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.phone import default_prefix_table, normalise_phone
from kiosk_pos.sync.wire import ErrorCode, ProductKind

PLN_DIGITS = (11, 12)


class DestinationError(ValueError):
    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@cache
def known_operator_codes() -> frozenset[str]:
    return frozenset(default_prefix_table().operators)


def check_destination(kind: str, operator: str, raw: str) -> str:
    """The normalised destination for a product of ``kind``/``operator``, or DestinationError."""
    text = "".join(ch for ch in raw.strip() if ch not in " -().")
    if kind == ProductKind.PLN:
        if not text.isdigit() or len(text) not in PLN_DIGITS:
            raise DestinationError(
                ErrorCode.BAD_DESTINATION,
                f"{raw!r} is not a PLN meter number (11 digits) or customer id (12 digits).",
            )
        return text
    try:
        number = normalise_phone(raw)
    except KioskError:
        raise DestinationError(
            ErrorCode.BAD_DESTINATION,
            f"{raw!r} is not an Indonesian mobile number (10-13 digits, 08..., 628... or +628...).",
        ) from None
    if kind == ProductKind.EWALLET:
        return number
    table = default_prefix_table()
    found = table.operator_code(number)
    if found is None:
        raise DestinationError(
            ErrorCode.BAD_DESTINATION,
            f"{number} does not start with a known operator prefix.",
        )
    if found != operator:
        raise DestinationError(
            ErrorCode.WRONG_OPERATOR,
            f"{number} is a {table.name(found)} number but the product is for "
            f"{table.name(operator)}; choose a {table.name(found)} product.",
        )
    return number
