"""/ui/tasks: the register office's workbench (role ``register_office``). Routes only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from hub.domain import TaskStatus
from hub.errors import HubError
from hub.state import hub_state
from hub.tasks import presentation
from hub.ui.dependencies import DbSession, WritingDbSession, check_csrf, require_ui_role
from hub.ui.i18n import gettext as _
from hub.ui.rendering import Titles, render
from hub.ui.service import UiUser
from hub.ui.tasks import service
from hub.ui.tasks.forms import KINDS, NOTE_MAX, RESOLUTIONS, closing_errors, parse_filters

router = APIRouter(prefix="/ui/tasks", include_in_schema=False)

RegisterOffice = Annotated[UiUser, Depends(require_ui_role("register_office"))]
TASK_ID_MAX = 36


def office(request: Request, user: UiUser) -> service.Office:
    """The account's own office only (Meldebehörde and Standesamt never see each other's)."""
    settings = hub_state(request).settings
    own = service.own_office(user.office, settings.ui.office_authorities)
    return service.Office(
        username=user.username,
        client_id=settings.ui.reader_client_id,
        name=own,
        registers=service.office_registers(hub_state(request).adapters, [own] if own else []),
    )


async def _list_page(
    request: Request, session: DbSession, user: UiUser, *, status: TaskStatus
) -> Response:
    worker = office(request, user)
    filters = parse_filters(request.query_params, registers=worker.registers)
    page = None
    if not filters.errors:
        page = await service.task_list(session, worker, status=status, filters=filters)
    context = {
        "status": status,
        "filters": filters,
        "page": page,
        "registers": worker.registers,
        "kinds": KINDS,
        "resolutions_all": RESOLUTIONS,
        "nav": status,
        "open_count": page["open"] if page else None,
        "office": worker.name,
        "closed_before": request.query_params.get("closed", "")[:TASK_ID_MAX],
        "limit": service.LIST_LIMIT,
    }
    return render(request, "tasks/list.html", context, status_code=400 if filters.errors else 200)


@router.get("")
async def open_tasks(request: Request, session: DbSession, user: RegisterOffice) -> Response:
    return await _list_page(request, session, user, status=TaskStatus.OPEN)


@router.get("/closed")
async def closed_tasks(request: Request, session: DbSession, user: RegisterOffice) -> Response:
    return await _list_page(request, session, user, status=TaskStatus.CLOSED)


async def _task_page(
    request: Request,
    session: DbSession,
    user: UiUser,
    task_id: str,
    *,
    errors: list[str] | None = None,
    form: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    task = await service.task_detail(session, office(request, user), task_id)
    if task is None:
        return render(request, "tasks/missing.html", {"task_id": task_id}, status_code=404)
    titles = Titles(getattr(request.state, "ui_catalogue", None), registers=None)
    context = {
        "task": task,
        "reasons": presentation.reasons(task, titles.authority),
        "manual_why": presentation.manual_why(task),
        "kinds": KINDS,
        "resolutions": RESOLUTIONS,
        "note_max": NOTE_MAX,
        "errors": errors or [],
        "form": form or {},
        "closed_before": request.query_params.get("closed", "")[:TASK_ID_MAX],
        "nav": None,
    }
    return render(request, "tasks/detail.html", context, status_code=status_code)


@router.get("/{task_id}")
async def task(
    task_id: str, request: Request, session: DbSession, user: RegisterOffice
) -> Response:
    return await _task_page(request, session, user, task_id[:TASK_ID_MAX])


@router.post("/{task_id}/close")
async def close_task(
    *,
    task_id: str,
    request: Request,
    session: WritingDbSession,
    user: RegisterOffice,
    resolution: Annotated[str, Form(max_length=64)] = "",
    note: Annotated[str, Form(max_length=8000)] = "",
    checklist: Annotated[list[str], Form(max_length=20)] = [],  # noqa: B006 - FastAPI form
    also: Annotated[list[str], Form(max_length=50)] = [],  # noqa: B006
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(user, csrf_token)
    task_id = task_id[:TASK_ID_MAX]
    worker = office(request, user)
    form = {"resolution": resolution, "note": note, "checklist": checklist, "also": also}
    shown = await service.task_detail(session, worker, task_id)
    steps = list(shown["checklist"]) if shown else []
    errors = closing_errors(resolution=resolution, note=note, checklist=steps, ticked=checklist)
    together = [other for other in also if shown and other in shown["same_person"]]
    if not errors:
        try:
            await service.close(
                session,
                worker,
                [task_id, *together],
                resolution=resolution,
                note=note,
                checklist_done=checklist,
            )
        except HubError as error:
            await session.rollback()
            return await _task_page(
                request,
                session,
                user,
                task_id,
                errors=[error.detail],
                form=form,
                status_code=error.status,
            )
        following = await service.next_open(session, worker)
        if following is None:
            return RedirectResponse(f"/ui/tasks?closed={task_id}", status_code=303)
        return RedirectResponse(f"/ui/tasks/{following}?closed={task_id}", status_code=303)
    return await _task_page(
        request, session, user, task_id, errors=errors, form=form, status_code=400
    )


@router.post("/{task_id}/assign")
async def assign_task(
    *,
    task_id: str,
    request: Request,
    session: WritingDbSession,
    user: RegisterOffice,
    action: Annotated[str, Form(max_length=16)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Take a task (it shows who works on it) or give it back."""
    check_csrf(user, csrf_token)
    task_id = task_id[:TASK_ID_MAX]
    if action not in {"take", "release"}:
        errors = [_("Assignment: take the task or give it back.")]
        return await _task_page(request, session, user, task_id, errors=errors, status_code=400)
    done = await service.assign(session, office(request, user), task_id, take=action == "take")
    if not done:
        return await _task_page(request, session, user, task_id, status_code=404)
    return RedirectResponse(f"/ui/tasks/{task_id}", status_code=303)
