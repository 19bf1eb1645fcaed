"""Bank mutation CSV import: match incoming transfers to open deposit tickets by their unique
amount, show the match (dry run), then confirm each matched ticket through the console's
confirm (``money.confirm_ticket``: the server's idempotent confirm plus an audit row).

Bank exports differ; this reads any CSV (comma, semicolon or tab) with a header naming an
amount column (``jumlah``, ``amount``, ``kredit``/``credit``, ``mutasi``, ``nominal``) and
optionally a description (``keterangan``, ``description``, ``berita``), a date (``tanggal``,
``date``) and a debit/credit marker column (``CR``/``DB``, or ``D``/``K``). Amounts may be
written ``1.250.123,00``, ``1,250,123.00``, ``Rp1.250.123`` or ``1250123``; only whole
rupiah credits can match. Applying again is harmless: a confirmed ticket is not credited
twice, and an amount must still be the ticket's amount when it is applied.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from distributor_server.clock import utcnow
from distributor_server.console import audit, money
from distributor_server.context import ServerContext
from distributor_server.models import DepositTicket, Kiosk

MAX_BYTES = 512 * 1024
MAX_ROWS = 5000
AMOUNT_NAMES = ("jumlah", "amount", "kredit", "credit", "mutasi", "nominal", "nilai")
TEXT_NAMES = ("keterangan", "description", "berita", "uraian", "remark", "deskripsi")
DATE_NAMES = ("tanggal", "tgl", "date")
SIDE_NAMES = ("db/cr", "cr/db", "d/k", "type", "jenis", "tipe", "dk")
DEBIT_MARKS = ("db", "d", "debit", "debet")

MATCH = "match"
NO_TICKET = "no_ticket"
EXPIRED = "expired"
CONFIRMED = "already_confirmed"
DUPLICATE = "duplicate"
SKIPPED = "skipped"


class ImportError_(ValueError):  # noqa: N801 - not the builtin
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class BankRow:
    line: int
    date: str
    text: str
    amount: int | None  # whole rupiah credited; None for a debit or an unreadable amount


@dataclass(frozen=True)
class Matched:
    row: BankRow
    outcome: str
    ticket_id: int | None = None
    kiosk_name: str = ""


def parse_amount(text: str) -> int | None:
    """Whole rupiah from a bank's way of writing it, else None."""
    cleaned = re.sub(r"(?i)^\s*(rp\.?|idr)\s*", "", text.strip()).replace(" ", "")
    cleaned = re.sub(r"(?i)\s*(cr|db)$", "", cleaned)
    if not cleaned or not re.fullmatch(r"[0-9.,]+", cleaned):
        return None
    tail = re.search(r"[.,](\d{1,2})$", cleaned)
    if tail and not re.search(r"[.,]\d{3}$", cleaned):
        if int(tail.group(1)) != 0:
            return None  # sen: not whole rupiah
        cleaned = cleaned[:tail.start()]
    digits = cleaned.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() and len(digits) <= 13 and int(digits) > 0 else None


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        for i, h in enumerate(lowered):
            if h == name or h.startswith(name):
                return i
    return None


def parse_csv(data: bytes) -> list[BankRow]:
    if len(data) > MAX_BYTES:
        raise ImportError_("csv_too_big")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ImportError_("csv_empty")
    try:
        dialect = csv.Sniffer().sniff(lines[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    table = list(csv.reader(io.StringIO("\n".join(lines)), dialect))
    start = next((i for i, r in enumerate(table[:20]) if _column(r, AMOUNT_NAMES) is not None),
                 None)
    if start is None:
        raise ImportError_("csv_no_amount")
    header = table[start]
    amount_at = _column(header, AMOUNT_NAMES)
    text_at, date_at = _column(header, TEXT_NAMES), _column(header, DATE_NAMES)
    side_at = _column(header, SIDE_NAMES)
    rows = []
    for number, cells in enumerate(table[start + 1:start + 1 + MAX_ROWS], start=start + 2):
        def cell(at: int | None, cells: list[str] = cells) -> str:
            return cells[at].strip() if at is not None and at < len(cells) else ""

        raw = cell(amount_at)
        debit = cell(side_at).lower() in DEBIT_MARKS or raw.lower().endswith("db")
        rows.append(BankRow(number, cell(date_at)[:20], cell(text_at)[:120],
                            None if debit else parse_amount(raw)))
    return rows


def match(ctx: ServerContext, rows: list[BankRow]) -> list[Matched]:
    """Each credit against the open ticket with exactly its amount (unique while open)."""
    amounts = {r.amount for r in rows if r.amount is not None}
    now = utcnow()
    with ctx.db.read() as session:
        tickets = session.execute(
            select(DepositTicket.id, DepositTicket.amount_to_transfer, DepositTicket.status,
                   DepositTicket.expires_at, Kiosk.name)
            .join(Kiosk, Kiosk.id == DepositTicket.kiosk_id)
            .where(DepositTicket.amount_to_transfer.in_(amounts))
            .order_by(DepositTicket.id.desc())).all() if amounts else []
    by_amount: dict[int, list] = {}
    for t in tickets:
        by_amount.setdefault(t.amount_to_transfer, []).append(t)
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.amount is None:
            out.append(Matched(row, SKIPPED))
            continue
        if row.amount in seen:
            out.append(Matched(row, DUPLICATE))
            continue
        seen.add(row.amount)
        found = by_amount.get(row.amount, [])
        live = [t for t in found if t.status == "open" and t.expires_at > now]
        if live:
            out.append(Matched(row, MATCH, live[0].id, live[0].name))
        elif any(t.status == "open" for t in found):
            t = next(t for t in found if t.status == "open")
            out.append(Matched(row, EXPIRED, t.id, t.name))
        elif any(t.status == "confirmed" for t in found):
            t = next(t for t in found if t.status == "confirmed")
            out.append(Matched(row, CONFIRMED, t.id, t.name))
        else:
            out.append(Matched(row, NO_TICKET))
    return out


def apply(ctx: ServerContext, actor: audit.Actor, pairs: list[tuple[int, int]]
          ) -> tuple[int, int]:
    """Confirm each (ticket id, amount) from the dry run; (confirmed now, refused)."""
    confirmed = refused = 0
    for ticket_id, amount in pairs[:MAX_ROWS]:
        with ctx.db.read() as session:
            ticket = session.get(DepositTicket, ticket_id)
            same = ticket is not None and ticket.amount_to_transfer == amount
        if not same:
            refused += 1
            continue
        try:
            money.confirm_ticket(ctx, actor, ticket_id)
            confirmed += 1
        except money.ConsoleRefusal:
            refused += 1
    return confirmed, refused
