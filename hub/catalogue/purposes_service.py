"""Catalogue writes on purposes, allowances and legal bases, validated before they count.

An allowance (or a purpose whose allowances it affects) is refused with 422 when it lists
a field its register lacks, cites a legal basis the catalogue does not know, names an
unknown authority or register, or when the policy - asked with the proposed catalogue -
would withhold a listed field or deny the use (``hub/catalogue/lawcheck.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue import AllowanceEntry, PurposeEntry
from governance.history import allowance_target, purpose_target
from governance.models import LegalBasis, Purpose, PurposeAllowance
from governance.repository import all_rows
from governance.transforms import transform_problems
from hub.catalogue import lawcheck
from hub.catalogue import repository as repo
from hub.catalogue.lawcheck import Proposal, check_allowance
from hub.catalogue.schemas import (
    AllowanceCreate,
    AllowancePatch,
    LegalBasisCreate,
    LegalBasisPatch,
    PurposeCreate,
    PurposePatch,
    SensitiveConfirmation,
)
from hub.catalogue.service import Actor, commit_change
from hub.catalogue.views import allowance_view
from hub.errors import CatalogueConflict, CatalogueEntryNotFound, InvalidCatalogueChange
from hub.kit.catalogue_cache import CatalogueCache
from hub.policy.engine import PolicyEngine

PURPOSE_COLUMNS = ("title", "register", "legal_basis", "description", "archive_exceptions")
BASIS_COLUMNS = ("norm", "paragraph", "title", "url", "valid_from", "valid_to")


class Checker:
    """What a validated write needs besides the session: the snapshot and the policy."""

    def __init__(self, *, cache: CatalogueCache, policy: PolicyEngine, timeout: float) -> None:
        self.cache = cache
        self.policy = policy
        self.timeout = timeout


def _refuse(detail: str, problems: list[dict[str, Any]]) -> InvalidCatalogueChange:
    return InvalidCatalogueChange(detail, errors=problems)


async def _check_legal_bases(session: AsyncSession, codes: list[str], *, pointer: str) -> None:
    known = await repo.known_legal_bases(session, codes)
    problems = [
        {"pointer": f"{pointer}/{index}", "detail": f"unknown legal basis {code!r}"}
        for index, code in enumerate(codes)
        if code not in known
    ]
    if problems:
        detail = "the catalogue knows no such legal basis; add it first (POST legal-bases)"
        raise _refuse(detail, problems)


async def _check_allowance_shape(
    session: AsyncSession, *, authority: str, register: str, fields: list[str]
) -> None:
    problems: list[dict[str, Any]] = []
    if not await repo.authority_exists(session, authority):
        problems.append({"pointer": "/authority", "detail": f"unknown authority {authority!r}"})
    if not await repo.register_exists(session, register):
        problems.append({"pointer": "/register", "detail": f"unknown register {register!r}"})
    else:
        declared = await repo.declared_fields(session, register)
        problems.extend(
            {"pointer": f"/fields/{index}", "detail": f"{register} has no field {name!r}"}
            for index, name in enumerate(fields)
            if name not in declared
        )
    if len(set(fields)) != len(fields):
        problems.append({"pointer": "/fields", "detail": "a field is listed twice"})
    if problems:
        raise _refuse("; ".join(p["detail"] for p in problems), problems)


async def _ask_policy(checker: Checker, purpose: Purpose, row: PurposeAllowance) -> None:
    catalogue = await checker.cache.get()
    proposal = Proposal(
        purpose=PurposeEntry(
            code=purpose.code,
            title=purpose.title,
            register=purpose.register,
            legal_basis=tuple(purpose.legal_basis),
            archive_exceptions=tuple(purpose.archive_exceptions or ()),
        ),
        authority=row.authority_code,
        register=row.register,
        allowance=AllowanceEntry(
            kinds=tuple(row.kinds),
            fields=tuple(row.fields),
            legal_basis=tuple(row.legal_basis),
            approval_reference=row.approval_reference,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            transforms=dict(row.transforms or {}),
        ),
    )
    problems = await check_allowance(
        checker.policy, catalogue, proposal, timeout_seconds=checker.timeout
    )
    if not problems:
        return
    index = {name: i for i, name in enumerate(row.fields)}
    errors = [
        {
            "pointer": f"/fields/{index[name]}" if name in index else "/fields",
            "detail": f"the policy withholds {name!r} from {row.authority_code} "
            f"({problem.kind} search): {', '.join(problem.reasons)}",
        }
        for problem in problems
        for name in problem.fields
    ] or [
        {
            "pointer": "/kinds",
            "detail": f"the policy denies a {problem.kind} search: {', '.join(problem.reasons)}",
        }
        for problem in problems
    ]
    raise InvalidCatalogueChange(
        "the law (policy) does not allow this for the authority: "
        + "; ".join(error["detail"] for error in errors),
        errors=errors,
        withheld_fields=sorted({name for problem in problems for name in problem.fields}),
        reasons=sorted({reason for problem in problems for reason in problem.reasons}),
    )


async def _check_sensitive(
    session: AsyncSession,
    row: PurposeAllowance,
    *,
    before: list[str],
    confirmation: SensitiveConfirmation | None,
) -> None:
    """Special categories and fields beyond the default catalogue need a basis and a confirmation.

    The confirmed basis must be one the catalogue knows; it joins the allowance's bases.
    """
    special = await repo.special_category_fields(session, row.register)
    sensitive = lawcheck.sensitive_fields(
        authority=row.authority_code,
        register=row.register,
        fields=list(row.fields),
        special=special,
        already=before,
    )
    if not sensitive:
        return
    confirmed = (
        lawcheck.Confirmation(
            fields=frozenset(confirmation.fields), legal_basis=confirmation.legal_basis
        )
        if confirmation is not None
        else None
    )
    missing = lawcheck.unconfirmed(sensitive, confirmed)
    if missing:
        index = {name: i for i, name in enumerate(row.fields)}
        why = [
            lawcheck.explain(item, authority=row.authority_code, register=row.register)
            for item in missing
        ]
        raise InvalidCatalogueChange(
            "not without a second confirmation: " + "; ".join(why),
            errors=[
                {"pointer": f"/fields/{index[item.field]}", "detail": text}
                for item, text in zip(missing, why, strict=True)
            ],
            needs_confirmation=[item.as_json() for item in sensitive],
        )
    assert confirmation is not None  # noqa: S101 - unconfirmed() returned nothing
    await _check_legal_bases(
        session, [confirmation.legal_basis], pointer="/confirm_sensitive/legal_basis"
    )
    if confirmation.legal_basis not in row.legal_basis:
        row.legal_basis = [*row.legal_basis, confirmation.legal_basis]


def _check_transforms(row: PurposeAllowance) -> None:
    """Each transformation from the fixed vocabulary, on a listed field it fits (422)."""
    problems = [
        {"pointer": f"/transforms/{field}", "detail": detail}
        for field, detail in transform_problems(
            register=row.register, fields=list(row.fields), transforms=row.transforms or {}
        )
    ]
    if problems:
        raise _refuse("; ".join(p["detail"] for p in problems), problems)


def _check_window(valid_from: date | None, valid_to: date | None) -> None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        detail = "valid_to lies before valid_from"
        raise _refuse(detail, [{"pointer": "/valid_to", "detail": detail}])


async def _purpose(session: AsyncSession, code: str) -> Purpose:
    row = await repo.purpose_row(session, code)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no purpose {code!r}")
    return row


async def create_purpose(
    session: AsyncSession, checker: Checker, *, actor: Actor, body: PurposeCreate
) -> dict[str, Any]:
    if await repo.purpose_row(session, body.code) is not None:
        raise CatalogueConflict(f"the purpose {body.code!r} exists", pointer="/code")
    if not await repo.register_exists(session, body.register_):
        detail = f"unknown register {body.register_!r}"
        raise _refuse(detail, [{"pointer": "/register", "detail": detail}])
    await _check_legal_bases(session, body.legal_basis, pointer="/legal_basis")
    row = Purpose(
        code=body.code,
        title=body.title,
        register=body.register_,
        legal_basis=body.legal_basis,
        description=body.description,
        archive_exceptions=body.archive_exceptions,
    )
    session.add(row)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="purpose.create",
        target=purpose_target(body.code),
        reason=body.reason,
        before=None,
        after=repo.as_json(row, PURPOSE_COLUMNS),
    )


async def patch_purpose(
    session: AsyncSession, checker: Checker, *, actor: Actor, code: str, body: PurposePatch
) -> dict[str, Any]:
    row = await _purpose(session, code)
    changes = body.changes()
    if body.legal_basis is not None:
        await _check_legal_bases(session, body.legal_basis, pointer="/legal_basis")
    before = repo.as_json(row, PURPOSE_COLUMNS)
    for name, value in changes.items():
        setattr(row, name, value)
    if "legal_basis" in changes:  # the purpose's basis reaches the policy: ask again
        for allowance in await all_rows(session, PurposeAllowance):
            if allowance.purpose_code == code:
                await _ask_policy(checker, row, allowance)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="purpose.update",
        target=purpose_target(code),
        reason=body.reason,
        before=before,
        after=repo.as_json(row, PURPOSE_COLUMNS),
    )


async def create_allowance(
    session: AsyncSession, checker: Checker, *, actor: Actor, code: str, body: AllowanceCreate
) -> dict[str, Any]:
    purpose = await _purpose(session, code)
    existing = await repo.allowance_row(
        session, purpose=code, authority=body.authority, register=body.register_
    )
    if existing is not None:
        detail = f"{body.authority} already has an allowance for {code} on {body.register_}"
        raise CatalogueConflict(detail)
    await _check_allowance_shape(
        session, authority=body.authority, register=body.register_, fields=body.fields
    )
    await _check_legal_bases(session, body.legal_basis, pointer="/legal_basis")
    _check_window(body.valid_from, body.valid_to)
    row = PurposeAllowance(
        purpose_code=code,
        authority_code=body.authority,
        register=body.register_,
        kinds=body.kinds,
        fields=body.fields,
        transforms=body.transforms,
        legal_basis=body.legal_basis,
        approval_reference=body.approval_reference,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
    )
    _check_transforms(row)
    await _ask_policy(checker, purpose, row)  # what no request may get: refused outright
    await _check_sensitive(session, row, before=[], confirmation=body.confirm_sensitive)
    session.add(row)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="allowance.create",
        target=allowance_target(code, body.authority, body.register_),
        reason=body.reason,
        before=None,
        after=allowance_view(row),
    )


async def patch_allowance(
    session: AsyncSession,
    checker: Checker,
    *,
    actor: Actor,
    code: str,
    authority: str,
    register: str,
    body: AllowancePatch,
) -> dict[str, Any]:
    purpose = await _purpose(session, code)
    row = await repo.allowance_row(session, purpose=code, authority=authority, register=register)
    if row is None:
        detail = f"{authority} has no allowance for {code} on {register}"
        raise CatalogueEntryNotFound(detail)
    changes = _without_reorderings(body.changes(), row)
    before = allowance_view(row)
    fields_before = list(row.fields)
    if body.fields is not None:
        await _check_allowance_shape(
            session, authority=authority, register=register, fields=body.fields
        )
    if body.legal_basis is not None:
        await _check_legal_bases(session, body.legal_basis, pointer="/legal_basis")
    for name, value in changes.items():
        setattr(row, name, value)
    _check_window(row.valid_from, row.valid_to)
    _check_transforms(row)
    await _ask_policy(checker, purpose, row)  # what no request may get: refused outright
    await _check_sensitive(session, row, before=fields_before, confirmation=body.confirm_sensitive)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="allowance.update",
        target=allowance_target(code, authority, register),
        reason=body.reason,
        before=before,
        after=allowance_view(row),
    )


def _without_reorderings(changes: dict[str, object], row: PurposeAllowance) -> dict[str, object]:
    """Leave out lists that name the same items as stored: a reordering is no change.

    The workbench's field picker sends the fields in its own order; the stored order stays.
    """
    stored = {"kinds": row.kinds, "fields": row.fields, "legal_basis": row.legal_basis}
    return {
        name: value
        for name, value in changes.items()
        if not (
            name in stored
            and isinstance(value, list)
            and len(value) == len(stored[name])
            and set(value) == set(stored[name])
        )
    }


async def create_legal_basis(
    session: AsyncSession, checker: Checker, *, actor: Actor, body: LegalBasisCreate
) -> dict[str, Any]:
    if await repo.legal_basis_row(session, body.code) is not None:
        raise CatalogueConflict(f"the legal basis {body.code!r} exists", pointer="/code")
    _check_window(body.valid_from, body.valid_to)
    row = LegalBasis(**body.model_dump(exclude={"reason"}))
    session.add(row)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="legal_basis.create",
        target=f"legal_basis:{body.code}",
        reason=body.reason,
        before=None,
        after=repo.as_json(row, ("code", *BASIS_COLUMNS)),
    )


async def patch_legal_basis(
    session: AsyncSession, checker: Checker, *, actor: Actor, code: str, body: LegalBasisPatch
) -> dict[str, Any]:
    row = await repo.legal_basis_row(session, code)
    if row is None:
        raise CatalogueEntryNotFound(f"the catalogue has no legal basis {code!r}")
    before = repo.as_json(row, BASIS_COLUMNS)
    for name, value in body.changes().items():
        setattr(row, name, value)
    _check_window(row.valid_from, row.valid_to)
    return await commit_change(
        session,
        checker.cache,
        actor=actor,
        action="legal_basis.update",
        target=f"legal_basis:{code}",
        reason=body.reason,
        before=before,
        after=repo.as_json(row, BASIS_COLUMNS),
    )
