"""The FastAPI application; ``lifespan`` builds everything the requests share."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from fastapi import FastAPI

from adapters.base import AdapterContext
from adapters.registry import load_adapters
from adapters.xmeld.schema import load_schema
from hub.api_docs import install_docs
from hub.audit.endpoints import router as audit_router
from hub.audit.ledger.writer import LedgerWriter
from hub.audit.review.endpoints import router as review_router
from hub.auth.client_status import ClientStatusCache
from hub.auth.endpoints import install_jwks
from hub.auth.endpoints import router as auth_router
from hub.auth.hashing import SecretHasher
from hub.auth.keys import load_or_create_signing_key, public_key_set
from hub.auth.service import AssertionReplayCache
from hub.auth.token_cache import VerifiedTokenCache
from hub.auth.tokens import TokenSettings
from hub.catalogue.duties_endpoints import router as duties_router
from hub.catalogue.endpoints import router as catalogue_router
from hub.catalogue.purposes_endpoints import router as catalogue_purposes_router
from hub.catalogue.records_endpoints import router as records_router
from hub.clients.endpoints import router as clients_router
from hub.config import Settings
from hub.db import (
    ClientTimeouts,
    create_hub_engine,
    create_sessionmaker,
    create_writing_sessionmaker,
)
from hub.errors import TooManyRequests, install_problem_handlers
from hub.health import ReadinessCheck, default_checks, readyz
from hub.health import router as health_router
from hub.kit.catalogue_cache import CatalogueCache
from hub.kit.stages import stage_clock
from hub.limits.aggregate_service import flush as flush_auth_limits
from hub.limits.aggregate_service import run_flusher
from hub.limits.service import AuthLimiter
from hub.logging import RequestIdMiddleware, configure_logging, get_logger
from hub.metrics import MetricsMiddleware, metrics_endpoint
from hub.monitor.endpoints import router as monitor_router
from hub.opendata.catalogue_endpoints import router as aggregates_router
from hub.opendata.endpoints import router as opendata_router
from hub.policy.engine import EmbeddedRegoEngine, PolicyEngine, announced_revision
from hub.policy.opa_remote import RemoteOpaEngine
from hub.query.endpoints import router as query_router
from hub.query.hits import HitRefs
from hub.query.service import QueryService
from hub.registers.drain import DrainReporter, drain_reporting
from hub.registers.endpoints import router as changes_router
from hub.registers.freshness import FreshnessMonitor, feeds_of
from hub.registers.inflight import InFlight, InFlightMiddleware
from hub.registers.service import ChangeService
from hub.state import HubState, app_state
from hub.tasks.endpoints import router as tasks_router
from hub.ui import install_ui
from hub.xoev.endpoints import router as xoev_router
from hub.xoev.parsing import XmlPool

_log = get_logger(__name__)


async def _open_policy_engine(settings: Settings) -> PolicyEngine:
    revision = announced_revision(settings.policy_dir, configured=settings.policy_revision)
    if settings.policy_engine == "opa":
        return await RemoteOpaEngine.connect(
            settings.opa_url,
            revision=revision,
            request_timeout=settings.opa_timeout_ms / 1000,
            retries=settings.opa_retries,
            token=settings.opa_token.get_secret_value() if settings.opa_token else None,
        )
    return EmbeddedRegoEngine(settings.policy_dir, revision=revision)


async def _last_flush(limiter: AuthLimiter, writer: LedgerWriter) -> None:
    """Local counts into the shared table before the process goes (best effort)."""
    try:
        await flush_auth_limits(limiter, writer)
    except Exception:  # noqa: BLE001 - shutting down: the next process ledgers what is left
        _log.warning("auth_limit_last_flush_failed")


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state = app_state(app)
    settings = state.settings
    engine = create_hub_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        statement_timeout_ms=settings.statement_timeout_ms,
        timeouts=ClientTimeouts(
            connect_seconds=settings.database_connect_timeout_seconds,
            pool_seconds=settings.database_pool_timeout_seconds,
            round_trip_ms=settings.database_client_timeout_ms,
            busy_ms=settings.database_busy_timeout_ms,
        ),
    )
    sessionmaker = create_sessionmaker(engine)
    adapters = load_adapters(
        settings.adapters_enabled,
        settings=settings.adapters,
        context=AdapterContext(
            hub_database_url=settings.database_url, municipality_name=settings.municipality_name
        ),
    )
    signing_key = load_or_create_signing_key(settings.key_dir)
    catalogue = CatalogueCache(sessionmaker, refresh_seconds=settings.catalogue_refresh_seconds)
    policy = await _open_policy_engine(settings)
    state.engine, state.sessionmaker, state.adapters = engine, sessionmaker, adapters
    state.writing_sessionmaker = create_writing_sessionmaker(engine)
    state.signing_key, state.public_keys = signing_key, public_key_set(signing_key)
    state.jwks_document = orjson.dumps(state.public_keys.as_dict(private=False))
    state.token_cache = VerifiedTokenCache()
    state.token_settings = TokenSettings(
        issuer=settings.issuer,
        audience=settings.audience,
        lifetime_seconds=settings.token_lifetime_seconds,
        max_lifetime_seconds=settings.max_token_lifetime_seconds,
    )
    state.client_status = ClientStatusCache(sessionmaker, ttl=settings.client_status_cache_seconds)
    state.secret_hasher = secret_hasher = SecretHasher(threads=settings.secret_hash_threads)
    state.xml_pool = xml_pool = XmlPool(threads=settings.xoev_parse_threads)
    state.assertion_replay = AssertionReplayCache()
    state.catalogue = catalogue
    state.policy = policy  # the catalogue asks it before accepting an allowance
    # Built once per process (seconds); None leaves XMeld validation off.
    state.xmeld_schema = (
        await asyncio.to_thread(load_schema, settings.xoev_schema_dir)
        if settings.xoev_schema_dir is not None
        else None
    )
    # One group-commit writer per process for every ledger entry.
    ledger_writer = LedgerWriter(
        sessionmaker,
        max_batch=settings.ledger_batch_max,
        max_queued=settings.ledger_queue_max,
    )
    ledger_writer.start()
    state.ledger_writer = ledger_writer
    # Mirror feeds: freshness enforced on every query, pushes of changes.
    state.freshness = freshness = FreshnessMonitor(feeds_of(adapters))
    # This process's part in acknowledging a Sperre across workers (hub.registers.drain).
    state.drain_reporter = drain_reporter = DrainReporter(
        engine,
        state.inflight,
        poll_seconds=settings.drain_poll_seconds,
        heartbeat_seconds=settings.drain_heartbeat_seconds,
    )
    await drain_reporter.start()
    state.change_service = ChangeService(
        adapters=adapters,
        freshness=freshness,
        inflight=state.inflight,
        drain_reporter=drain_reporter,
        ledger=ledger_writer,
        sessionmaker=sessionmaker,
        engine=engine,
        acknowledgement_timeout=settings.push_acknowledgement_timeout_seconds,
    )
    state.query_service = QueryService(
        adapters=adapters,
        policy=policy,
        catalogue=catalogue,
        max_hits=settings.max_hits,
        adapter_timeout=settings.adapter_timeout_seconds,
        policy_timeout=settings.policy_timeout_ms / 1000,
        hit_refs=HitRefs(sessionmaker),
        ledger=ledger_writer,
        freshness=freshness,
    )
    # /readyz (hub.health), and whether this worker confirms Sperre pushes (hub.registers.drain)
    state.readiness_checks = [*default_checks(), ReadinessCheck("drain", drain_reporting)]
    # Refused floods: counted in the database, ledgered aggregated.
    state.auth_limiter = auth_limiter = AuthLimiter(engine, settings.auth_limit)
    limit_flusher = asyncio.create_task(run_flusher(auth_limiter, ledger_writer))
    stage_clock.enabled = settings.stage_times_file is not None
    try:
        yield
    finally:
        await drain_reporter.stop()
        limit_flusher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await limit_flusher
        await _last_flush(auth_limiter, ledger_writer)
        await ledger_writer.stop()  # drains: every queued entry is written first
        secret_hasher.close()
        xml_pool.close()
        if settings.stage_times_file is not None:
            stage_clock.write(settings.stage_times_file)
        for adapter in adapters.values():
            await adapter.close()
        await engine.dispose()
        await policy.aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging()
    app = FastAPI(
        title="Register Hub",
        description="Lawful, audited access to the municipal registers of Darmstadt.",
        version="0.1.0",
        lifespan=_lifespan,
        docs_url=None,  # served by hub.api_docs from the hub itself (no CDN)
        redoc_url=None,  # ReDoc has no offline bundle here; /docs covers it
        # The limiter in front of authentication may answer any authenticated route.
        responses={429: TooManyRequests.openapi()},
    )
    # Typed shared members (hub.state); the lifespan fills in the rest.
    app.state = HubState(settings=settings, inflight=InFlight())
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(InFlightMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_problem_handlers(app)
    install_jwks(app)  # first: the one route every verifier fetches
    for router in (auth_router, query_router, tasks_router, audit_router, xoev_router):
        app.include_router(router)
    app.include_router(catalogue_router)  # /v1/catalogue
    app.include_router(catalogue_purposes_router)
    app.include_router(review_router)  # /v1/audit/reviews
    app.include_router(records_router)  # Art. 30 records, DCAT
    app.include_router(duties_router)  # duty done by a steward
    app.include_router(clients_router)  # client lifecycle for the operating office
    app.include_router(changes_router)  # changes pushed by a register's procedure
    app.include_router(monitor_router)  # public /monitor, /open/monitor.json
    app.include_router(opendata_router)  # public /open/... files
    app.include_router(aggregates_router)  # /v1/catalogue/aggregates
    install_ui(app, settings)  # /ui workbenches: session cookie, static files, pages
    install_docs(app)  # /docs offline, security schemes, the query's answers

    app.include_router(health_router)  # /healthz, /readyz
    # The old probe path answers as /readyz: it must not stay 200 with the database frozen.
    app.add_api_route("/health", readyz, include_in_schema=False)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    if settings.otel_enabled:
        _instrument_traces(app)
    return app


def _instrument_traces(app: FastAPI) -> None:
    """Spans per request; the logs then carry their trace id (exporters: OTEL_* variables)."""
    from opentelemetry.instrumentation.fastapi import (  # noqa: PLC0415 - optional extra
        FastAPIInstrumentor,
    )

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
