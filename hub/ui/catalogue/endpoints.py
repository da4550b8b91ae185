"""/ui/catalogue: the data stewards' workbench (role ``steward``). Routes only.

Writes call the catalogue services the API uses (hub/catalogue/*): same validation, same
history row, same revision bump. A refusal (404/409/422, or a form the schemas refuse) is
shown on the page with nothing changed; success redirects back with a fixed message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from governance.duties import local_today
from hub.catalogue import duties_service
from hub.catalogue import service as catalogue
from hub.catalogue.deps import cache, checker
from hub.errors import HubError
from hub.state import hub_state
from hub.ui.catalogue import forms
from hub.ui.catalogue import service as pages
from hub.ui.catalogue.todo import LawCheckMemo
from hub.ui.dependencies import DbSession, WritingDbSession, check_csrf, require_ui_role
from hub.ui.i18n import N_
from hub.ui.rendering import SECURITY_HEADERS, render
from hub.ui.service import UiUser

router = APIRouter(prefix="/ui/catalogue", include_in_schema=False)

Steward = Annotated[UiUser, Depends(require_ui_role("steward"))]
Slug = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Reason = Annotated[str, Form(max_length=4000)]
Csrf = Annotated[str, Form(max_length=200)]
HISTORY_PAGE = 200
# Success messages by key: nothing the user typed is reflected into the page.
DONE = {
    "approved": N_("Field approved for release."),
    "revoked": N_("Field release revoked."),
    "owner": N_("Owner office saved."),
    "steward": N_("Steward assigned."),
    "unassigned": N_("Steward removed from the dataset."),
    "duty": N_("Duty marked done; the next one is scheduled."),
}
# Words the pages translate from data: release statuses, classifications, duty statuses.
_DATA_WORDS = (
    N_("unreviewed"),
    N_("approved"),
    N_("revoked"),
    N_("public"),
    N_("personal"),
    N_("special_category"),
    N_("overdue"),
    N_("scheduled"),
    N_("done"),
)


# The printable Art. 30 page carries its own inline print styles.
def _back(path: str, done: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode({'done': done})}{anchor}", status_code=303)


def _dataset_path(register: str, dataset: str) -> str:
    return f"/ui/catalogue/datasets/{register}/{dataset}"


def _status(error: Exception) -> int:
    return error.status if isinstance(error, HubError) else 422


def _text(error: Exception) -> str:
    return error.detail if isinstance(error, HubError) else str(error)


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    nav: str,
    error: str | None,
    status_code: int,
) -> Response:
    """A workbench page after a write: the refusal, or the fixed message of the success."""
    done = DONE.get(request.query_params.get("done", ""))
    full = {**context, "error": error, "done": done, "nav": nav}
    return render(request, template, full, status_code=status_code)


async def _submit(
    write: Callable[[], Awaitable[Response]],
    refused: Callable[..., Awaitable[Response]],
    *,
    prefix: str = "",
) -> Response:
    """Run a form's write: it parses the form, writes, and redirects back.

    A refusal shows the page again with the problem and its status, and nothing changed.
    """
    try:
        return await write()
    except (HubError, forms.FormRefused) as error:
        return await refused(error=f"{prefix}{_text(error)}", status_code=_status(error))


@router.get("")
async def index(request: Request, session: DbSession, _user: Steward) -> Response:
    state = hub_state(request)
    if state.ui_law_check_memo is None:
        state.ui_law_check_memo = LawCheckMemo()
    memo = state.ui_law_check_memo
    context = {**await pages.overview(session, checker(request), memo=memo), "nav": "datasets"}
    return render(request, "catalogue/index.html", context)


async def _mirror_state(request: Request, register: str) -> dict[str, Any] | None:
    """How current the register's mirror is (last seq, lag, limit); None if not mirrored."""
    state = hub_state(request)
    return await state.freshness.view(register, await state.catalogue.get())


