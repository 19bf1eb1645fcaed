"""The replies are serialised straight from the wire models (issue 14); the bytes on the
wire stay exactly what ``JSONResponse`` made of the same model before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from distributor_server.api.replies import json_reply
from fastapi.responses import JSONResponse
from pulsa_protocol import wire


def _topup(**changes: object) -> wire.TopUp:
    fields: dict[str, object] = {
        "ref_id": "r-1", "sku": "TSEL10", "destination": "081234567890", "price": 10_500,
        "status": "success", "sn": "SN 123/ü", "created_at": datetime(2026, 1, 2, 3, 4, 5,
                                                                      678901, tzinfo=UTC),
        "updated_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=7))),
        "kiosk_created_at": None}
    fields.update(changes)
    return wire.TopUp(**fields)


def test_a_reply_has_the_bytes_json_response_gave_it():
    odd = "Pulsa \u00e9\u4e2d\u2028 \"quoted\" back\\slash \n\t\x01\x7f </script> 😀"
    models = [
        _topup(),
        _topup(message=odd, sn=odd),
        wire.TopUpBatchResponse(balance=0, results=[
            wire.TopUpItemResult(ref_id="a", code="created", http_status=201,
                                 message=odd, topup=_topup()),
            wire.TopUpItemResult(ref_id="b", code="unknown_sku", http_status=422)]),
        wire.TransactionList(topups=[]),
    ]
    for model in models:
        before = JSONResponse(status_code=201, content=model.model_dump(mode="json"))
        after = json_reply(model, 201)
        assert after.body == before.body
        assert after.status_code == 201
        assert after.headers["content-type"] == before.headers["content-type"]
        assert after.headers["content-length"] == before.headers["content-length"]
