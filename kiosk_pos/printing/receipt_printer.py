"""The kiosk's receipt printer: settings kept in the kiosk store, auto-print after a
sale, reprint from history. Jobs go through a PrintQueue thread, so a dead or stalled
printer never delays or loses a sale; a failed job stays in the queue to retry."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_pos.core.kiosk import Kiosk
from kiosk_pos.core.permissions import Permission, require
from kiosk_pos.core.records import SaleRecord, User
from kiosk_pos.printing.document import ReceiptDocument
from kiosk_pos.printing.queue import JobStatus, PrintQueue, print_job_for
from kiosk_pos.printing.receipts import receipt_from_sale, test_page_document
from kiosk_pos.printing.settings import PrinterSettings

SETTINGS_KEY = "printer"


def load_settings(kiosk: Kiosk) -> PrinterSettings:
    return PrinterSettings.from_dict(kiosk.settings.get(SETTINGS_KEY))


def save_settings(kiosk: Kiosk, settings: PrinterSettings, user: User | None) -> None:
    """Keep the printer settings: the owner's (they decide what the drawer and receipts do)."""
    require(user, Permission.MANAGE_PRINTER)
    kiosk.settings.set(SETTINGS_KEY, settings.to_dict())
    from kiosk_pos.core import audit

    audit.note(kiosk.db, "printer.settings", user, kiosk.clock, **settings.to_dict())


class ReceiptPrinter:
    def __init__(self, kiosk: Kiosk, queue: PrintQueue | None = None) -> None:
        self.kiosk = kiosk
        self.queue = queue or PrintQueue()
        self.settings = load_settings(kiosk)
        self._kiosk_info = kiosk.settings.kiosk_info()

    def attach(self, **options: object) -> Callable[[], None]:
        """Print saved sales by themselves when auto-print is on, once they carry the
        top-up's result (:mod:`kiosk_pos.printing.auto_print`); returns a detach callable."""
        from kiosk_pos.printing.auto_print import AutoPrint

        return AutoPrint(self, **options).attach()  # type: ignore[arg-type]

    def reload(self) -> None:
        self.settings = load_settings(self.kiosk)
        self._kiosk_info = self.kiosk.settings.kiosk_info()

    def print_sale(self, sale: SaleRecord, *, copy: bool = False) -> int | None:
        """Queue the receipt; None when no printer is set up. Never raises for the printer."""
        if not self.settings.configured:
            return None
        info = self._kiosk_info
        return self.queue.submit(print_job_for(
            lambda: receipt_from_sale(sale, info, copy=copy), self.settings,
            title=f"#{sale.id}"))

    def reprint(self, sale_id: int) -> int | None:
        return self.print_sale(self.kiosk.sales.get(sale_id), copy=True)

    def print_document(self, document: ReceiptDocument) -> int | None:
        """Queue any document (a shift report, a refund receipt); None with no printer."""
        if not self.settings.configured:
            return None
        return self.queue.submit(print_job_for(document, self.settings, copies=1))

    def test_page(self) -> int | None:
        if not self.settings.configured:
            return None
        document = test_page_document(self._kiosk_info, self.settings.paper_width)
        return self.queue.submit(print_job_for(document, self.settings, copies=1))

    def retry(self, job_id: int) -> bool:
        return self.queue.retry(job_id)

    def failed(self) -> list[JobStatus]:
        return self.queue.failed()

    def close(self) -> None:
        self.queue.close()
