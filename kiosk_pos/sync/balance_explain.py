"""Explaining the gap between the kiosk's deposit balance and the distributor's.

Every difference is explained by ledger rows: rows the kiosk has without a counterpart at
the distributor (e.g. a queued top-up not accepted yet), rows the distributor has that the
kiosk lacks (a confirmed deposit ticket not yet pulled), and pairs whose amounts differ.
Pure functions over both ledgers; :mod:`kiosk_pos.sync.reconcile` reads them and reports.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from pulsa_protocol import wire

from kiosk_pos.core import deposit
from kiosk_pos.i18n import tr

# local ledger reasons -> the server's, for pairing rows by (reason, reference)
_KEYED = {deposit.REASON_TOPUP: "topup", deposit.REASON_TOPUP_REFUND: "refund"}
_MONEY_IN_LOCAL = {deposit.REASON_OPENING, deposit.REASON_DEPOSIT, deposit.REASON_ADJUST}
_MONEY_IN_SERVER = {wire.LedgerReason.DEPOSIT.value, wire.LedgerReason.DEPOSIT_TICKET.value,
                    wire.LedgerReason.CORRECTION.value}


@dataclass(frozen=True, slots=True)
class BalanceDifference:
    """A ledger row (or pair) behind the gap between the two balances.

    ``side``: ``local`` (only in the kiosk's ledger), ``server`` (only in the distributor's)
    or ``amount`` (in both, amounts differ). ``amount`` is the row's effect on
    local balance minus server balance.
    """

    side: str
    reason: str
    reference: str
    amount: int
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"side": self.side, "reason": self.reason, "reference": self.reference,
                "amount": self.amount, "note": self.note}


def _note(side: str, reason: str, queued: bool = False) -> str:
    if side == "local" and reason == deposit.REASON_TOPUP and queued:
        return tr("reconcile.note.local_queued")
    key = f"reconcile.note.{side}.{reason}"
    text = tr(key)
    return text if text != key else tr(f"reconcile.note.{side}")


def explain_balances(local_rows: list[tuple[int, str, str | None, int | None]],
                     server_rows: list[wire.LedgerEntry], waiting: set[str]
                     ) -> list[BalanceDifference]:
    """Pair the two ledgers; return what is left over (effects on local minus server).

    ``local_rows`` are (amount, reason, reference, server_seq); ``waiting`` the ref_ids of
    top-ups the distributor has not accepted yet.
    """
    by_seq = {e.seq: e for e in server_rows}
    paired_seqs: set[int] = set()
    leftovers: list[tuple[int, str, str | None]] = []
    keyed_local: dict[tuple[str, str], deque[int]] = defaultdict(deque)
    money_local: list[tuple[int, str, str | None]] = []
    diffs: list[BalanceDifference] = []
    for amount, reason, reference, seq in local_rows:
        if seq is not None and seq in by_seq and seq not in paired_seqs:
            paired_seqs.add(seq)
            other = by_seq[seq]
            if other.amount != amount:
                diffs.append(BalanceDifference("amount", reason, reference or "",
                                               amount - other.amount, _note("amount", reason)))
            continue
        if reason in _KEYED and reference:
            keyed_local[(_KEYED[reason], reference)].append(amount)
        elif reason in _MONEY_IN_LOCAL:
            money_local.append((amount, reason, reference))
        else:
            leftovers.append((amount, reason, reference))
    money_server: dict[int, deque[wire.LedgerEntry]] = defaultdict(deque)
    for entry in server_rows:
        if entry.seq in paired_seqs:
            continue
        key = (entry.reason, entry.reference)
        if entry.reason in ("topup", "refund") and keyed_local.get(key):
            amount = keyed_local[key].popleft()
            if amount != entry.amount:
                local_reason = "topup" if entry.reason == "topup" else deposit.REASON_TOPUP_REFUND
                diffs.append(BalanceDifference("amount", local_reason, entry.reference,
                                               amount - entry.amount,
                                               _note("amount", local_reason)))
            continue
        if entry.reason in _MONEY_IN_SERVER:
            money_server[entry.amount].append(entry)
            continue
        diffs.append(BalanceDifference("server", entry.reason, entry.reference, -entry.amount,
                                       _note("server", entry.reason)))
    for amount, reason, reference in money_local:
        if money_server.get(amount):
            money_server[amount].popleft()
            continue
        leftovers.append((amount, reason, reference))
    for (reason, reference), amounts in keyed_local.items():
        local_reason = deposit.REASON_TOPUP if reason == "topup" else deposit.REASON_TOPUP_REFUND
        for amount in amounts:
            leftovers.append((amount, local_reason, reference))
    for amount, reason, reference in leftovers:
        diffs.append(BalanceDifference("local", reason, reference or "", amount,
                                       _note("local", reason, (reference or "") in waiting)))
    for entries in money_server.values():
        for entry in entries:
            diffs.append(BalanceDifference("server", entry.reason, entry.reference,
                                           -entry.amount, _note("server", entry.reason)))
    return _fold(diffs)


OPENING_REFERENCE = "sync:opening"  # the sync's one-time alignment of the opening balance


def _fold(diffs: list[BalanceDifference]) -> list[BalanceDifference]:
    """Net rows that belong together, and drop what nets to zero.

    - an ``adjust`` row the ledger mirror wrote for a top-up whose server amount differed
      joins that top-up's ``amount`` difference;
    - the local opening balance and the sync's opening alignment are one story.
    """
    amount_refs = {d.reference for d in diffs if d.side == "amount" and d.reference}
    folded: dict[str, int] = defaultdict(int)
    opening = 0
    kept: list[BalanceDifference] = []
    for d in diffs:
        if d.side == "local" and d.reason == deposit.REASON_ADJUST and d.reference in amount_refs:
            folded[d.reference] += d.amount
        elif d.side == "amount":
            folded[d.reference] += d.amount
        elif d.side == "local" and (d.reason == deposit.REASON_OPENING
                                    or d.reference == OPENING_REFERENCE):
            opening += d.amount
        else:
            kept.append(d)
    kept = _net_by_reference(kept)
    out = [BalanceDifference("amount", deposit.REASON_TOPUP, ref, amount,
                             _note("amount", deposit.REASON_TOPUP))
           for ref, amount in folded.items() if amount]
    if opening:
        out.append(BalanceDifference("local", deposit.REASON_OPENING, OPENING_REFERENCE,
                                     opening, _note("local", deposit.REASON_OPENING)))
    return out + kept


def _net_by_reference(diffs: list[BalanceDifference]) -> list[BalanceDifference]:
    """One row per top-up and side: a debit and its refund on the same side net out."""
    groups: dict[tuple[str, str], list[BalanceDifference]] = defaultdict(list)
    order: list[tuple[str, str] | int] = []
    for i, d in enumerate(diffs):
        if d.reference and d.reason in ("topup", "refund"):
            key = (d.side, d.reference)
            if key not in groups:
                order.append(key)
            groups[key].append(d)
        else:
            order.append(i)
    out: list[BalanceDifference] = []
    for key in order:
        if isinstance(key, int):
            out.append(diffs[key])
            continue
        rows = groups[key]
        total = sum(d.amount for d in rows)
        if len(rows) == 1:
            out.append(rows[0])
        elif total:
            out.append(BalanceDifference(rows[0].side, rows[-1].reason, rows[0].reference,
                                         total, rows[-1].note))
    return out