async def _dataset_page(
    request: Request,
    session: AsyncSession,
    *,
    register: str,
    dataset: str,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    await session.rollback()  # a refused write leaves nothing behind, not even in the session
    found = await pages.dataset_page(session, register=register, dataset=dataset)
    if not found:
        missing = {"what": f"dataset {register}/{dataset}", "nav": "datasets"}
        return render(request, "catalogue/missing.html", missing, status_code=404)
    found["mirror"] = await _mirror_state(request, register)
    return _page(
        request,
        "catalogue/dataset.html",
        found,
        nav="datasets",
        error=error,
        status_code=status_code,
    )


@router.get("/datasets/{register}/{dataset}")
async def dataset_page(
    register: Slug, dataset: Slug, request: Request, session: DbSession, _user: Steward
) -> Response:
    return await _dataset_page(request, session, register=register, dataset=dataset)


@router.post("/datasets/{register}/{dataset}/fields/{field}/release")
async def release_field(
    *,
    register: Slug,
    dataset: Slug,
    field: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    action: Annotated[str, Form(max_length=16)] = "",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)

    async def write() -> Response:
        body = forms.release(action, reason)
        await catalogue.patch_field(
            session,
            cache(request),
            actor=pages.actor_of(user),
            register=register,
            field=field,
            body=body,
        )
        return _back(_dataset_path(register, dataset), str(body.status), f"#field-{field}")

    refused = partial(_dataset_page, request, session, register=register, dataset=dataset)
    return await _submit(write, refused, prefix=f"{field}: ")


@router.post("/datasets/{register}/{dataset}/owner")
async def set_owner(
    *,
    register: Slug,
    dataset: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    owner_office: Annotated[str, Form(max_length=200)] = "",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)

    async def write() -> Response:
        await catalogue.patch_dataset(
            session,
            cache(request),
            actor=pages.actor_of(user),
            register=register,
            dataset=dataset,
            body=forms.owner(owner_office, reason),
        )
        return _back(_dataset_path(register, dataset), "owner")

    refused = partial(_dataset_page, request, session, register=register, dataset=dataset)
    return await _submit(write, refused)


@router.post("/datasets/{register}/{dataset}/stewards")
async def assign_steward(
    *,
    register: Slug,
    dataset: Slug,
    request: Request,
    session: WritingDbSession,
    user: Steward,
    steward_id: Annotated[int, Form(ge=1)],
    responsibility: Annotated[str, Form(max_length=16)] = "steward",
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)

    async def write() -> Response:
        await catalogue.put_dataset_steward(
            session,
            cache(request),
            actor=pages.actor_of(user),
            register=register,
            dataset=dataset,
            steward_id=steward_id,
            body=forms.steward_link(responsibility, reason),
        )
        return _back(_dataset_path(register, dataset), "steward")

    refused = partial(_dataset_page, request, session, register=register, dataset=dataset)
    return await _submit(write, refused)


@router.post("/datasets/{register}/{dataset}/stewards/{steward_id}/remove")
async def unassign_steward(
    *,
    register: Slug,
    dataset: Slug,
    steward_id: Annotated[int, Path(ge=1)],
    request: Request,
    session: WritingDbSession,
    user: Steward,
    reason: Reason = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)

    async def write() -> Response:
        await catalogue.delete_dataset_steward(
            session,
            cache(request),
            actor=pages.actor_of(user),
            register=register,
            dataset=dataset,
            steward_id=steward_id,
            reason=forms.reason_only(reason),
        )
        return _back(_dataset_path(register, dataset), "unassigned")

    refused = partial(_dataset_page, request, session, register=register, dataset=dataset)
    return await _submit(write, refused)


async def _duties_page(
    request: Request, session: AsyncSession, *, error: str | None = None, status_code: int = 200
) -> Response:
    await session.rollback()
    context = {"duties": await pages.duties_board(session)}
    return _page(
        request,
        "catalogue/duties.html",
        context,
        nav="duties",
        error=error,
        status_code=status_code,
    )


@router.get("/duties")
async def duties(request: Request, session: DbSession, _user: Steward) -> Response:
    return await _duties_page(request, session)


@router.post("/duties/{duty_id}/done")
async def duty_done(
    *,
    duty_id: Annotated[int, Path(ge=1)],
    request: Request,
    session: WritingDbSession,
    user: Steward,
    note: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: Csrf = "",
) -> Response:
    check_csrf(user, csrf_token)

    async def write() -> Response:
        await duties_service.mark_done(
            session,
            duty_id=duty_id,
            actor=user.username,
            note=forms.done_note(note),
            today=local_today(datetime.now(UTC)),
        )
        return _back("/ui/catalogue/duties", "duty")

    return await _submit(write, partial(_duties_page, request, session), prefix=f"duty {duty_id}: ")


@router.get("/history")
async def history(
    request: Request,
    session: DbSession,
    _user: Steward,
    target: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    changes = await pages.history(session, target=target.strip() or None, limit=HISTORY_PAGE)
    context = {"changes": changes, "target": target.strip(), "nav": "history"}
    return render(request, "catalogue/history.html", context)


@router.get("/dcat.ttl")
async def dcat(request: Request, session: DbSession, _user: Steward) -> Response:
    export = await pages.dcat(session, settings=hub_state(request).settings)
    return Response(
        export.turtle(),
        media_type="text/turtle; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": 'inline; filename="dcat.ttl"'},
    )
