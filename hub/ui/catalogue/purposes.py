"""/ui/catalogue/purposes: one page per purpose, allowances edited with a field picker.

A refused edit comes back on the same page with what the steward entered, the refusal in
plain words and, when the law check asks for it (special categories, fields beyond what
the default catalogue allows the authority), the second confirmation: the named fields, an
explicit legal basis, a tick.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from governance.archive import ARCHIVE_EXCEPTION_NORMS
from hub.catalogue import purposes_service, views
from hub.catalogue.deps import checker
from hub.domain import QueryKind
from hub.errors import HubError
from hub.state import hub_state
from hub.ui.catalogue import forms
from hub.ui.catalogue import repository as ui_repo
from hub.ui.catalogue import service as pages
from hub.ui.dependencies import DbSession, WritingDbSession, check_csrf, require_ui_role
from hub.ui.i18n import N_
from hub.ui.i18n import gettext as _
from hub.ui.rendering import render
from hub.ui.service import UiUser

router = APIRouter(prefix="/ui/catalogue", include_in_schema=False)

Steward = Annotated[UiUser, Depends(require_ui_role("steward"))]
Slug = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Reason = Annotated[str, Form(max_length=4000)]
Csrf = Annotated[str, Form(max_length=200)]
DONE = {
    "allowance": N_("Allowance saved; the policy accepted it."),
    "exceptions": N_("§13 Abs. 2 S. 4 exceptions of the purpose saved."),
    "purpose_created": N_("Purpose created. Now admit the authorities that may use it."),
    "allowance_created": N_("Allowance created; the policy accepted it."),
    "unchanged": N_("Nothing changed, so no new revision was recorded."),
}
KINDS = (
    (QueryKind.PERSON, N_("person")),
    (QueryKind.FREE, N_("free")),
    (QueryKind.CONFIRM, N_("confirm")),
)


async def purposes_page(
    request: Request,
    session: AsyncSession,
    *,
    error: str | None = None,
    entered: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """Every purpose on one short line, and the form for a new purpose."""
    await session.rollback()  # a refused write leaves nothing behind, not even in the session
    context = {
        **await views.purposes_view(session),
        "registers": _register_choices(request),
        "legal_bases": await ui_repo.legal_basis_codes(session),
        "error": error,
        "entered": entered or {},
        "done": DONE.get(request.query_params.get("done", "")),
        "nav": "purposes",
    }
    return render(request, "catalogue/purposes.html", context, status_code=status_code)


def _register_choices(request: Request) -> dict[str, str]:
    adapters = hub_state(request).adapters
    return {rid: adapter.spec.title for rid, adapter in sorted(adapters.items())}


@router.get("/purposes")
async def purposes(request: Request, session: DbSession, _user: Steward) -> Response:
    return await purposes_page(request, session)


async def purpose_page(
    request: Request,
    session: AsyncSession,
    code: str,
    *,
    error: str | None = None,
    failed: str | None = None,
    entered: dict[str, Any] | None = None,
    confirm: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    await session.rollback()  # a refused write leaves nothing behind, not even in the session
    every = await views.purposes_view(session)
    found = next((p for p in every["purposes"] if p["code"] == code), None)
    if found is None:
        missing = {"what": _("purpose %(code)s") % {"code": code}, "nav": "purposes"}
        return render(request, "catalogue/missing.html", missing, status_code=404)
    registers = {item["register"] for item in found["allowances"]} | {found["register"]}
    context = {
        "purpose": found,
        "revision": every["revision"],
        "register_fields": {rid: await ui_repo.field_titles(session, rid) for rid in registers},
        "legal_bases": await ui_repo.legal_basis_codes(session),
        "archive_exception_norms": ARCHIVE_EXCEPTION_NORMS,
        "authorities": await ui_repo.authority_titles(session),
        "kinds": KINDS,
        "error": error,
        "failed": failed,
        "entered": entered or {},
        "confirm": confirm or [],
        "done": DONE.get(request.query_params.get("done", "")),
        "nav": "purposes",
    }
    return render(request, "catalogue/purpose.html", context, status_code=status_code)


@router.get("/purposes/{code}")
async def purpose(code: Slug, request: Request, session: DbSession, _user: Steward) -> Response:
    return await purpose_page(request, session, code)


def back(code: str, done: str, anchor: str) -> RedirectResponse:
    query = urlencode({"done": done})
    return RedirectResponse(f"/ui/catalogue/purposes/{code}?{query}#{anchor}", status_code=303)


@router.post("/purposes/{code}/allowances/{authority}/{register}")
async def edit_allowance(
    *,
    code: Slug,
    authority: Slug,
    register: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    fields: Annotated[list[str], Form(max_length=200)] = [],  # noqa: B006 - FastAPI form
    fields_text: Annotated[str, Form(max_length=4000)] = "",
    transforms: Annotated[str, Form(max_length=2000)] = "",
    valid_from: Annotated[str, Form(max_length=32)] = "",
    valid_to: Annotated[str, Form(max_length=32)] = "",
    approval_reference: Annotated[str, Form(max_length=200)] = "",
    confirm_fields: Annotated[list[str], Form(max_length=64)] = [],  # noqa: B006
    confirm_basis: Annotated[str, Form(max_length=120)] = "",
    confirmed: Annotated[str, Form(max_length=8)] = "",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)
    anchor = f"allowance-{code}-{authority}-{register}"
    chosen = fields or forms.split_fields(fields_text)
    entered = {
        "fields": chosen,
        "transforms": transforms,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "approval_reference": approval_reference,
        "reason": reason,
        "confirm_basis": confirm_basis,
    }
    try:
        body = forms.allowance(
            fields=chosen,
            transform_text=transforms,
            valid_from=valid_from,
            valid_to=valid_to,
            approval_reference=approval_reference,
            reason=reason,
            confirmation=forms.confirmation(
                confirm_fields, confirm_basis, confirmed=confirmed == "yes"
            ),
        )
        saved = await purposes_service.patch_allowance(
            session,
            checker(request),
            actor=pages.actor_of(user),
            code=code,
            authority=authority,
            register=register,
            body=body,
        )
    except (HubError, forms.FormRefused) as error:
        confirm = needs_confirmation(error)
        message = forms.refusal_text(error, confirm)
        status = error.status if isinstance(error, HubError) else 422
        return await purpose_page(
            request,
            session,
            code,
            error=message,
            failed=anchor,
            entered=entered,
            confirm=confirm,
            status_code=status,
        )
    return back(code, "allowance" if saved["changed"] else "unchanged", anchor)


def needs_confirmation(error: Exception) -> list[dict[str, str]]:
    if not isinstance(error, HubError):
        return []
    needed = error.extensions.get("needs_confirmation") or []
    return [dict(item) for item in needed]


@router.post("/purposes/{code}/archive-exceptions")
async def edit_archive_exceptions(
    *,
    code: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    exceptions: Annotated[list[str], Form(max_length=64)] = [],  # noqa: B006 - FastAPI form default
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    """BMG §13 Abs. 2 S. 4: the steward approves the exceptions a purpose may rely on."""
    check_csrf(user, csrf_token)
    anchor = f"purpose-{code}"
    try:
        body = forms.archive_exceptions(exceptions, reason)
        saved = await purposes_service.patch_purpose(
            session, checker(request), actor=pages.actor_of(user), code=code, body=body
        )
    except (HubError, forms.FormRefused) as error:
        status = error.status if isinstance(error, HubError) else 422
        message = forms.refusal_text(error, [])
        return await purpose_page(
            request, session, code, error=message, failed=anchor, status_code=status
        )
    return back(code, "exceptions" if saved["changed"] else "unchanged", anchor)
