"""The steward's forms: posted fields in, the catalogue API's request bodies out, or a message.

The bodies are the API's own pydantic models (hub/catalogue/schemas.py), so a form accepts
exactly what the API accepts; a refusal names the form field and what is wrong with it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hub.catalogue.schemas import (
    AllowancePatch,
    DatasetPatch,
    DatasetStewardPut,
    FieldPatch,
    PurposePatch,
)

RELEASE_ACTIONS = {"approve": "approved", "revoke": "revoked"}
_SPLIT = re.compile(r"[\s,;]+")
_PAIRS = re.compile(r"[,;\n]+")
M = TypeVar("M", bound=BaseModel)


class FormRefused(ValueError):
    """The form's input cannot become a catalogue write; ``str()`` says why."""


def _message(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(item) for item in problem["loc"]) or "form"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def _build(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormRefused(_message(error)) from None


def release(action: str, reason: str) -> FieldPatch:
    status = RELEASE_ACTIONS.get(action)
    if status is None:
        raise FormRefused("action: approve or revoke")
    return _build(FieldPatch, {"status": status, "reason": reason.strip()})


def owner(owner_office: str, reason: str) -> DatasetPatch:
    office = owner_office.strip()
    if not office:
        raise FormRefused("owner_office: name the office that owns the dataset")
    return _build(DatasetPatch, {"owner_office": office, "reason": reason.strip()})


def steward_link(responsibility: str, reason: str) -> DatasetStewardPut:
    return _build(DatasetStewardPut, {"responsibility": responsibility, "reason": reason.strip()})


def reason_only(reason: str) -> str:
    text = reason.strip()
    if len(text) < 3:  # noqa: PLR2004 - the API's Reason: 3 to 2000 characters
        raise FormRefused("reason: at least 3 characters")
    if len(text) > 2000:  # noqa: PLR2004
        raise FormRefused("reason: at most 2000 characters")
    return text


def _day(name: str, raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormRefused(f"{name}: not a date (YYYY-MM-DD)") from None


def transforms(raw: str) -> dict[str, str]:
    """``birth: year_month, addresses: district`` -> ``{"birth": "year_month", ...}``."""
    pairs: dict[str, str] = {}
    for item in _PAIRS.split(raw.strip()):
        if not item.strip():
            continue
        field, sep, name = item.partition(":")
        if not sep or not field.strip() or not name.strip():
            raise FormRefused(f"transforms: write field: transformation, not {item.strip()!r}")
        pairs[field.strip()] = name.strip()
    return pairs


def allowance(
    *,
    fields: str,
    transform_text: str,
    valid_from: str,
    valid_to: str,
    approval_reference: str,
    reason: str,
) -> AllowancePatch:
    """Fields separated by commas or blanks; empty dates leave the window open on that side."""
    names = [name for name in _SPLIT.split(fields.strip()) if name]
    data: dict[str, Any] = {
        "fields": names,
        "transforms": transforms(transform_text),
        "valid_from": _day("valid_from", valid_from),
        "valid_to": _day("valid_to", valid_to),
        "reason": reason.strip(),
    }
    if approval_reference.strip():
        data["approval_reference"] = approval_reference.strip()
    return _build(AllowancePatch, data)


def archive_exceptions(codes: list[str], reason: str) -> PurposePatch:
    """The ticked BMG §13 Abs. 2 S. 4 exceptions; none ticked removes them all."""
    return _build(PurposePatch, {"archive_exceptions": codes, "reason": reason.strip()})


def done_note(note: str) -> str:
    text = note.strip()
    if not text:
        raise FormRefused("note: say what was done")
    if len(text) > 2000:  # noqa: PLR2004 - as POST /v1/catalogue/duties/{id}/done
        raise FormRefused("note: at most 2000 characters")
    return text
