"""What the server needs from a supplier: send a top-up by ref_id, idempotently.

Sending the same ``ref_id`` again must be a status check, never a second purchase (that is
how Digiflazz and IAK behave), so the worker uses one call for both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from pulsa_protocol.wire import TopUpStatus


@dataclass(frozen=True)
class UpstreamResult:
    status: TopUpStatus
    sn: str = ""
    message: str = ""
    reference: str = ""
    retry_after: float | None = None


class UpstreamUnavailable(Exception):
    """No answer that tells the outcome (timeout, network, 5xx): keep pending, ask again."""


@dataclass(frozen=True)
class NameFound:
    """A name check's answer (:meth:`Upstream.inquire`): ``name`` empty = no such account."""

    name: str = ""
    segment_power: str = ""
    meter_no: str = ""
    subscriber_id: str = ""
    message: str = ""


class Upstream(ABC):
    name: str = "upstream"

    @abstractmethod
    def send(self, ref_id: str, sku: str, destination: str) -> UpstreamResult:
        """Buy, or when ``ref_id`` was sent before, report that purchase's status."""

    def inquire(self, sku: str, kind: str, destination: str) -> NameFound:
        """Who ``destination`` belongs to (a PLN meter's customer and daya, an e-wallet's
        account name). UpstreamUnavailable when the supplier cannot say, or has no check."""
        raise UpstreamUnavailable(f"{self.name} offers no name check")

    def balance(self) -> int | None:
        """Our deposit left at the supplier in rupiah, when the adapter can tell (None
        otherwise); may raise :class:`UpstreamUnavailable`. Read once a minute by the
        incident rules (upstream balance low) and shown on the console's dashboard."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        pass
