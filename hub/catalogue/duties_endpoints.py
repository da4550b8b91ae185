"""``POST /v1/catalogue/duties/{id}/done``: a steward reports a duty done (``catalogue:write``).

Reviews, quality checks, open-data publications and retention the hub cannot run itself
are done by people; this records the run and the change, and schedules the next due date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from governance.duties import local_today
from hub.catalogue import duties_service
from hub.catalogue.deps import Writer, WritingSession
from hub.errors import (
    DutyAlreadyDone,
    DutyNotFound,
    InsufficientScope,
    Unauthenticated,
    router_problems,
)
from hub.kit.strict_route import StrictRoute

router = APIRouter(
    prefix="/v1/catalogue",
    tags=["catalogue"],
    route_class=StrictRoute,
    responses=router_problems(),
)

PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: Unauthenticated.openapi(),
    403: InsufficientScope.openapi(),
    404: DutyNotFound.openapi(),
    409: DutyAlreadyDone.openapi(),
}


class DoneRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(description="What was done, and why")


class DoneResponse(BaseModel):
    duty_id: int
    run_id: int
    status: str
    due_on: date
    revision: int


@router.post("/duties/{duty_id}/done", responses=PROBLEMS)
async def post_duty_done(
    duty_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    body: DoneRequest,
    session: WritingSession,
    principal: Writer,
) -> DoneResponse:
    done = await duties_service.mark_done(
        session,
        duty_id=duty_id,
        actor=principal.client_id,
        note=body.note,
        today=local_today(datetime.now(UTC)),
    )
    return DoneResponse(
        duty_id=done.duty_id,
        run_id=done.run_id,
        status=done.status,
        due_on=done.due_on,
        revision=done.revision,
    )
