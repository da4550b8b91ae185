"""The change format of mirrored registers: one JSON line is one change.

``upsert`` carries the whole record, validated exactly like a line of the import format;
``delete`` names the record by its id. Both carry the source's ``seq`` and ``changed_at``.
Errors name the line and the member, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from sqlalchemy.orm import InstrumentedAttribute

from adapters.errors import ImportRejected
from adapters.sql.importing import MAX_ERRORS, validation_message

RecordT = TypeVar("RecordT", bound=BaseModel)
RecordKey = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Seq = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    seq: Seq
    changed_at: AwareDatetime


class Upsert(_Change, Generic[RecordT]):
    op: Literal["upsert"]
    record: RecordT


class Delete(_Change):
    op: Literal["delete"]
    key: RecordKey


@dataclass(frozen=True, slots=True)
class Change:
    """A validated change: ``document`` is the record as stored (JSON form), None for deletes."""

    line: int
    seq: int
    changed_at: datetime
    key: str
    document: dict[str, Any] | None

    @property
    def is_delete(self) -> bool:
        return self.document is None


Rows = Mapping[Any, list[dict[str, Any]]]  # mapped table class -> rows to insert


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordKind:
    """What the shared feed code needs to know of one mirrored register.

    ``tables``: the record table first, then its child tables; ``key_columns`` the column
    of each that holds the record id (same order). ``protection`` names the protective
    marks of a record (Sperren, Sperrvermerke, ...): a change whose record carries a mark
    the stored record lacks is applied before every other queued change.
    """

    register: str
    key_name: str
    model: type[BaseModel]
    tables: tuple[Any, ...]
    key_columns: tuple[InstrumentedAttribute[str], ...]
    rows: Callable[[Mapping[str, Any]], Rows]
    protection: Callable[[Mapping[str, Any]], frozenset[str]]
    analyze: bool = False  # refresh planner statistics after large changes (SQLite, PG)


def _change_adapter(kind: RecordKind) -> TypeAdapter[Any]:
    upsert = Upsert[kind.model]  # type: ignore[name-defined]
    return TypeAdapter(Annotated[upsert | Delete, Field(discriminator="op")])


def _message(error: ValidationError) -> str:
    # The discriminated union puts the op in front of every location: drop it.
    text = validation_message(error)
    return text.replace("upsert.", "").replace("delete.", "")


def _to_change(number: int, parsed: Any, kind: RecordKind) -> Change:
    if isinstance(parsed, Delete):
        return Change(number, parsed.seq, parsed.changed_at, parsed.key, None)
    document = parsed.record.model_dump(mode="json")
    return Change(number, parsed.seq, parsed.changed_at, document[kind.key_name], document)


def parse_changes(lines: Iterable[str], kind: RecordKind) -> list[Change]:
    """Every line validated, ordered by seq; ``ImportRejected`` lists each bad line."""
    adapter = _change_adapter(kind)
    changes: list[Change] = []
    errors: list[tuple[int, str]] = []
    seen: dict[int, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            change = _to_change(number, adapter.validate_json(line), kind)
        except ValidationError as error:
            errors.append((number, _message(error)))
        else:
            if change.seq in seen:
                errors.append((number, f"seq: {change.seq} already on line {seen[change.seq]}"))
            seen[change.seq] = number
            changes.append(change)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ImportRejected(errors)
    return sorted(changes, key=lambda change: change.seq)
