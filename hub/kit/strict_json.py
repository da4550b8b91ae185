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
from hub.errors import InvalidCharacters, MalformedRequest, UnsupportedMediaType

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


def _pointer(parent: str, member: str | int) -> str:
    """RFC 6901 pointer of ``member`` below ``parent``."""
    return f"{parent}/{str(member).replace('~', '~0').replace('/', '~1')}"


def _clean_text(value: str, pointer: str, *, multiline: bool) -> str:
    refused = refused_character(value, multiline=multiline)
    if refused is not None:
        raise InvalidCharacters(
            f"{pointer or '/'}: {refused} is not accepted",
            errors=[{"pointer": pointer, "detail": f"{refused} is not accepted"}],
        )
    return nfc(value)


def _settle(node: Any, pointer: str, depth: int) -> Any:
    """Members become dicts (each name once), strings NFC, and depth is bounded."""
    if isinstance(node, str):
        return _clean_text(node, pointer, multiline=True)
    if not isinstance(node, list):
        return node  # numbers, booleans, null: already checked by the decoder hooks
    if depth >= MAX_DEPTH:
        raise MalformedRequest(
            f"{pointer}: the body is nested deeper than {MAX_DEPTH} levels",
            errors=[{"pointer": pointer, "detail": f"nested deeper than {MAX_DEPTH} levels"}],
        )
    if not isinstance(node, _Members):
        return [_settle(item, _pointer(pointer, at), depth + 1) for at, item in enumerate(node)]
    members: dict[str, Any] = {}
    for raw_name, value in node:
        member = _pointer(pointer, raw_name)
        name = _clean_text(raw_name, member, multiline=False)
        if name in members:
            raise MalformedRequest(
                f"{member}: the member appears twice",
                errors=[{"pointer": member, "detail": "the member appears twice"}],
            )
        members[name] = _settle(value, _pointer(pointer, name), depth + 1)
    return members


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
    return _settle(document, "", 0)
