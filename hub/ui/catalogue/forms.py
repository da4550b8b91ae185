"""The steward's forms: posted fields in, the catalogue API's request bodies out, or a message.

The bodies are the API's own pydantic models (hub/catalogue/schemas.py), so a form accepts
exactly what the API accepts; a refusal names the form field and what is wrong with it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from governance.catalogue_defaults import ReleaseStatus
from hub.catalogue.lawcheck import SPECIAL_CATEGORY_RULE
from hub.catalogue.schemas import (
    AllowanceCreate,
    AllowancePatch,
    DatasetPatch,
    DatasetStewardPut,
    FieldPatch,
    PurposeCreate,
    PurposePatch,
)
from hub.errors import HubError
from hub.ui.i18n import N_, parse_day
from hub.ui.i18n import gettext as _

RELEASE_ACTIONS = {"approve": ReleaseStatus.APPROVED, "revoke": ReleaseStatus.REVOKED}
_SPLIT = re.compile(r"[\s,;]+")
_PAIRS = re.compile(r"[,;\n]+")
M = TypeVar("M", bound=BaseModel)


class FormRefused(ValueError):
    """The form's input cannot become a catalogue write; ``str()`` says why."""


# German (or English) words for the API's members and pydantic's error kinds.
FIELD_LABELS = {
    "reason": N_("Reason"),
    "fields": N_("Fields"),
    "transforms": N_("Transformations"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "approval_reference": N_("Approval reference"),
    "owner_office": N_("Owner office"),
    "responsibility": N_("Role"),
    "status": N_("Status"),
    "archive_exceptions": N_("Exceptions"),
    "confirm_sensitive": N_("Second confirmation"),
    "code": N_("Code"),
    "title": N_("Title"),
    "register": N_("Register"),
    "legal_basis": N_("Legal basis"),
    "description": N_("Description"),
    "authority": N_("Authority"),
    "kinds": N_("Kinds of search"),
}
PROBLEMS = {
    "string_too_short": N_("too short (at least %(min_length)s characters)"),
    "string_too_long": N_("too long (at most %(max_length)s characters)"),
    "too_short": N_("at least %(min_length)s entries"),
    "too_long": N_("at most %(max_length)s entries"),
    "missing": N_("required"),
    "literal_error": N_("not one of the allowed values"),
    "string_pattern_mismatch": N_("not in the expected form"),
    "date_from_datetime_parsing": N_("not a date (DD.MM.YYYY)"),
    "date_parsing": N_("not a date (DD.MM.YYYY)"),
    "value_error": N_("not valid"),
    "list_type": N_("choose at least one"),
    "extra_forbidden": N_("not expected here"),
}
# Pattern refusals said per member: what the expected form is.
PATTERNS = {
    "code": N_("lower-case letters, digits and _, starting with a letter (2 to 64 characters)"),
    "authority": N_("choose an authority from the list"),
    "register": N_("choose a register from the list"),
}


def _message(error: ValidationError) -> str:
    """Pydantic's problems in the reader's language, named by the form's labels."""
    parts = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        where = _(FIELD_LABELS.get(name, name)) if name else _("Form")
        text = PROBLEMS.get(problem["type"])
        if problem["type"] == "string_pattern_mismatch" and name in PATTERNS:
            text = PATTERNS[name]
        context = dict(problem.get("ctx") or {})
        detail = _(text) % context if text else str(problem["msg"])
        parts.append(f"{where}: {detail}")
    return "; ".join(parts)


def _build(model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormRefused(_message(error)) from None


def release(action: str, reason: str) -> FieldPatch:
    status = RELEASE_ACTIONS.get(action)
    if status is None:
        raise FormRefused(_("Action: approve or revoke."))
    return _build(FieldPatch, {"status": status, "reason": reason.strip()})


def owner(owner_office: str, reason: str) -> DatasetPatch:
    office = owner_office.strip()
    if not office:
        raise FormRefused(_("Owner office: name the office that owns the dataset."))
    return _build(DatasetPatch, {"owner_office": office, "reason": reason.strip()})


def steward_link(responsibility: str, reason: str) -> DatasetStewardPut:
    return _build(DatasetStewardPut, {"responsibility": responsibility, "reason": reason.strip()})


def reason_only(reason: str) -> str:
    text = reason.strip()
    if len(text) < 3:  # noqa: PLR2004 - the API's Reason: 3 to 2000 characters
        raise FormRefused(_("Reason: at least 3 characters."))
    if len(text) > 2000:  # noqa: PLR2004
        raise FormRefused(_("Reason: at most 2000 characters."))
    return text


def _day(name: str, raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError:
        label = _(FIELD_LABELS.get(name, name))
        raise FormRefused(_("%(name)s: not a date (DD.MM.YYYY)") % {"name": label}) from None


def transforms(raw: str) -> dict[str, str]:
    """``birth: year_month, addresses: district`` -> ``{"birth": "year_month", ...}``."""
    pairs: dict[str, str] = {}
    for item in _PAIRS.split(raw.strip()):
        if not item.strip():
            continue
        field, sep, name = item.partition(":")
        if not sep or not field.strip() or not name.strip():
            raise FormRefused(
                _("Transformations: write field: transformation, not %(item)s")
                % {"item": item.strip()}
            )
        pairs[field.strip()] = name.strip()
    return pairs


def split_fields(text: str) -> list[str]:
    """Field ids separated by commas or blanks (the picker sends them one by one)."""
    return [name for name in _SPLIT.split(text.strip()) if name]


def confirmation(fields: list[str], basis: str, *, confirmed: bool) -> dict[str, Any] | None:
    """The second confirmation, when the steward ticked it for the fields the check named."""
    if not fields and not basis.strip():
        return None
    if not confirmed:
        raise FormRefused(_("Second confirmation: tick that you confirm these fields."))
    if not basis.strip():
        raise FormRefused(_("Second confirmation: choose the explicit legal basis."))
    return {"fields": fields, "legal_basis": basis.strip()}


def allowance(
    *,
    fields: list[str],
    transform_text: str,
    valid_from: str,
    valid_to: str,
    approval_reference: str,
    reason: str,
    confirmation: dict[str, Any] | None = None,
) -> AllowancePatch:
    """The picked fields; empty dates leave the window open on that side."""
    data = _allowance_data(
        fields=fields,
        transform_text=transform_text,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        confirmation=confirmation,
    )
    if approval_reference.strip():
        data["approval_reference"] = approval_reference.strip()
    return _build(AllowancePatch, data)


def _allowance_data(
    *,
    fields: list[str],
    transform_text: str,
    valid_from: str,
    valid_to: str,
    reason: str,
    confirmation: dict[str, Any] | None,
) -> dict[str, Any]:
    """What a new and an edited allowance's form both carry."""
    data: dict[str, Any] = {
        "fields": fields,
        "transforms": transforms(transform_text),
        "valid_from": _day("valid_from", valid_from),
        "valid_to": _day("valid_to", valid_to),
        "reason": reason.strip(),
    }
    if confirmation is not None:
        data["confirm_sensitive"] = confirmation
    return data


def refusal_text(error: Exception, confirm: list[dict[str, str]]) -> str:
    """What the steward reads after a refusal: the law check's fields and rules in words."""
    if confirm:
        named = [
            (
                _("%(field)s is a special category of personal data (%(norm)s)")
                if item["rule"] == SPECIAL_CATEGORY_RULE
                else _(
                    "%(field)s goes beyond what the city's default catalogue allows this "
                    "authority (%(norm)s)"
                )
            )
            % {"field": item["field"], "norm": item["norm"]}
            for item in confirm
        ]
        return _(
            "Not saved: %(why)s. Name the explicit legal basis and confirm these fields a "
            "second time below."
        ) % {"why": "; ".join(named)}
    if isinstance(error, HubError):
        return _("Not saved: %(detail)s") % {"detail": error.detail}
    return _("Not saved: %(detail)s") % {"detail": str(error)}


def archive_exceptions(codes: list[str], reason: str) -> PurposePatch:
    """The ticked BMG §13 Abs. 2 S. 4 exceptions; none ticked removes them all."""
    return _build(PurposePatch, {"archive_exceptions": codes, "reason": reason.strip()})


def done_note(note: str) -> str:
    text = note.strip()
    if not text:
        raise FormRefused(_("Note: say what was done."))
    if len(text) > 2000:  # noqa: PLR2004 - as POST /v1/catalogue/duties/{id}/done
        raise FormRefused(_("Note: at most 2000 characters."))
    return text


def _chosen(values: list[str]) -> list[str]:
    return [value.strip() for value in values if value.strip()]


def new_purpose(
    *,
    code: str,
    title: str,
    register: str,
    legal_basis: list[str],
    description: str,
    reason: str,
) -> PurposeCreate:
    """A purpose as POST /v1/catalogue/purposes takes it."""
    data: dict[str, Any] = {
        "code": code.strip(),
        "title": title.strip(),
        "register": register.strip(),
        "legal_basis": _chosen(legal_basis),
        "description": description.strip(),
        "reason": reason.strip(),
    }
    return _build(PurposeCreate, data)


def new_allowance(
    *,
    authority: str,
    register: str,
    kinds: list[str],
    fields: list[str],
    legal_basis: list[str],
    transform_text: str,
    valid_from: str,
    valid_to: str,
    approval_reference: str,
    reason: str,
    confirmation: dict[str, Any] | None = None,
) -> AllowanceCreate:
    """An allowance as POST /v1/catalogue/purposes/{code}/allowances takes it."""
    data = _allowance_data(
        fields=fields,
        transform_text=transform_text,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        confirmation=confirmation,
    )
    data |= {
        "authority": authority.strip(),
        "register": register.strip(),
        "kinds": _chosen(kinds),
        "legal_basis": _chosen(legal_basis),
        "approval_reference": approval_reference.strip(),
    }
    return _build(AllowanceCreate, data)
