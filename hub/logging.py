"""Structured JSON logs with the request id (and trace id) bound per request.

Field values never go into logs: log field names and ids only. Every record, the hub's own
(structlog) and those of uvicorn, SQLAlchemy and psycopg (stdlib logging), leaves as one JSON
line on standard output, with ``request_id`` and, when OpenTelemetry traces the request,
``trace_id``. Two things are kept out on the way:

- exception texts lose what a database error quotes from rows: PostgreSQL's ``DETAIL`` lines
  (``Failing row contains (...)``) and SQLAlchemy's ``[parameters: ...]`` (the engines also
  run with ``hide_parameters``);
- the access log keeps no query-string values (the DPO's person and user filters, a
  steward's free-text reason): ``?person=…&user=…``.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.typing import EventDict, WrappedLogger

_HANDLER_NAME = "hub-json"
_MASK = "…"
# "DETAIL:  Failing row contains (…)", "DETAIL:  Key (email)=(…) already exists." - up to
# the line's end; a SQLAlchemy "[parameters: …]" block up to its closing bracket.
_DETAIL = re.compile(r"(DETAIL:)[^\n]*")
_PARAMETERS = re.compile(r"\[parameters: .*?\]\n?(?=\(Background|\Z|\n)", re.DOTALL)
_QUERY_VALUE = re.compile(r"=([^&\s\"]*)")


def redact(text: str) -> str:
    """``text`` without the row contents and bound parameters a database error quotes."""
    text = _DETAIL.sub(rf"\1 {_MASK}", text)
    return _PARAMETERS.sub(f"[parameters: {_MASK}]\n", text)


def mask_query(target: str) -> str:
    """``/v1/audit/entries?person=P-1&user=x`` -> ``/v1/audit/entries?person=…&user=…``."""
    path, separator, query = target.partition("?")
    if not separator:
        return target
    return f"{path}?{_QUERY_VALUE.sub('=' + _MASK, query)}"


def _redact_exception(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    exception = event_dict.get("exception")
    if isinstance(exception, str):
        event_dict["exception"] = redact(exception)
    return event_dict


def _add_trace_id(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    try:
        from opentelemetry import trace  # noqa: PLC0415 - optional, off by default
    except ImportError:  # pragma: no cover - opentelemetry-api ships with the hub
        return event_dict
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict["trace_id"] = format(context.trace_id, "032x")
    return event_dict


class _AccessLogFilter(logging.Filter):
    """uvicorn's access record carries the request target as an argument: mask its values."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):  # noqa: PLR2004
            record.args = (*args[:2], mask_query(args[2]), *args[3:])
        return True


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stdout`` is at the time (pytest's capture swaps it)."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Always the current standard output; ``StreamHandler.__init__`` sets a stream."""


def _shared_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_id,
    ]


def json_formatter() -> logging.Formatter:
    """The one formatter of every log record (also used by the tests' log capture)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _redact_exception,
            # UTF-8 as is: "Müller" stays greppable instead of "M\\u00fcller".
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
    )


def configure_logging(*, level: str = "INFO") -> None:
    """Idempotent: the app factory calls it once per app (tests build many)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(handler)
    handler = _StdoutHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(json_formatter())
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _AccessLogFilter) for f in access.filters):
        access.addFilter(_AccessLogFilter())
    # uvicorn without an access log leaves its access logger without handlers and without
    # propagation: kept so. Propagated, every request cost a JSON line (and a JWKS request
    # about a third more CPU), although `hub serve` logs no access unless asked to.
    wanted = {
        "uvicorn": True,
        "uvicorn.error": True,
        "uvicorn.access": bool(access.handlers) or access.propagate,
    }
    for name, propagate in wanted.items():
        # uvicorn's own plain-text handlers would repeat each record unmasked and unredacted.
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = propagate
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger


class RequestIdMiddleware:
    """Gives every HTTP request an id (``request.state.request_id``, ``X-Request-ID``).

    Pure ASGI rather than ``BaseHTTPMiddleware``: that one runs each request in an extra task
    with memory streams for body and answer, a measurable share of a query's CPU.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        # Not cleared first (that walks the whole context) nor reset after: the server runs each
        # request in a task of its own context, and uvicorn's access line, written after the
        # answer, still carries the id. The request id is the only variable the hub binds.
        structlog.contextvars.bind_contextvars(request_id=request_id)
        header = (b"x-request-id", request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)
