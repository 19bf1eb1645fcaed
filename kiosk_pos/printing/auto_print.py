"""When a saved sale's receipt prints by itself: once it carries the top-up's result.

A receipt printed the moment a sale is saved says PENDING even for an instant success,
and a PLN receipt then lacks the token, the one thing the customer came for. So:

- a sale of goods only prints at once;
- a sale with top-ups is held until every top-up is final (success or failed), then prints
  with the SN, the PLN token or the failure;
- if that takes longer than the printer's ``result_wait`` seconds, the receipt prints then,
  showing PENDING, and prints again by itself when the last top-up turns final (a customer
  waiting for a PLN token gets it); a sale is followed for ``FOLLOW_FOR`` seconds at most;
- with auto-print on and no printer set up, the first sale of the run says so (a NOTICE
  naming the receipt and where to set a printer) instead of a receipt silently not
  printed; later sales stay quiet until a printer is set up and lost again.

Events arrive on the thread that made them (the sale's, the sync's); the deadlines run on
timer threads; one lock guards the held sales. Receipts are read from the store after the
change was committed, never on the UI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kiosk_pos.core.events import NOTICE, SALE_SAVED, TOPUP_CHANGED
from kiosk_pos.core.records import SaleRecord, TopUpRecord, TopUpStatus
from kiosk_pos.i18n import tr

if TYPE_CHECKING:
    from kiosk_pos.printing.receipt_printer import ReceiptPrinter

FINAL = frozenset({TopUpStatus.SUCCESS, TopUpStatus.FAILED})
FOLLOW_FOR = 30 * 60.0  # after this a late result no longer prints by itself


class Timer(Protocol):
    def start(self) -> None: ...
    def cancel(self) -> None: ...


TimerFactory = Callable[[float, Callable[[], None]], Timer]


def _thread_timer(seconds: float, callback: Callable[[], None]) -> Timer:
    timer = threading.Timer(seconds, callback)
    timer.daemon = True
    return timer


@dataclass
class _Held:
    waiting: set[str]                 # ref_ids not final yet
    timer: Timer | None
    since: float
    printed_pending: bool = False
    refs: set[str] = field(default_factory=set)


class AutoPrint:
    def __init__(self, printer: ReceiptPrinter, *, timer: TimerFactory = _thread_timer,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._printer = printer
        self._kiosk = printer.kiosk
        self._timer = timer
        self._clock = clock
        self._lock = threading.Lock()
        self._held: dict[int, _Held] = {}
        self._sale_of: dict[str, int] = {}
        self._told_no_printer = False

    def attach(self) -> Callable[[], None]:
        events = self._kiosk.events
        events.register(SALE_SAVED, self.sale_saved)
        events.register(TOPUP_CHANGED, self.topup_changed)

        def detach() -> None:
            events.unregister(SALE_SAVED, self.sale_saved)
            events.unregister(TOPUP_CHANGED, self.topup_changed)
            with self._lock:
                held, self._held, self._sale_of = list(self._held.values()), {}, {}
            for h in held:
                if h.timer is not None:
                    h.timer.cancel()

        return detach

    def held(self) -> list[int]:
        """Sales whose receipt waits for a top-up's result (or will print again)."""
        with self._lock:
            return sorted(self._held)

    # -- events -----------------------------------------------------------------------------
    def sale_saved(self, sale: SaleRecord) -> None:
        settings = self._printer.settings
        if not settings.auto_print:
            return
        if not settings.configured:
            if not self._told_no_printer:
                self._told_no_printer = True
                self._kiosk.events.trigger(NOTICE, tr("ui.app.no_printer_auto", id=sale.id))
            return
        self._told_no_printer = False
        waiting = {t.ref_id for t in sale.topups if t.status not in FINAL}
        if not waiting:
            self._printer.print_sale(sale)
            return
        timer = self._timer(max(float(settings.result_wait), 0.0),
                            lambda: self._deadline(sale.id))
        with self._lock:
            self._held[sale.id] = _Held(waiting, timer, self._clock(), refs=set(waiting))
            for ref in waiting:
                self._sale_of[ref] = sale.id
        timer.start()

    def topup_changed(self, topup: TopUpRecord) -> None:
        with self._lock:
            sale_id = self._sale_of.get(topup.ref_id)
            held = self._held.get(sale_id) if sale_id is not None else None
            if held is None or topup.status not in FINAL:
                return
            held.waiting.discard(topup.ref_id)
            if held.waiting:
                return
            self._forget(sale_id)
            late = self._clock() - held.since > FOLLOW_FOR
        if held.timer is not None:
            held.timer.cancel()
        if not late:
            self._print(sale_id)

    def _deadline(self, sale_id: int) -> None:
        sale = self._kiosk.sales.get(sale_id)
        final = all(t.status in FINAL for t in sale.topups)  # a result that came before
        with self._lock:                                      # the hold was registered
            held = self._held.get(sale_id)
            if held is None or held.printed_pending:
                return
            if final:
                self._forget(sale_id)
                follow = None
            else:
                held.printed_pending = True
                held.timer = follow = self._timer(FOLLOW_FOR, lambda: self._give_up(sale_id))
        if follow is not None:
            follow.start()
        self._printer.print_sale(sale)  # PENDING now (and again when the result comes)

    def _give_up(self, sale_id: int) -> None:
        with self._lock:
            self._forget(sale_id)

    def _forget(self, sale_id: int) -> None:
        held = self._held.pop(sale_id, None)
        if held is not None:
            for ref in held.refs:
                self._sale_of.pop(ref, None)

    def _print(self, sale_id: int) -> None:
        self._printer.print_sale(self._kiosk.sales.get(sale_id))
