"""``/v1/catalogue/aggregates``: the open aggregates a steward defines and approves.

Reading needs ``catalogue:read``; approving or revoking ``catalogue:write`` (the acting person
from ``X-User-Id``, as for field releases), recorded in the catalogue history.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict

from hub.catalogue.deps import (
    READ_PROBLEMS,
    WRITE_PROBLEMS,
    Acting,
    Reader,
    Session,
    WritingSession,
)
from hub.catalogue.schemas import Reason
from hub.errors import CatalogueEntryNotFound, InvalidCatalogueChange
from hub.kit.strict_route import StrictRoute
from hub.opendata import repository
from hub.opendata.definitions_service import DefinitionError, set_status
from hub.opendata.schemas import AggregateList, AggregateStatus

router = APIRouter(prefix="/v1/catalogue", tags=["catalogue"], route_class=StrictRoute)
Code = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["approved", "revoked"]
    reason: Reason


@router.get("/aggregates", response_model=AggregateList, responses=READ_PROBLEMS)
async def list_aggregates(*, session: Session, _principal: Reader) -> dict[str, Any]:
    """Definitions with status, revision, dimensions, legal basis, licence, threshold."""
    published = {}
    for row in await repository.publications(session):
        published[row.aggregate_code] = row.reference
    return {
        "aggregates": [
            {
                "code": row.code,
                "title": row.title,
                "source_register": row.source_register,
                "statistic": row.statistic,
                "dimensions": row.dimensions,
                "reference": row.reference,
                "legal_basis": row.legal_basis,
                "licence": row.licence,
                "threshold": row.threshold,
                "status": row.status,
                "revision": row.revision,
                "approved_by": row.approved_by,
                "latest_publication": published.get(row.code),
            }
            for row in await repository.definitions(session)
        ]
    }


@router.post("/aggregates/{code}/status", response_model=AggregateStatus, responses=WRITE_PROBLEMS)
async def change_status(
    code: Code, body: StatusChange, *, session: WritingSession, actor: Acting
) -> dict[str, Any]:
    """A steward approves (or revokes) an aggregate for publication."""
    if await repository.definition(session, code) is None:
        raise CatalogueEntryNotFound(f"no aggregate {code!r}")
    try:
        change = await set_status(
            session, code, status=body.status, actor=actor.name, reason=body.reason
        )
    except DefinitionError as error:
        raise InvalidCatalogueChange(str(error)) from error
    return {"code": change.code, "status": change.status, "revision": change.revision}
