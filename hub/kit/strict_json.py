"""Every JSON body the hub reads is parsed here, once, strictly, before any model sees it.

RFC 8259 leaves room that an attacker uses: other encodings, duplicate members (which one
counts?), ``NaN``, numbers no integer type holds, nesting deep enough to exhaust a stack.
This reader refuses all of them with a problem naming the member, and hands the models text
in one normal form (NFC) without control, format or surrogate characters.
"""

from __future__ import annotations

import json
import math
from typing import Any

from adapters.text import nfc, refused_character
from hub.errors import HubError, InvalidCharacters, MalformedRequest, UnsupportedMediaType

MAX_DEPTH = 32
# 19 digits hold every 64-bit integer; longer literals are refused, not rounded.
MAX_NUMBER_LENGTH = 24
JSON_MEDIA_TYPE = "application/json"
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
# RFC 8259 §8.1: JSON exchanged between systems is UTF-8, without a byte order mark.
_FOREIGN_MARKS = (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe")


class _Refused(ValueError):
    """Raised inside the decoder's hooks; carries the problem to raise outside it."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Members(list[tuple[str, Any]]):
    """An object's members in document order, duplicates kept until they are checked."""


def check_json_media_type(content_type: str | None) -> None:
    """``application/json``, no charset or UTF-8 (415 otherwise, whatever the bytes are)."""
    media_type, _, parameters = (content_type or "").partition(";")
    if media_type.strip().lower() != JSON_MEDIA_TYPE:
        raise UnsupportedMediaType(f"the body must be sent as {JSON_MEDIA_TYPE}")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            _UTF8_NAMES
        ):
            raise UnsupportedMediaType("JSON bodies are UTF-8 (RFC 8259 §8.1); no other charset")


def _decode_utf8(raw: bytes) -> str:
    # UTF-16/32 put a NUL byte in the first four of any JSON text; UTF-8 never does.
    if raw.startswith(_FOREIGN_MARKS) or b"\x00" in raw[:4]:
        raise UnsupportedMediaType("JSON bodies are UTF-8 without a byte order mark")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedRequest(f"the body is not valid UTF-8 (byte {error.start})") from error


def _integer(literal: str) -> int:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number has more than {MAX_NUMBER_LENGTH} characters")
    return int(literal)


def _real(literal: str) -> float:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise _Refused(f"a number has more than {MAX_NUMBER_LENGTH} characters")
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused("a number is out of range")
    return value


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not JSON (RFC 8259 §6)")


_DECODER = json.JSONDecoder(
    object_pairs_hook=_Members,
    parse_int=_integer,
    parse_float=_real,
    parse_constant=_constant,
)


def _pointer(parts: list[str | int]) -> str:
    """RFC 6901 pointer of the member at ``parts`` (outermost first)."""
    return "".join(f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in parts)


class _Unsettled(Exception):
    """Raised where a member is refused; each level adds its name on the way out.

    Pointers are built only for a refusal, so a clean document costs no string work.
    """

    def __init__(self, problem: type[HubError], detail: str) -> None:
        super().__init__(detail)
        self.problem, self.detail = problem, detail
        self.parts: list[str | int] = []

    def as_problem(self) -> HubError:
        pointer = _pointer(self.parts[::-1])
        return self.problem(
            f"{pointer or '/'}: {self.detail}",
            errors=[{"pointer": pointer, "detail": self.detail}],
        )


def _clean_text(value: str, *, multiline: bool) -> str:
    if value.isascii() and value.isprintable():
        return value
    refused = refused_character(value, multiline=multiline)
    if refused is not None:
        raise _Unsettled(InvalidCharacters, f"{refused} is not accepted")
    return nfc(value)


def _settle(node: Any, depth: int) -> Any:
    """Members become dicts (each name once), strings NFC, and depth is bounded."""
    if isinstance(node, str):
        return _clean_text(node, multiline=True)
    if not isinstance(node, list):
        return node  # numbers, booleans, null: already checked by the decoder hooks
    if depth >= MAX_DEPTH:
        raise _Unsettled(MalformedRequest, f"nested deeper than {MAX_DEPTH} levels")
    if not isinstance(node, _Members):
        return [_settle_item(item, at, depth) for at, item in enumerate(node)]
    members: dict[str, Any] = {}
    for raw_name, value in node:
        name = _settle_item(raw_name, raw_name, depth, name=True)
        if name in members:
            problem = _Unsettled(MalformedRequest, "the member appears twice")
            problem.parts.append(name)
            raise problem
        members[name] = _settle_item(value, name, depth)
    return members


def _settle_item(node: Any, at: str | int, depth: int, *, name: bool = False) -> Any:
    try:
        if name:
            return _clean_text(node, multiline=False)
        return _settle(node, depth + 1)
    except _Unsettled as problem:
        problem.parts.append(at)
        raise


def loads_strict(raw: bytes) -> Any:
    """The document in ``raw``, or a 400/415/422 problem naming what is wrong."""
    text = _decode_utf8(raw)
    try:
        document = _DECODER.decode(text)
    except _Refused as error:
        raise MalformedRequest(error.detail) from error
    except json.JSONDecodeError as error:
        raise MalformedRequest(
            f"the body is not valid JSON ({error.msg} at character {error.pos})"
        ) from error
    except RecursionError as error:
        raise MalformedRequest(f"the body is nested deeper than {MAX_DEPTH} levels") from error
    try:
        return _settle(document, 0)
    except _Unsettled as problem:
        raise problem.as_problem() from None
