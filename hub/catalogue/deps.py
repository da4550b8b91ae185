"""Shared dependencies of the catalogue routes: scopes, the acting person, the checker."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.dependencies import Principal, require_scope
from hub.auth.scopes import CATALOGUE_READ, CATALOGUE_WRITE
from hub.catalogue.purposes_service import Checker
from hub.catalogue.service import Actor
from hub.db import get_session, get_writing_session
from hub.errors import (
    CatalogueConflict,
    CatalogueEntryNotFound,
    InsufficientScope,
    InvalidCatalogueChange,
    PolicyUnavailable,
    Unauthenticated,
)
from hub.kit.catalogue_cache import CatalogueCache
from hub.state import hub_state

Session = Annotated[AsyncSession, Depends(get_session)]
WritingSession = Annotated[AsyncSession, Depends(get_writing_session)]
Reader = Annotated[Principal, Depends(require_scope(CATALOGUE_READ))]
Writer = Annotated[Principal, Depends(require_scope(CATALOGUE_WRITE))]
UserId = Annotated[str | None, Header(alias="X-User-Id", min_length=1, max_length=200)]

READ_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: Unauthenticated.openapi(),
    403: InsufficientScope.openapi(),
}
WRITE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **READ_PROBLEMS,
    404: CatalogueEntryNotFound.openapi(),
    409: CatalogueConflict.openapi(),
    422: InvalidCatalogueChange.openapi(),
    503: PolicyUnavailable.openapi(),
}


def actor(principal: Writer, user_id: UserId = None) -> Actor:
    """The person named in ``X-User-Id`` (as the audit API takes it), else the client."""
    return Actor(name=user_id or principal.client_id, client_id=principal.client_id)


def cache(request: Request) -> CatalogueCache:
    value: CatalogueCache = hub_state(request).catalogue
    return value


def checker(request: Request) -> Checker:
    settings = hub_state(request).settings
    return Checker(
        cache=cache(request),
        policy=hub_state(request).policy,
        timeout=settings.policy_timeout_ms / 1000,
    )


# What every write route takes: the acting person (``catalogue:write`` required) and the
# snapshot (fields, datasets, stewards) or the checker (purposes, allowances, legal bases).
Acting = Annotated[Actor, Depends(actor)]
Cache = Annotated[CatalogueCache, Depends(cache)]
PolicyChecker = Annotated[Checker, Depends(checker)]
