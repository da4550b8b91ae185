"""What the requests of one process share, typed: the app's state.

``create_app`` installs a :class:`HubState` as ``app.state`` (settings and the in-flight
tracker, which middleware needs before the lifespan runs); the lifespan fills in the rest
once. Code reads it through :func:`hub_state` (or :func:`app_state`), so mypy sees each
member's real type instead of Starlette's ``State.__getattr__ -> Any``.

It stays a Starlette ``State`` (not a separate object stored beside it) so that there is one
source of truth: tests and tools that read ``app.state.sessionmaker`` see the same members.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.datastructures import State

if TYPE_CHECKING:
    from collections.abc import Mapping

    from joserfc.jwk import ECKey, KeySet
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
    from starlette.requests import HTTPConnection

    from adapters.base import RegisterAdapter
    from adapters.xmeld.schema import XMeldSchema
    from hub.audit.ledger.writer import LedgerWriter
    from hub.auth.client_status import ClientStatusCache
    from hub.auth.hashing import SecretHasher
    from hub.auth.service import AssertionReplayCache
    from hub.auth.token_cache import VerifiedTokenCache
    from hub.auth.tokens import TokenSettings
    from hub.config import Settings
    from hub.health import ReadinessCheck
    from hub.kit.catalogue_cache import CatalogueCache
    from hub.limits.service import AuthLimiter
    from hub.policy.engine import PolicyEngine
    from hub.query.service import QueryService
    from hub.registers.drain import DrainReporter
    from hub.registers.freshness import FreshnessMonitor
    from hub.registers.inflight import InFlight
    from hub.registers.service import ChangeService
    from hub.ui.audit.verify_jobs import VerifyJobs
    from hub.ui.catalogue.todo import LawCheckMemo
    from hub.ui.oidc import OidcLogin
    from hub.xoev.parsing import XmlPool


class HubState(State):
    """The process's shared members; annotations only, values live in ``State``'s dict.

    No member may have a class-level default: a class attribute would shadow the value
    ``State.__setattr__`` stores, and reads would never see it.
    """

    # Set by create_app, before the lifespan.
    settings: Settings
    inflight: InFlight  # queries still answering; a push waits for them
    adapters: Mapping[str, RegisterAdapter]  # empty until the lifespan loads them
    ui_oidc: OidcLogin | None  # install_ui: the workbenches' OIDC sign-in, if configured
    verify_jobs: VerifyJobs | None  # the DPO workbench's chain walks, made on first use
    ui_law_check_memo: LawCheckMemo | None  # the steward workbench's law check, first use
    # The Digitalmonitor's figures and when they were computed (monotonic), first use.
    monitor_figures: tuple[float, dict[str, Any]] | None

    # Set once by the lifespan (hub.app).
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    writing_sessionmaker: async_sessionmaker[AsyncSession]  # transactions begun as writers
    signing_key: ECKey
    public_keys: KeySet
    jwks_document: bytes
    token_cache: VerifiedTokenCache
    token_settings: TokenSettings
    client_status: ClientStatusCache
    secret_hasher: SecretHasher
    xml_pool: XmlPool
    assertion_replay: AssertionReplayCache
    catalogue: CatalogueCache
    policy: PolicyEngine
    xmeld_schema: XMeldSchema | None  # None leaves XMeld validation off
    ledger_writer: LedgerWriter
    freshness: FreshnessMonitor
    drain_reporter: DrainReporter
    change_service: ChangeService
    query_service: QueryService
    readiness_checks: list[ReadinessCheck]
    auth_limiter: AuthLimiter

    def __init__(self, *, settings: Settings, inflight: InFlight) -> None:
        super().__init__()
        self.settings = settings
        self.inflight = inflight
        self.adapters = {}
        self.ui_oidc = None
        self.verify_jobs = None
        self.ui_law_check_memo = None
        self.monitor_figures = None


def as_hub_state(state: State) -> HubState:
    """``state`` as the :class:`HubState` it is in every app made by ``hub.app.create_app``."""
    if not isinstance(state, HubState):
        message = "the app was not made by hub.app.create_app (its state is no HubState)"
        raise TypeError(message)
    return state


def app_state(app: Any) -> HubState:
    """The :class:`HubState` of a hub app (``Any``: Starlette types ``request.app`` so)."""
    return as_hub_state(app.state)


def hub_state(connection: HTTPConnection) -> HubState:
    """The :class:`HubState` of the app serving a request (or a websocket)."""
    state = connection.app.state  # checked here, not via app_state: every request reads it
    if not isinstance(state, HubState):
        return as_hub_state(state)  # raises
    return state
