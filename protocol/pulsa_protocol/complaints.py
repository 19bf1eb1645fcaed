"""Complaints (komplain): a kiosk complains about one of ITS top-ups; the desk answers.

Endpoints (signed like every ``/v1`` request, see :mod:`pulsa_protocol.wire`)
-------------------------------------------------------------------------------
- ``PUT /v1/complaints/{complaint_id}`` body :class:`ComplaintFields` -> :class:`Complaint`;
  201 filed, 200 when this kiosk already filed that ``complaint_id`` with the same
  ``ref_id`` and reason (filed exactly once, like a top-up's ref_id), 409
  ``complaint_conflict`` when it exists with another ``ref_id`` or reason, 404 ``not_found``
  when THIS kiosk has no top-up ``ref_id`` (another kiosk's top-up is never found), 422
  for a body that breaks the rules below. A refused filing writes nothing.
- ``GET /v1/complaints/{complaint_id}`` -> :class:`Complaint` (404 for another kiosk's).

The answers come back on the kiosk's change feed (``GET /v1/changes``): a row of ``kind``
``complaint`` carries a :class:`ComplaintAnswer` in ``complaint``. Read the feed with
:class:`ChangesPage` (the wire's page plus that field; a kiosk that reads the plain
:class:`pulsa_protocol.wire.ChangesPage` skips such rows). A refund to the deposit also
comes as its own ledger row (reason :data:`LEDGER_REASON`, reference
``complaint:{complaint_id}``), so the balance moves through the ledger exactly once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from pulsa_protocol import wire

COMPLAINT_KIND = "complaint"
"""``kind`` of a change-feed row that carries a :class:`ComplaintAnswer`."""
LEDGER_REASON = "complaint_refund"
"""Ledger reason of a refund the desk gives for a complaint."""
MAX_NOTE = 500
MAX_ANSWER = 1000


def ledger_reference(complaint_id: str) -> str:
    return f"complaint:{complaint_id}"


class ComplaintReason(StrEnum):
    NOT_RECEIVED = "not_received"      # "pulsa belum masuk"
    WRONG_NUMBER = "wrong_number"      # "salah nomor"
    TOKEN_UNUSABLE = "token_unusable"  # "token tidak bisa dipakai"
    OTHER = "other"                    # lainnya: the note says what


class ComplaintStatus(StrEnum):
    OPEN = "open"            # filed, waiting for the desk
    ANSWERED = "answered"    # the desk answered; it may answer again or close it
    CLOSED = "closed"        # done


class AnswerKind(StrEnum):
    TEXT = "text"        # a sentence from the desk
    SN = "sn"            # proof: the operator's serial number
    RESEND = "resend"    # the desk sent the top-up again at its own cost
    REFUND = "refund"    # the price back to the kiosk's deposit (a ledger row)
    CLOSED = "closed"    # the complaint is closed


ComplaintId = Annotated[str, Field(min_length=8, max_length=64,
                                   pattern=r"^[A-Za-z0-9._:\-]+$")]
Note = Annotated[str, Field(max_length=MAX_NOTE, pattern=wire.TEXT_PATTERN)]


class ComplaintFields(wire._Model):  # noqa: SLF001 - the wire's base model
    """Body of ``PUT /v1/complaints/{complaint_id}``: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    ref_id: wire.RefId
    reason: ComplaintReason
    note: Note = ""
    created_at: wire.WireTime | None = Field(default=None,
                                             description="when the clerk filed it")

    @model_validator(mode="after")
    def _other_needs_a_note(self) -> ComplaintFields:
        if self.reason is ComplaintReason.OTHER and not self.note.strip():
            raise ValueError("a complaint of reason 'other' needs a note saying what is wrong")
        return self


class ComplaintAnswer(wire._Model):  # noqa: SLF001
    """One step of the desk's answer, as the kiosk stores and prints it."""

    step_id: int = Field(ge=1, description="unique per server: the kiosk stores it once")
    complaint_id: str
    ref_id: str
    kind: AnswerKind
    text: str = Field(default="", max_length=MAX_ANSWER)
    sn: str = Field(default="", max_length=120)
    refund: wire.Rupiah = Field(default=0, ge=0, le=wire.MAX_RUPIAH)
    status: ComplaintStatus
    answered_at: datetime


class Complaint(wire._Model):  # noqa: SLF001
    complaint_id: str
    ref_id: str
    reason: ComplaintReason
    note: str = ""
    status: ComplaintStatus
    created_at: datetime
    answers: list[ComplaintAnswer] = Field(default_factory=list)


class Change(wire.Change):
    """A change-feed row as it is since complaints: ``complaint`` set for that kind."""

    complaint: ComplaintAnswer | None = None


class ChangesPage(wire.ChangesPage):
    changes: list[Change]
