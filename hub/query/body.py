"""Reading the request body: bounded size, JSON only, validated against the schema."""

from __future__ import annotations

import orjson
from pydantic import ValidationError
from starlette.requests import Request

from hub.errors import (
    InvalidQuery,
    MalformedRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    validation_problems,
)
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
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the body may have at most {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body may have at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_query(raw: bytes) -> QueryRequest:
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedRequest("the body is not valid JSON") from error
    if not isinstance(document, dict):
        raise MalformedRequest("the body must be a JSON object")
    try:
        return QueryRequest.model_validate(document)
    except ValidationError as error:
        problems = validation_problems(error.errors(include_input=False))
        detail = "; ".join(f"{p['pointer']}: {p['detail']}" for p in problems)
        raise InvalidQuery(detail, errors=problems) from error
