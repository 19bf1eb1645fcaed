"""A supplier stand-in for demos and tests, decided by the destination's last digit.

- ends in 2: fails at once;
- ends in 3: pending, then success after ``pending_seconds``;
- ends in 4: pending, then failure after ``pending_seconds``;
- anything else: success with a serial number (SN).

Its name check (:meth:`Simulator.inquire`) is as deterministic: a destination ending in 2 is
not found, one ending in 8 gets no answer (the supplier's check is down), any other gets a
name made from its digits (with a tariff/daya for a PLN id), the same every time.
"""

from __future__ import annotations

import hashlib
import threading
import time

from pulsa_protocol.wire import TopUpStatus

from distributor_server.upstream.base import (
    NameFound,
    Upstream,
    UpstreamResult,
    UpstreamUnavailable,
)

FIRST_NAMES = ("SITI", "BUDI", "AGUS", "DEWI", "RINA", "JOKO", "SRI", "ANDI", "WAHYU", "NUR",
               "YULI", "EKO", "DIAN", "HENDRA", "PUTRI", "BAMBANG")
LAST_NAMES = ("RAHAYU", "SANTOSO", "WIJAYA", "LESTARI", "HIDAYAT", "SAPUTRA", "KURNIAWAN",
              "PURNOMO", "SETIAWAN", "HANDAYANI", "NUGROHO", "WULANDARI")
SEGMENT_POWERS = ("R1/450VA", "R1/900VA", "R1/1300VA", "R1/2200VA", "R1M/900VA", "R2/3500VA",
                  "B1/1300VA")


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

    def inquire(self, sku: str, kind: str, destination: str) -> NameFound:
        if self.latency:
            time.sleep(self.latency)
        last = destination[-1:]
        if last == "8":
            raise UpstreamUnavailable("Simulated: the name check does not answer.")
        if last == "2":
            return NameFound(message="Simulated: no such customer.")
        seed = int(hashlib.sha256(destination.encode()).hexdigest(), 16)
        name = f"{FIRST_NAMES[seed % 16]} {LAST_NAMES[(seed >> 8) % 12]}"
        if kind != "pln":
            return NameFound(name=name, message="Simulated account.")
        meter = destination if len(destination) == 11 else str(seed)[-11:].zfill(11)
        subscriber = destination if len(destination) == 12 else str(seed)[-12:].zfill(12)
        return NameFound(name=name, segment_power=SEGMENT_POWERS[(seed >> 16) % 7],
                         meter_no=meter, subscriber_id=subscriber, message="Simulated customer.")

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
