"""Shared parts of all-or-nothing JSON Lines imports for mirrored registers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pydantic import ValidationError

from adapters.errors import ImportRejected
from adapters.text import nfc, refused_character

MAX_ERRORS = 100
BATCH_SIZE = 5_000

R = TypeVar("R")


def validation_message(error: ValidationError) -> str:
    """Name the offending members without echoing the (personal) input values."""
    parts = []
    for detail in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in detail["loc"]) or "(line)"
        parts.append(f"{location}: {detail['msg']}")
    return "; ".join(parts)


class _RefusedText(ValueError):
    pass


def _clean_strings(node: Any) -> Any:
    if isinstance(node, str):
        if (refused := refused_character(node, multiline=True)) is not None:
            raise _RefusedText(f"{refused} is not accepted")
        return nfc(node)
    if isinstance(node, list):
        return [_clean_strings(item) for item in node]
    if isinstance(node, dict):
        return {_clean_strings(key): _clean_strings(value) for key, value in node.items()}
    return node


def clean_line(line: str) -> str:
    """The line with its text in NFC; ``_RefusedText`` for control, format or surrogates.

    JSON syntax is ASCII, so the raw line is checked and normalised as a whole; only a line
    with unicode escapes (they can spell any character) needs its strings decoded.
    """
    if "\\u" in line:
        try:
            document = json.loads(line)
        except ValueError:
            return line  # the record parser names the syntax error
        return json.dumps(_clean_strings(document), ensure_ascii=False)
    if (refused := refused_character(line, multiline=True)) is not None:
        raise _RefusedText(f"{refused} is not accepted")
    return nfc(line)


def parse_numbered(
    lines: Iterable[str], *, parse: Callable[[str], R], key: Callable[[R], str], key_name: str
) -> list[tuple[int, R]]:
    """Validate every line; raise ``ImportRejected`` listing each bad line by its number."""
    records: list[tuple[int, R]] = []
    errors: list[tuple[int, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse(clean_line(line))
        except ValidationError as error:
            errors.append((number, validation_message(error)))
        except _RefusedText as error:
            errors.append((number, str(error)))
        else:
            if key(record) in seen:
                errors.append((number, f"{key_name}: duplicate {key(record)!r} in file"))
            seen.add(key(record))
            records.append((number, record))
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return records


def batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch
