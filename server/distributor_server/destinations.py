"""Destination checks for a product, with the shared rules of :mod:`pulsa_protocol.destinations`
(the same prefix table the kiosks use). The sentences here are English for the API; the kiosk
translates the codes for its clerk.
"""

from __future__ import annotations

from functools import cache

from pulsa_protocol.destinations import (
    DestinationError as RuleError,
)
from pulsa_protocol.destinations import (
    WrongOperatorError,
    default_prefix_table,
)
from pulsa_protocol.destinations import (
    check_destination as check_rules,
)
from pulsa_protocol.wire import ErrorCode

_SENTENCES = {
    "error.pln_id": "{raw!r} is not a PLN meter number (11 digits) or customer id (12 digits).",
    "error.pln_phone": "{raw!r} is a phone number, not a PLN meter number (11 digits) or "
                       "customer id (12 digits).",
    "error.phone_unknown_operator": "{number} does not start with a known operator prefix.",
    "error.destination_required": "A destination is required for this product.",
}
_PHONE = ("{raw!r} is not an Indonesian mobile number (10-13 digits, 08..., 628... "
          "or +628...).")


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
    try:
        return check_rules(str(kind), operator, raw)
    except WrongOperatorError as exc:
        p = exc.params
        raise DestinationError(
            ErrorCode.WRONG_OPERATOR,
            f"{p['number']} is a {p['number_operator']} number but the product is for "
            f"{p['product_operator']}; choose a {p['number_operator']} product.",
        ) from None
    except RuleError as exc:
        template = _SENTENCES.get(exc.key, _PHONE)
        raise DestinationError(ErrorCode.BAD_DESTINATION,
                               template.format(raw=raw, **exc.params)) from None
