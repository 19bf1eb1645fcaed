"""Destination rules at the counter: the shared rules of :mod:`pulsa_protocol.destinations`,
with each refusal turned into a :class:`KioskError` whose sentence the clerk reads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from pulsa_protocol import destinations as rules
from pulsa_protocol.destinations import (  # noqa: F401 - the kiosk's names for them
    PHONE_MAX_DIGITS,
    PHONE_MIN_DIGITS,
    Operator,
    PrefixTable,
    clean_digits,
    default_prefix_table,
    looks_like_partial_phone,
)

from kiosk_pos.core.errors import InvalidDestination, WrongOperator
from kiosk_pos.core.records import ProductKind

T = TypeVar("T")


def _as_kiosk_error(func: Callable[..., T]) -> Callable[..., T]:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        except rules.WrongOperatorError as exc:
            raise WrongOperator(exc.key, **exc.params) from None
        except rules.DestinationError as exc:
            raise InvalidDestination(exc.key, **exc.params) from None
    return wrapper


normalise_phone = _as_kiosk_error(rules.normalise_phone)
normalise_pln_id = _as_kiosk_error(rules.normalise_pln_id)


@_as_kiosk_error
def validate_destination(kind: ProductKind, operator: str | None, raw: str,
                         table: PrefixTable | None = None) -> str:
    """The normalised destination for a product of ``kind``/``operator`` (KioskError if not)."""
    return rules.check_destination(kind.value, operator, raw, table)
