"""/ui/catalogue: new purposes and new allowances, through the API's own service and law check.

The forms build the API's request bodies (``PurposeCreate``, ``AllowanceCreate``) and call
``hub.catalogue.purposes_service`` as ``POST /v1/catalogue/purposes[/{code}/allowances]``
does: same validation, same policy check, same second confirmation, same history row. A
refusal comes back on the same page with what the steward entered.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hub.catalogue import purposes_service
from hub.catalogue.deps import checker
from hub.errors import HubError
from hub.ui.catalogue import forms
from hub.ui.catalogue import service as pages
from hub.ui.catalogue.purposes import (
    Csrf,
    Reason,
    Slug,
    Steward,
    back,
    needs_confirmation,
    purpose_page,
    purposes_page,
)
from hub.ui.dependencies import WritingDbSession, check_csrf

router = APIRouter(prefix="/ui/catalogue", include_in_schema=False)

NEW_ALLOWANCE = "allowance-new"
Codes = Annotated[list[str], Form(max_length=64)]
Line = Annotated[str, Form(max_length=200)]


def _status(error: Exception) -> int:
    return error.status if isinstance(error, HubError) else 422


@router.post("/purposes")
async def create_purpose(
    *,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    code: Annotated[str, Form(max_length=64)] = "",
    title: Line = "",
    # "register" would shadow BaseModel.register in FastAPI's form model
    register_code: Annotated[str, Form(alias="register", max_length=64)] = "",
    legal_basis: Codes = [],  # noqa: B006 - FastAPI form default
    description: Annotated[str, Form(max_length=2000)] = "",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)
    entered = {
        "code": code,
        "title": title,
        "register": register_code,
        "legal_basis": legal_basis,
        "description": description,
        "reason": reason,
    }
    try:
        body = forms.new_purpose(
            code=code,
            title=title,
            register=register_code,
            legal_basis=legal_basis,
            description=description,
            reason=reason,
        )
        await purposes_service.create_purpose(
            session, checker(request), actor=pages.actor_of(user), body=body
        )
    except (HubError, forms.FormRefused) as error:
        message = forms.refusal_text(error, [])
        return await purposes_page(
            request, session, error=message, entered=entered, status_code=_status(error)
        )
    return RedirectResponse(
        f"/ui/catalogue/purposes/{body.code}?done=purpose_created#allowance-new", status_code=303
    )


@router.post("/purposes/{code}/allowances")
async def create_allowance(
    *,
    code: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    authority: Annotated[str, Form(max_length=64)] = "",
    # "register" would shadow BaseModel.register in FastAPI's form model
    register_code: Annotated[str, Form(alias="register", max_length=64)] = "",
    kinds: Codes = [],  # noqa: B006
    fields: Annotated[list[str], Form(max_length=200)] = [],  # noqa: B006
    legal_basis: Codes = [],  # noqa: B006
    transforms: Annotated[str, Form(max_length=2000)] = "",
    valid_from: Annotated[str, Form(max_length=32)] = "",
    valid_to: Annotated[str, Form(max_length=32)] = "",
    approval_reference: Line = "",
    confirm_fields: Codes = [],  # noqa: B006
    confirm_basis: Annotated[str, Form(max_length=120)] = "",
    confirmed: Annotated[str, Form(max_length=8)] = "",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)
    entered = {
        "authority": authority,
        "kinds": kinds,
        "fields": fields,
        "legal_basis": legal_basis,
        "transforms": transforms,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "approval_reference": approval_reference,
        "reason": reason,
        "confirm_basis": confirm_basis,
    }
    try:
        body = forms.new_allowance(
            authority=authority,
            register=register_code,
            kinds=kinds,
            fields=fields,
            legal_basis=legal_basis,
            transform_text=transforms,
            valid_from=valid_from,
            valid_to=valid_to,
            approval_reference=approval_reference,
            reason=reason,
            confirmation=forms.confirmation(
                confirm_fields, confirm_basis, confirmed=confirmed == "yes"
            ),
        )
        await purposes_service.create_allowance(
            session, checker(request), actor=pages.actor_of(user), code=code, body=body
        )
    except (HubError, forms.FormRefused) as error:
        confirm = needs_confirmation(error)
        return await purpose_page(
            request,
            session,
            code,
            error=forms.refusal_text(error, confirm),
            failed=NEW_ALLOWANCE,
            entered=entered,
            confirm=confirm,
            status_code=_status(error),
        )
    anchor = f"allowance-{code}-{body.authority}-{body.register_}"
    return back(code, "allowance_created", anchor)
