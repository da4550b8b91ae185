"""Prometheus metrics of the hub (``GET /metrics``, README "Operations").

One module-level set of metrics that every part imports (``from hub.metrics import ...``);
add a metric here, next to the others, rather than a registry of your own. Labels are
closed sets only: route templates (never raw paths), status codes, register ids, error
class names. Never a person's data, a case reference, a user or a free-text reason.

Several workers (``hub serve --workers N``): ``hub serve`` points
``PROMETHEUS_MULTIPROC_DIR`` at an empty folder before the workers start; each worker then
writes its samples there and ``/metrics`` sums them over all workers.
"""

from __future__ import annotations

import os
import time
from typing import Any, Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED: Final = "unmatched"  # any path no route serves: one label, not the path

_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_SLOW = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "hub_http_requests_total",
    "HTTP requests answered, by route template, method and status code.",
    ["route", "method", "status"],
)
HTTP_SECONDS = Histogram(
    "hub_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    buckets=_SLOW,
)
POLICY_SECONDS = Histogram(
    "hub_policy_decision_seconds", "Time for one policy decision.", buckets=_FAST
)
ADAPTER_SECONDS = Histogram(
    "hub_adapter_call_seconds", "Time of one register adapter call.", ["register"], buckets=_SLOW
)
ADAPTER_ERRORS = Counter(
    "hub_adapter_errors_total",
    "Register adapter calls that failed, by register and error class.",
    ["register", "error"],
)
LEDGER_BATCH_SIZE = Histogram(
    "hub_ledger_batch_entries",
    "Ledger entries committed per group-commit transaction.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
)
LEDGER_COMMIT_SECONDS = Histogram(
    "hub_ledger_commit_seconds", "Time of one ledger group commit.", buckets=_FAST
)
LEDGER_FAILED = Counter(
    "hub_ledger_failed_entries_total", "Ledger entries that could not be written (answered 503)."
)
DB_POOL_CHECKED_OUT = Gauge(
    "hub_db_pool_checked_out",
    "Database connections checked out of the pool (summed over live workers).",
    multiprocess_mode="livesum",
)
# Limiter refusals and mirror lag are added here by their own modules' owners.


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def exposition() -> bytes:
    """Every metric in the Prometheus text format, over all workers when there are several."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics_endpoint(_request: Request) -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str:
    """The matched route's path template (``/v1/registers/{register}/...``), never the path."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if isinstance(template, str):
        return template
    return UNMATCHED


_REQUEST_METRICS: dict[tuple[str, str, int], tuple[Any, Any]] = {}
_METHODS: Final = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _request_metrics(route: str, method: str, status: int) -> tuple[Any, Any]:
    """The labelled counter and histogram of a request, looked up once per label set.

    ``labels()`` takes a lock and builds its key on every call: about a tenth of a bare
    route's CPU. Label sets are closed (route templates, methods, status codes); a method
    outside HTTP's own is counted as ``other`` so a client cannot grow the cache.
    """
    key = (route, method, status)
    found = _REQUEST_METRICS.get(key)
    if found is None:
        label = method if method in _METHODS else "other"
        found = (HTTP_REQUESTS.labels(route, label, str(status)), HTTP_SECONDS.labels(route))
        _REQUEST_METRICS[key] = found
    return found


class MetricsMiddleware:
    """Counts and times every HTTP request by route template and status (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception that escapes every handler ends as 500

        async def send_counting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_counting)
        finally:
            counted, timed = _request_metrics(
                route_template(scope), scope.get("method", ""), status
            )
            counted.inc()
            timed.observe(time.perf_counter() - started)
