"""Shifts and the cash drawer: open with a counted float, cash in and out with a reason,
close with the drawer counted (expected, counted, selisih). A sale belongs to the shift
open when it is written (a ``shift_sales`` row in the sale's own transaction, see
:func:`shift_for_sale`), so a close never misses a sale and never counts one twice.

Shops that do not use shifts turn :data:`SHIFTS_REQUIRED` off: each day then has one
implicit shift, opened by the day's first sale with no float.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from kiosk_pos.core import audit
from kiosk_pos.core.clock import Clock, db_text, from_db, local_date, utc_now
from kiosk_pos.core.errors import KioskError
from kiosk_pos.core.permissions import Permission, allowed, require
from kiosk_pos.core.records import TopUpStatus, User
from kiosk_pos.core.shift_figures import ShiftFigures, count_denominations, figures
from kiosk_pos.store import Database

SHIFTS_REQUIRED = "shifts.required"   # sales need an open shift (default: off)
BLIND_CLOSE = "shifts.blind_close"    # the clerk counts before seeing expected
DEFAULT_FLOAT = "shifts.default_float"  # the opening float the Shift screen suggests

_COLS = ("id, business_date, opened_at, opened_by, opening_float, implicit, closed_at, "
         "closed_by, expected, counted, blind, (SELECT name FROM users WHERE id = opened_by), "
         "(SELECT name FROM users WHERE id = closed_by)")
_OPEN = f"SELECT {_COLS} FROM shifts WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1"
_ONE = f"SELECT {_COLS} FROM shifts WHERE id = ?"
_LIST = f"SELECT {_COLS} FROM shifts ORDER BY id DESC LIMIT ?"
_OLDER = f"SELECT {_COLS} FROM shifts WHERE id < ? ORDER BY id DESC LIMIT ?"
_MINE = f"SELECT {_COLS} FROM shifts WHERE opened_by = ? AND id < ? ORDER BY id DESC LIMIT ?"
_INSERT = ("INSERT INTO shifts (business_date, opened_at, opened_by, opening_float, "
           "float_detail, implicit, blind) VALUES (?, ?, ?, ?, ?, ?, 0)")
_CLOSE = ("UPDATE shifts SET closed_at = ?, closed_by = ?, expected = ?, counted = ?, "
          "counted_detail = ?, blind = ? WHERE id = ? AND closed_at IS NULL")
_SETTING = "SELECT value FROM settings WHERE key = ?"
_MOVE = ("INSERT INTO cash_movements (shift_id, created_at, user_id, kind, amount, reason, "
         "reference) VALUES (?, ?, ?, ?, ?, ?, ?)")
_FAILED_LINE = ("SELECT t.status, l.qty * l.unit_price FROM topups t "
                "JOIN sale_lines l ON l.id = t.sale_line_id WHERE t.ref_id = ?")


@dataclass(frozen=True, slots=True)
class Shift:
    id: int
    business_date: date
    opened_at: datetime
    opened_by: str | None
    opening_float: int
    implicit: bool
    closed_at: datetime | None
    closed_by: str | None
    expected: int | None
    counted: int | None
    blind: bool
    opened_by_id: int | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None

    @property
    def difference(self) -> int | None:
        """Selisih: counted minus expected (negative: cash short)."""
        if self.counted is None or self.expected is None:
            return None
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """A shift with the figures behind its expected cash (the Z report)."""

    shift: Shift
    figures: ShiftFigures
    blind: bool = False  # a blind close is on and the reader may not see expected yet


def _dt(value: str | None) -> datetime | None:
    return from_db(datetime.fromisoformat(value)) if value else None


def _shift(row: tuple) -> Shift:
    (i, day, opened, by_id, flt, implicit, closed, _closed_by, expected, counted, blind,
     by, closed_by) = row
    return Shift(i, date.fromisoformat(day), _dt(opened), by, flt, bool(implicit),  # type: ignore[arg-type]
                 _dt(closed), closed_by, expected, counted, bool(blind), by_id)


def _setting(cur: sqlite3.Cursor, key: str) -> bool:
    row = cur.execute(_SETTING, (key,)).fetchone()
    return bool(json.loads(row[0])) if row else False


def _open_implicit(cur: sqlite3.Cursor, now: datetime, day: date) -> int:
    return cur.execute(_INSERT, (day.isoformat(), db_text(now), None, 0, None, 1)).lastrowid


def _close_row(cur: sqlite3.Cursor, shift_id: int, user_id: int | None, now: datetime,
               counted: int | None, detail: dict[int, int] | None, blind: bool) -> int:
    expected = figures(cur, shift_id).expected
    cur.execute(_CLOSE, (db_text(now), user_id, expected, counted,
                         json.dumps(detail) if detail else None, int(blind), shift_id))
    return expected


def shift_for_sale(cur: sqlite3.Cursor, now: datetime, day: date) -> int:
    """The shift a sale being written now belongs to, inside the sale's transaction.
    With shifts required and none open: "buka shift dulu". Without shifts: the day's
    implicit shift (yesterday's, still open, is closed uncounted)."""
    row = cur.execute(_OPEN).fetchone()
    current = _shift(row) if row else None
    if _setting(cur, SHIFTS_REQUIRED):
        if current is None:
            raise KioskError("error.shift_not_open")
        return current.id
    if current is not None and not (current.implicit and current.business_date != day):
        return current.id
    if current is not None:  # yesterday's implicit shift
        _close_row(cur, current.id, None, now, None, None, False)
    return _open_implicit(cur, now, day)


class ShiftService:
    def __init__(self, db: Database, timezone: Callable[[], str], clock: Clock = utc_now) -> None:
        self._db = db
        self._timezone = timezone
        self._clock = clock

    # -- reading --------------------------------------------------------------------------
    def current(self) -> Shift | None:
        with self._db.read_raw() as cur:
            row = cur.execute(_OPEN).fetchone()
        return _shift(row) if row else None

    def report(self, user: User | None, shift_id: int | None = None) -> ShiftReport:
        """A shift's Z report (default: the open one, else the last). A clerk sees only
        their own shifts; a blind close hides expected from them until it is closed."""
        require(user, Permission.OPEN_SHIFT)
        with self._db.read_raw() as cur:
            row = cur.execute(_ONE, (shift_id,)).fetchone() if shift_id is not None else (
                cur.execute(_OPEN).fetchone() or cur.execute(_LIST, (1,)).fetchone())
            if row is None:
                raise KioskError("error.shift_unknown" if shift_id else "error.no_shift")
            shift = _shift(row)
            self._own(user, shift)
            blind = (shift.open and _setting(cur, BLIND_CLOSE)
                     and not allowed(user, Permission.VIEW_SHIFTS))
            return ShiftReport(shift, figures(cur, shift.id), blind)

    def list(self, user: User | None, limit: int = 50, before: int | None = None
             ) -> list[Shift]:
        """The newest ``limit`` shifts (older than shift ``before``, for the next page); a
        clerk's list keeps only their own."""
        require(user, Permission.OPEN_SHIFT)
        with self._db.read_raw() as cur:
            if not allowed(user, Permission.VIEW_SHIFTS):  # a clerk: a full page of their own
                rows = cur.execute(_MINE, (user.id, before if before is not None  # type: ignore[union-attr]
                                           else 2**62, limit)).fetchall()
            elif before is None:
                rows = cur.execute(_LIST, (limit,)).fetchall()
            else:
                rows = cur.execute(_OLDER, (before, limit)).fetchall()
        return [_shift(r) for r in rows]

    def required(self) -> bool:
        with self._db.read_raw() as cur:
            return _setting(cur, SHIFTS_REQUIRED)

    def blind_close(self) -> bool:
        with self._db.read_raw() as cur:
            return _setting(cur, BLIND_CLOSE)

    def default_float(self) -> int:
        """The opening float the Shift screen suggests (0: none)."""
        with self._db.read_raw() as cur:
            row = cur.execute(_SETTING, (DEFAULT_FLOAT,)).fetchone()
        return int(json.loads(row[0])) if row else 0

    # -- changing -------------------------------------------------------------------------
    def configure(self, user: User | None, *, required: bool | None = None,
                  blind: bool | None = None, default_float: int | None = None) -> None:
        require(user, Permission.SHIFT_SETTINGS)
        from kiosk_pos.core.settings import put

        if default_float is not None and default_float < 0:
            raise KioskError("error.amount_negative")
        with self._db.write() as conn:
            if default_float is not None:
                put(conn, DEFAULT_FLOAT, default_float)
            if required is not None:
                put(conn, SHIFTS_REQUIRED, required)
            if blind is not None:
                put(conn, BLIND_CLOSE, blind)
        audit.note(self._db, "shift.settings", user, self._clock, required=required,
                   blind=blind, default_float=default_float)

    def open(self, user: User | None, opening_float: int | None = None,
             denominations: dict[int, int] | None = None) -> Shift:
        require(user, Permission.OPEN_SHIFT)
        amount = self._amount(opening_float, denominations)
        now = self._clock()
        day = local_date(now, self._timezone())
        with self._db.write_raw() as cur:
            row = cur.execute(_OPEN).fetchone()
            if row is not None:
                current = _shift(row)
                if not current.implicit:
                    raise KioskError("error.shift_already_open", id=current.id,
                                     name=current.opened_by or "-")
                _close_row(cur, current.id, user.id, now, None, None, False)  # type: ignore[union-attr]
            shift_id = cur.execute(_INSERT, (
                day.isoformat(), db_text(now), user.id, amount,  # type: ignore[union-attr]
                json.dumps(denominations) if denominations else None, 0)).lastrowid
            audit.record(cur, "shift.opened", user, now, shift=shift_id, opening_float=amount)
            return _shift(cur.execute(_ONE, (shift_id,)).fetchone())

    def cash(self, user: User | None, kind: str, amount: int, reason: str) -> int:
        """Kas masuk (``in``) or kas keluar (``out``) with a reason; returns the row's id."""
        require(user, Permission.CASH_MOVEMENT)
        if kind not in ("in", "out"):
            raise ValueError(kind)
        if amount <= 0:
            raise KioskError("error.amount_positive")
        if not reason.strip():
            raise KioskError("error.reason_required")
        return self._move(user, kind, amount, reason.strip(), None)  # type: ignore[arg-type]

    def pay_back_failed_topup(self, user: User | None, ref_id: str) -> int:
        """The clerk confirms handing back the money of a failed top-up: it leaves the
        drawer in this shift's figures (once per top-up)."""
        require(user, Permission.SELL)
        with self._db.read_raw() as cur:
            row = cur.execute(_FAILED_LINE, (ref_id,)).fetchone()
        if row is None:
            raise KioskError("error.topup_unknown", ref_id=ref_id)
        if row[0] != TopUpStatus.FAILED.value:
            raise KioskError("error.topup_not_failed")
        return self._move(user, "topup_payback", row[1], "topup_failed", ref_id)  # type: ignore[arg-type]

    def _move(self, user: User, kind: str, amount: int, reason: str, ref: str | None) -> int:
        now = self._clock()
        with self._db.write_raw() as cur:
            shift_id = self._shift_now(cur, now)
            if ref is not None and cur.execute(
                    "SELECT 1 FROM cash_movements WHERE reference = ?", (ref,)).fetchone():
                raise KioskError("error.topup_paid_back")
            move_id = cur.execute(_MOVE, (shift_id, db_text(now), user.id, kind, amount,
                                          reason, ref)).lastrowid
            audit.record(cur, f"cash.{kind}", user, now, shift=shift_id, amount=amount,
                         reason=reason, reference=ref)
        return move_id

    def _shift_now(self, cur: sqlite3.Cursor, now: datetime) -> int:
        return shift_for_sale(cur, now, local_date(now, self._timezone()))

    def close(self, user: User | None, counted: int | None = None,
              denominations: dict[int, int] | None = None) -> ShiftReport:
        """Close the open shift with the drawer counted; the report holds expected, counted
        and the selisih. Closing another person's shift is a supervisor's."""
        require(user, Permission.OPEN_SHIFT)
        amount = self._amount(counted, denominations)
        now = self._clock()
        with self._db.write_raw() as cur:
            row = cur.execute(_OPEN).fetchone()
            if row is None:
                raise KioskError("error.no_open_shift")
            shift = _shift(row)
            self._own(user, shift)
            blind = _setting(cur, BLIND_CLOSE)
            expected = _close_row(cur, shift.id, user.id, now, amount,  # type: ignore[union-attr]
                                  denominations, blind)
            audit.record(cur, "shift.closed", user, now, shift=shift.id, expected=expected,
                         counted=amount, difference=amount - expected)
            closed = _shift(cur.execute(_ONE, (shift.id,)).fetchone())
            return ShiftReport(closed, figures(cur, shift.id))

    # -- helpers --------------------------------------------------------------------------
    @staticmethod
    def _own(user: User | None, shift: Shift) -> None:
        if shift.opened_by_id not in (None, user.id):  # type: ignore[union-attr]
            require(user, Permission.VIEW_SHIFTS)

    @staticmethod
    def _amount(total: int | None, denominations: dict[int, int] | None) -> int:
        if denominations:
            counted = count_denominations(denominations)
            if total is not None and total != counted:
                raise KioskError("error.count_mismatch", total=total, counted=counted)
            return counted
        if total is None:
            raise KioskError("error.amount_required")
        if total < 0:
            raise KioskError("error.amount_negative")
        return total
