"""A supplier stand-in for demos and tests, decided by the destination's last digit.

- ends in 2: fails at once;
- ends in 3: pending, then success after ``pending_seconds``;
- ends in 4: pending, then failure after ``pending_seconds``;
- anything else: success with a serial number (SN).
"""

from __future__ import annotations

import hashlib
import threading
import time

from pulsa_protocol.wire import TopUpStatus

from distributor_server.upstream.base import Upstream, UpstreamResult


class Simulator(Upstream):
    name = "simulator"

    def __init__(self, latency: float = 0.05, pending_seconds: float = 3.0) -> None:
        self.latency = latency
        self.pending_seconds = pending_seconds
        self._first_seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self.calls = 0
        self.simulated_balance = 25_000_000

    def balance(self) -> int | None:
        """A fixed simulated supplier deposit (the demo's dashboard shows a figure)."""
        return self.simulated_balance

    def send(self, ref_id: str, sku: str, destination: str) -> UpstreamResult:
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            self.calls += 1
            first = self._first_seen.setdefault(ref_id, time.monotonic())
        reference = "SIM" + hashlib.sha256(ref_id.encode()).hexdigest()[:12].upper()
        last = destination[-1:] if destination else ""
        if last == "2":
            return UpstreamResult(TopUpStatus.FAILED, message="Simulated failure: number refused.",
                                  reference=reference)
        if last in ("3", "4"):
            if time.monotonic() - first < self.pending_seconds:
                return UpstreamResult(TopUpStatus.PENDING, message="Simulated: in process.",
                                      reference=reference)
            if last == "4":
                return UpstreamResult(TopUpStatus.FAILED,
                                      message="Simulated failure after pending.",
                                      reference=reference)
        digits = str(int(hashlib.sha256((ref_id + sku).encode()).hexdigest(), 16))[:20]
        return UpstreamResult(TopUpStatus.SUCCESS, sn=digits.zfill(20),
                              message="Simulated success.", reference=reference)
