"""Receipts and reports: one document model, rendered to ESC/POS, PDF and text.

Public API (import from here):

- documents: :class:`ReceiptDocument` and its blocks, :func:`receipt_from_sale`,
  :func:`test_page_document`, :func:`receipt_from_deposit_ticket`
- renderers: :func:`render_escpos`, :func:`render_text`, :func:`render_pdf`
- printers: :class:`PrinterSettings`, :func:`open_connection`, :class:`PrinterError`,
  :func:`detect_usb_printers`, :func:`detect_cups_queues`
- background printing: :class:`PrintQueue`, :class:`PrintJob`, :class:`JobState`
- A4 reports: :func:`daily_report_pdf`, :func:`stock_list_pdf`

PDF, connection, queue and report modules load on first use so that importing
this package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from kiosk_pos.printing.document import (
    Align,
    Block,
    CutBlock,
    FeedBlock,
    ItemBlock,
    KeyValueBlock,
    QrBlock,
    ReceiptDocument,
    SeparatorBlock,
    TextBlock,
    TotalBlock,
)
from kiosk_pos.printing.receipts import (
    PAPER_COLUMNS,
    format_pln_token,
    receipt_from_deposit_ticket,
    receipt_from_sale,
    test_page_document,
)
from kiosk_pos.printing.text_render import columns_for, render_text

_LAZY = {
    # python-escpos writes a capabilities cache file when imported: a PDF or a report on a
    # full disk must not fail on it, so ESC/POS loads only when bytes are rendered
    "render_escpos": "kiosk_pos.printing.escpos_render",
    "drawer_kick_bytes": "kiosk_pos.printing.escpos_render",
    "render_pdf": "kiosk_pos.printing.pdf_render",
    "PrinterSettings": "kiosk_pos.printing.settings",
    "ConnectionType": "kiosk_pos.printing.settings",
    "PrinterError": "kiosk_pos.printing.connections",
    "open_connection": "kiosk_pos.printing.connections",
    "detect_usb_printers": "kiosk_pos.printing.connections",
    "detect_cups_queues": "kiosk_pos.printing.connections",
    "PrintQueue": "kiosk_pos.printing.queue",
    "PrintJob": "kiosk_pos.printing.queue",
    "JobState": "kiosk_pos.printing.queue",
    "JobStatus": "kiosk_pos.printing.queue",
    "print_job_for": "kiosk_pos.printing.queue",
    "daily_report_pdf": "kiosk_pos.printing.reports",
    "stock_list_pdf": "kiosk_pos.printing.reports",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kiosk_pos.printing' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "PAPER_COLUMNS", "Align", "Block", "CutBlock", "FeedBlock", "ItemBlock", "KeyValueBlock",
    "QrBlock", "ReceiptDocument", "SeparatorBlock", "TextBlock", "TotalBlock", "columns_for",
    "format_pln_token", "receipt_from_deposit_ticket", "receipt_from_sale",
    "render_text", "test_page_document", *_LAZY,
]
