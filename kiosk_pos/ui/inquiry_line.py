"""The name check on the payment page: the customer's name (and daya) large, before the money.

When a PLN token or an e-wallet top-up goes into the cart, :meth:`InquiryLine.check` asks
the distributor off the GUI thread (a :class:`~kiosk_pos.ui.operations.NetworkOp`) while the
clerk goes on to payment; the answer appears there as soon as it lands. With no answer
(offline, refused, the supplier silent) the clerk reads "Nama tidak dapat dicek — boleh
lanjut" and may take the money anyway: the check never blocks a sale. The rules are the
core's (:mod:`kiosk_pos.core.name_check`); this widget only shows them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.name_check import NameCheck, NameStatus, check_name, needs_name_check
from kiosk_pos.core.records import Product
from kiosk_pos.i18n import tr
from kiosk_pos.ui.operations import NetworkOp, OpFailure
from kiosk_pos.ui.tasks import TaskManager
from kiosk_pos.ui.theme import BASE_PT, ERROR_COLOUR, LARGE_PT, OK_COLOUR, label

ClientFactory = Callable[[], Any]  # -> DistributorClient | None
Key = tuple[str, str]  # (sku, destination)
NAME_PT = LARGE_PT + 6  # the name: read back to the customer across the counter
NOTE_PT = BASE_PT + 2  # "could not check" / "not found": plain to see, one line at 1024 px
COLOURS = {NameStatus.FOUND: OK_COLOUR, NameStatus.NOT_FOUND: ERROR_COLOUR,
           NameStatus.UNCHECKED: "#8a6d00"}
MAX_SHOWN = 3  # a cart of more checked lines shows the first three (the frame must not grow)


def no_client() -> Any:
    return None


def _grouped(destination: str) -> str:
    return "-".join(destination[i:i + 4] for i in range(0, len(destination), 4))


class InquiryLine(QFrame):
    """One row per checked top-up in the cart: caption, name (large), daya or reason."""

    answered = Signal(object)  # NameCheck: an answer (or its absence) landed

    def __init__(self, kiosk: Kiosk, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.kiosk = kiosk
        self.tasks = tasks
        self.client_factory: ClientFactory = no_client
        self.results: dict[Key, NameCheck | None] = {}  # None: asked, no answer yet
        self._shown: list[Key] = []
        self.caption = label("", "caption")
        self.rows: list[tuple[QLabel, QLabel]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        for _ in range(MAX_SHOWN):
            name = QLabel()
            name.setObjectName("inquiry_name")
            name.setWordWrap(True)
            name.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            detail = label("", "caption")
            detail.setWordWrap(True)
            layout.addWidget(name)
            layout.addWidget(detail)
            self.rows.append((name, detail))
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.caption.setText(tr("inquiry.caption"))
        self._render()

    # -- asking ----------------------------------------------------------------------------
    def check(self, product: Product, destination: str) -> None:
        """Ask for the name behind ``destination`` unless known or on its way (no-op for
        products without a name check)."""
        if not needs_name_check(product):
            return
        key = (product.sku, destination)
        known = self.results.get(key)
        if key in self.results and (known is None or known.found):
            return  # on its way, or found: a failed check is asked again
        self.results[key] = None
        client = self.client_factory()
        kiosk = self.kiosk

        def work() -> NameCheck:
            from kiosk_pos.sync.inquiry import asker

            return check_name(kiosk.catalog.catalog, asker(client), product.sku, destination)

        NetworkOp(self, work).success(self._landed).failure(
            lambda failure, k=key: self._failed(k, failure)).run(self.tasks)
        self._render()

    def _landed(self, result: NameCheck) -> None:
        self.results[(result.sku, result.destination)] = result
        self._render()
        self.answered.emit(result)

    def _failed(self, key: Key, failure: OpFailure) -> None:
        result = NameCheck(key[0], key[1], NameStatus.UNCHECKED, reason=failure.message)
        self._landed(result)

    # -- showing ---------------------------------------------------------------------------
    def show_for(self, lines: Sequence[tuple[Product, str]]) -> None:
        """Show the checks of the cart's ``lines`` (product, destination); asks for any not
        asked yet and forgets those no longer in the cart. Hidden when none has a check."""
        keys = [(p.sku, d) for p, d in lines if needs_name_check(p)]
        self.results = {k: v for k, v in self.results.items() if k in keys}
        for product, destination in lines:
            if needs_name_check(product) and (product.sku, destination) not in self.results:
                self.check(product, destination)
        self._shown = keys[:MAX_SHOWN]
        self._render()

    def clear(self) -> None:
        self.results.clear()
        self._shown = []
        self._render()

    def _render(self) -> None:
        many = len(self._shown) > 1
        for i, (name, detail) in enumerate(self.rows):
            key = self._shown[i] if i < len(self._shown) else None
            name.setVisible(key is not None)
            detail.setVisible(False)
            if key is None:
                continue
            result = self.results.get(key)
            prefix = f"{_grouped(key[1])}: " if many else ""
            if result is None:
                name.setText(prefix + tr("inquiry.checking"))
                name.setStyleSheet(f"font-size: {LARGE_PT}pt; color: #4a5561;")
                continue
            if result.found:
                name.setText(prefix + result.name)
                power = result.segment_power
                text = tr("inquiry.power", power=power) if power else ""
            else:
                name.setText(prefix + result.headline())
                text = result.reason
            size = NAME_PT if result.found else NOTE_PT
            name.setStyleSheet(f"font-size: {size}pt; font-weight: bold; "
                               f"color: {COLOURS[result.status]};")
            detail.setText(text)
            detail.setVisible(bool(text))
            if result.found and result.segment_power:
                detail.setStyleSheet(f"font-size: {LARGE_PT}pt; font-weight: bold;")
            else:
                detail.setStyleSheet("")
        self.setVisible(bool(self._shown))
