"""Shared parts of all-or-nothing JSON Lines imports (CONTRACT §5) for mirrored registers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pydantic import ValidationError

from adapters.errors import ImportRejected

MAX_ERRORS = 100
BATCH_SIZE = 5_000

R = TypeVar("R")
NumberedRecords = list[tuple[int, R]]


def validation_message(error: ValidationError) -> str:
    """Name the offending members without echoing the (personal) input values."""
    parts = []
    for detail in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in detail["loc"]) or "(line)"
        parts.append(f"{location}: {detail['msg']}")
    return "; ".join(parts)


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
            record = parse(line)
        except ValidationError as error:
            errors.append((number, validation_message(error)))
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
