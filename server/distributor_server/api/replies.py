"""A wire model as the JSON reply, serialised once by pydantic.

``JSONResponse(content=model.model_dump(mode="json"))`` built a dict of the model and then
ran it through ``json.dumps``; ``model_dump_json`` writes the same bytes straight from the
model (compact separators, UTF-8, non-ASCII unescaped, the same datetime text), at a
fraction of the cost (issue 14: a submit's reply)."""

from __future__ import annotations

from fastapi.responses import Response
from pydantic import BaseModel


def json_reply(model: BaseModel, status: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code=status, media_type="application/json")
