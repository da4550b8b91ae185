"""``/v1/catalogue``: the views, and the steward's writes on fields, datasets, stewards.

Reads need ``catalogue:read``, writes ``catalogue:write``. Routes only (service.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from hub.catalogue import service, views
from hub.catalogue.deps import (
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    Acting,
    Cache,
    Reader,
    Session,
    WritingSession,
)
from hub.catalogue.schemas import (
    ChangeAnswer,
    DatasetPatch,
    DatasetsAnswer,
    DatasetStewardPut,
    DutiesAnswer,
    FieldChangeAnswer,
    FieldPatch,
    HistoryAnswer,
    PurposesAnswer,
    Reason,
    RegisterPatch,
    StewardCreate,
    StewardPatch,
)
from hub.errors import InvalidQuery, router_problems
from hub.kit.strict_route import StrictRoute

router = APIRouter(
    prefix="/v1/catalogue",
    tags=["catalogue"],
    route_class=StrictRoute,
    responses=router_problems(),
)
Slug = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,63}$", max_length=64)]
# Row ids are 64-bit: a larger number is no id the catalogue can hold (422, not a 500).
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]


# A dataset's steward carries its responsibility, a duty's does not: unset members stay out.
@router.get(
    "/datasets",
    response_model=DatasetsAnswer,
    response_model_exclude_unset=True,
    responses=READ_PROBLEMS,
)
async def list_datasets(*, session: Session, _principal: Reader) -> dict[str, Any]:
    """Registers and datasets: owner office, stewards, fields with release status."""
    return await views.datasets_view(session)


@router.get("/purposes", response_model=PurposesAnswer, responses=READ_PROBLEMS)
async def list_purposes(*, session: Session, _principal: Reader) -> dict[str, Any]:
    """Purposes with their allowances (authority x register, fields, kinds, validity)."""
    return await views.purposes_view(session)


@router.get(
    "/duties",
    response_model=DutiesAnswer,
    response_model_exclude_unset=True,
    responses=READ_PROBLEMS,
)
async def list_duties(*, session: Session, _principal: Reader) -> dict[str, Any]:
    """Duties per dataset: responsible steward, due date, status."""
    return await views.duties_view(session)


@router.get(
    "/history",
    response_model=HistoryAnswer,
    responses={**READ_PROBLEMS, 422: InvalidQuery.openapi()},
)
async def list_history(
    *,
    session: Session,
    _principal: Reader,
    target: Annotated[str | None, Query(max_length=300)] = None,
    actor_name: Annotated[str | None, Query(alias="actor", max_length=200)] = None,
    since: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$", max_length=18)] = None,
) -> dict[str, Any]:
    """Every catalogue change, oldest first; ``target`` matches a prefix (``field:``)."""
    return await views.history_view(
        session,
        target=target,
        actor=actor_name,
        since=since,
        cursor=int(cursor) if cursor else None,
        limit=limit,
    )


@router.patch(
    "/datasets/{register}/{dataset}/fields/{field}",
    response_model=FieldChangeAnswer,
    responses=WRITE_PROBLEMS,
)
async def patch_field(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    register: Slug,
    dataset: Slug,
    field: Slug,
    body: FieldPatch,
) -> dict[str, Any]:
    """Approve or revoke a field's release (with a reason), or correct its metadata."""
    row_dataset = dataset  # the field key is register x field; the path names its dataset
    result = await service.patch_field(
        session,
        cache,
        actor=acting,
        register=register,
        field=field,
        body=body,
    )
    return {**result, "dataset": row_dataset}


@router.patch(
    "/datasets/{register}/{dataset}", response_model=ChangeAnswer, responses=WRITE_PROBLEMS
)
async def patch_dataset(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    register: Slug,
    dataset: Slug,
    body: DatasetPatch,
) -> dict[str, Any]:
    """Owner office, title, description, open data, licence, access URL."""
    return await service.patch_dataset(
        session,
        cache,
        actor=acting,
        register=register,
        dataset=dataset,
        body=body,
    )


@router.patch("/registers/{register}", response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def patch_register(
    *, session: WritingSession, cache: Cache, acting: Acting, register: Slug, body: RegisterPatch
) -> dict[str, Any]:
    """A mirrored register's maximum lag behind its source (``max_lag_seconds``)."""
    return await service.patch_register(session, cache, actor=acting, register=register, body=body)


@router.put(
    "/datasets/{register}/{dataset}/stewards/{steward_id}",
    response_model=ChangeAnswer,
    responses=WRITE_PROBLEMS,
)
async def put_dataset_steward(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    register: Slug,
    dataset: Slug,
    steward_id: RowId,
    body: DatasetStewardPut,
) -> dict[str, Any]:
    """Make a steward (or deputy) responsible for the dataset."""
    return await service.put_dataset_steward(
        session,
        cache,
        actor=acting,
        register=register,
        dataset=dataset,
        steward_id=steward_id,
        body=body,
    )


@router.delete(
    "/datasets/{register}/{dataset}/stewards/{steward_id}",
    response_model=ChangeAnswer,
    responses=WRITE_PROBLEMS,
)
async def delete_dataset_steward(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    register: Slug,
    dataset: Slug,
    steward_id: RowId,
    reason: Annotated[Reason, Query()],
) -> dict[str, Any]:
    """Release a steward from the dataset; the reason goes in the query string."""
    return await service.delete_dataset_steward(
        session,
        cache,
        actor=acting,
        register=register,
        dataset=dataset,
        steward_id=steward_id,
        reason=reason,
    )


@router.post("/stewards", status_code=201, response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def create_steward(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    body: StewardCreate,
) -> dict[str, Any]:
    return await service.create_steward(session, cache, actor=acting, body=body)


@router.patch("/stewards/{steward_id}", response_model=ChangeAnswer, responses=WRITE_PROBLEMS)
async def patch_steward(
    *,
    session: WritingSession,
    cache: Cache,
    acting: Acting,
    steward_id: RowId,
    body: StewardPatch,
) -> dict[str, Any]:
    return await service.patch_steward(
        session, cache, actor=acting, steward_id=steward_id, body=body
    )
