"""The route class of every ``/v1`` router whose refusals need no ledger entry of their own.

Before FastAPI reads anything: path and query parameters and ``X-User-Id`` hold no refused
character (a NUL reaches PostgreSQL as an error, a bidi override reaches the DPO's screen),
and a JSON body is read within the size limit and parsed once by :mod:`hub.kit.strict_json`;
FastAPI's own (lenient) ``json.loads`` then never runs.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import params
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from adapters.text import refused_character
from hub.errors import InvalidCharacters, PayloadTooLarge
from hub.kit.strict_json import check_json_media_type, loads_strict
from hub.state import hub_state

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
# Headers whose value the hub keeps (in the ledger); the others it only compares.
_DATA_HEADERS = ("x-user-id",)


class ParsedJsonRequest(Request):
    """A request whose body was read and parsed already (FastAPI asks for both)."""

    def __init__(self, request: Request, *, raw: bytes, document: Any) -> None:
        super().__init__(request.scope, request.receive)
        self._raw = raw
        self._document = document

    async def body(self) -> bytes:
        return self._raw

    async def json(self) -> Any:
        return self._document


def _refuse(where: str, name: str, refused: str) -> InvalidCharacters:
    pointer = f"/{where}/{name}" if name else f"/{where}"
    return InvalidCharacters(
        f"{pointer}: {refused} is not accepted",
        errors=[{"pointer": pointer, "detail": f"{refused} is not accepted"}],
    )


def check_parameters(request: Request) -> None:
    """422 naming the first path or query parameter (or data header) with a refused character."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and (refused := refused_character(value)) is not None:
            raise _refuse("path", name, refused)
    for name, value in request.query_params.multi_items():
        if (refused := refused_character(name)) is not None:
            raise _refuse("query", "", f"a parameter name: {refused}")  # never echo it
        if (refused := refused_character(value)) is not None:
            raise _refuse("query", name, refused)
    for name in _DATA_HEADERS:
        value = request.headers.get(name)
        if value is not None and (refused := refused_character(value)) is not None:
            raise _refuse("header", name, refused)


async def read_bounded(request: Request, *, limit: int) -> bytes:
    """The body, refused (413) as soon as it is declared or turns out larger than ``limit``."""
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


async def parsed_json_request(request: Request) -> ParsedJsonRequest:
    """Media type (415), size (413), then the strict parse (400/415/422)."""
    check_json_media_type(request.headers.get("content-type"))
    raw = await read_bounded(request, limit=hub_state(request).settings.max_body_bytes)
    return ParsedJsonRequest(request, raw=raw, document=loads_strict(raw))


def _without_body(request: Request) -> bool:
    """No body sent at all: an optional body may then be left out (no media type needed)."""
    headers = request.headers
    return headers.get("content-length", "0") == "0" and "transfer-encoding" not in headers


class StrictRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        body = self.body_field
        reads_json = body is not None and not isinstance(body.field_info, params.Form)
        optional = reads_json and body is not None and not body.field_info.is_required()

        async def strict_handler(request: Request) -> Response:
            check_parameters(request)
            if reads_json and not (optional and _without_body(request)):
                request = await parsed_json_request(request)
            return await handler(request)

        return strict_handler
