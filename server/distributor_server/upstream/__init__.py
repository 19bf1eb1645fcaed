"""Upstream suppliers behind one interface (base.Upstream)."""

from __future__ import annotations

from distributor_server.config import Settings
from distributor_server.upstream.base import Upstream, UpstreamResult, UpstreamUnavailable

__all__ = ["Upstream", "UpstreamResult", "UpstreamUnavailable", "make_upstream"]

UPSTREAM_NAMES = ("simulator", "digiflazz")


def make_upstream(settings: Settings) -> Upstream:
    if settings.upstream == "simulator":
        from distributor_server.upstream.simulator import Simulator

        return Simulator(settings.simulator_latency, settings.simulator_pending_seconds)
    if settings.upstream == "digiflazz":
        from distributor_server.upstream.digiflazz import Digiflazz

        return Digiflazz(settings.digiflazz)
    raise ValueError(f"unknown upstream {settings.upstream!r}; choose simulator or digiflazz")
