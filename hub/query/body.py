"""Reading the request body: bounded size, JSON only, validated against the schema."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request

from hub.errors import (
    InvalidQuery,
    MalformedRequest,
    UnsupportedMediaType,
    validation_problems,
)
from hub.kit.strict_json import check_json_media_type, loads_strict
from hub.kit.strict_route import read_bounded
from hub.query.schemas import QueryRequest


async def read_body(
    request: Request,
    *,
    limit: int,
    media_types: frozenset[str] = frozenset({"application/json"}),
    what: str = "queries are sent as application/json",
) -> bytes:
    """The request body, refused unread when its media type or size is wrong (415/413)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in media_types:
        raise UnsupportedMediaType(what)
    return await read_bounded(request, limit=limit)


async def read_query_body(request: Request, *, limit: int) -> bytes:
    """A query body: JSON in UTF-8 (415), at most ``limit`` bytes (413)."""
    check_json_media_type(request.headers.get("content-type"))
    return await read_body(request, limit=limit)


def parse_query(raw: bytes) -> QueryRequest:
    """The strict parse (400/415/422 naming the member), then the model (422)."""
    document = loads_strict(raw)
    if not isinstance(document, dict):
        raise MalformedRequest("the body must be a JSON object")
    try:
        return QueryRequest.model_validate(document)
    except ValidationError as error:
        problems = validation_problems(error.errors(include_input=False))
        detail = "; ".join(f"{p['pointer']}: {p['detail']}" for p in problems)
        raise InvalidQuery(detail, errors=problems) from error
