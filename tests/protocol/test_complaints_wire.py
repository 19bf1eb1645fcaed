"""The complaint schema both ends share: what a kiosk may send, what the feed carries."""

from __future__ import annotations

import pytest
from pulsa_protocol import complaints as cw
from pulsa_protocol import wire
from pydantic import ValidationError

REF = "3f1c2a9e-0000-4000-8000-000000000001"
ANSWER = {"step_id": 5, "complaint_id": "c" * 32, "ref_id": REF, "kind": "refund",
          "text": "Maaf", "refund": 10_350, "status": "answered",
          "answered_at": "2026-11-26T03:00:00Z"}


@pytest.mark.parametrize("body", [
    {"ref_id": REF, "reason": "other"},                        # "other" needs a note
    {"ref_id": REF, "reason": "other", "note": "   "},
    {"ref_id": REF, "reason": "lost"},                         # not a reason
    {"ref_id": REF, "reason": "not_received", "note": "a\nb"},  # control characters
    {"ref_id": REF, "reason": "not_received", "note": "x" * (cw.MAX_NOTE + 1)},
    {"ref_id": REF, "reason": "not_received", "sku": "TSEL10"},  # unknown fields refused
    {"ref_id": "bad ref", "reason": "not_received"},
    {"reason": "not_received"},
    {"ref_id": REF, "reason": "not_received", "created_at": "0001-01-01T00:00:00Z"},
])
def test_a_bad_complaint_is_refused(body: dict) -> None:
    with pytest.raises(ValidationError):
        cw.ComplaintFields.model_validate(body)


def test_a_good_complaint_and_the_answer_on_the_feed() -> None:
    fields = cw.ComplaintFields.model_validate({"ref_id": REF, "reason": "other",
                                                "note": "kuota tidak bertambah"})
    assert fields.reason is cw.ComplaintReason.OTHER
    page = {"changes": [{"seq": 1, "kind": "complaint", "created_at": "2026-11-26T03:00:00Z",
                         "complaint": ANSWER}], "next_cursor": 1, "has_more": False}
    answer = cw.ChangesPage.model_validate(page).changes[0].complaint
    assert answer is not None and answer.refund == 10_350 and answer.kind is cw.AnswerKind.REFUND
    plain = wire.ChangesPage.model_validate(page)  # a kiosk from before complaints skips it
    assert plain.changes[0].topup is None and plain.changes[0].ledger is None


@pytest.mark.parametrize("change", [{"refund": 10_350.0}, {"refund": "10350"},
                                    {"refund": -1}, {"kind": "gift"}, {"step_id": 0}])
def test_an_answer_with_money_or_kinds_out_of_the_rules_is_refused(change: dict) -> None:
    with pytest.raises(ValidationError):
        cw.ComplaintAnswer.model_validate({**ANSWER, **change})
