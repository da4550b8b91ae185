"""RFC 9457 problem details for every error the hub answers with."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.domain import Outcome
from hub.serialise.json import JsonResponse

PROBLEM_BASE = "https://register-hub.darmstadt.de/problems"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class HubError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"
    # How the ledger records a call that ends with this error: ``invalid`` for what the
    # caller got wrong, ``error`` for what the hub failed at, unless a class says more.
    outcome: ClassVar[Outcome] = Outcome.ERROR

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        self.headers: dict[str, str] = {}

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        return {"description": cls.title, "content": {PROBLEM_MEDIA_TYPE: {}}}


class Unauthenticated(HubError):
    status, slug, title = 401, "unauthenticated", "Authentication required"
    outcome = Outcome.UNAUTHENTICATED

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class InsufficientScope(HubError):
    status, slug, title = 403, "insufficient-scope", "Token lacks the required scope"
    outcome = Outcome.FORBIDDEN


class AccessDenied(HubError):
    status, slug, title = 403, "access-denied", "Access denied"
    outcome = Outcome.DENIED


class ArchiveLawApplies(AccessDenied):
    """The entry is past its Fortführungsfrist: archive law, not register law (PStG §61 Abs. 2)."""

    status, slug, title = 403, "archive-law-applies", "Archive law applies"
    outcome = Outcome.ARCHIVE


class UnknownRegister(HubError):
    status, slug, title = 404, "unknown-register", "Unknown register"
    outcome = Outcome.INVALID


class ReviewCaseNotFound(HubError):
    status, slug, title = 404, "review-case-not-found", "Unknown review case"
    outcome = Outcome.NOT_FOUND


class ReviewCaseClosed(HubError):
    status, slug, title = 409, "review-case-closed", "Review case already closed"
    outcome = Outcome.CONFLICT


class DutyNotFound(HubError):
    status, slug, title = 404, "duty-not-found", "Unknown catalogue duty"
    outcome = Outcome.INVALID


class DutyAlreadyDone(HubError):
    status, slug, title = 409, "duty-already-done", "Duty already done"
    outcome = Outcome.INVALID


class ClientNotFound(HubError):
    status, slug, title = 404, "client-not-found", "Unknown client"
    outcome = Outcome.INVALID


class CatalogueEntryNotFound(HubError):
    status, slug, title = 404, "catalogue-entry-not-found", "Unknown catalogue entry"
    outcome = Outcome.INVALID


class CatalogueConflict(HubError):
    status, slug, title = 409, "catalogue-conflict", "Catalogue change conflicts"
    outcome = Outcome.INVALID


class InvalidCatalogueChange(HubError):
    """A catalogue write the catalogue, the register or the law (the policy) refuses."""

    status, slug, title = 422, "invalid-catalogue-change", "Catalogue change refused"
    outcome = Outcome.INVALID


class OpenDataNotFound(HubError):
    """No publication of that aggregate and reference, or its file does not match the ledger."""

    status, slug, title = 404, "open-data-not-found", "Unknown open data file"
    outcome = Outcome.INVALID


class InvalidQuery(HubError):
    status, slug, title = 422, "invalid-query", "Invalid query"
    outcome = Outcome.INVALID


class MalformedRequest(HubError):
    status, slug, title = 400, "malformed-request", "Malformed request"
    outcome = Outcome.INVALID


class InvalidRequest(HubError):
    """Parameters or a body FastAPI validated against the route (RequestValidationError)."""

    status, slug, title = 422, "invalid-request", "Invalid request"
    outcome = Outcome.INVALID


class InvalidCharacters(HubError):
    """Text holding control, format (zero-width, bidi) or compatibility characters."""

    status, slug, title = 422, "invalid-characters", "Characters not accepted"
    outcome = Outcome.INVALID


class PayloadTooLarge(HubError):
    status, slug, title = 413, "payload-too-large", "Request body too large"
    outcome = Outcome.INVALID


class UnsupportedMediaType(HubError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"
    outcome = Outcome.INVALID


class TooManyHits(HubError):
    status, slug, title = 422, "too-many-hits", "Too many hits; narrow the search"
    outcome = Outcome.INVALID


class RegisterUnavailable(HubError):
    status, slug, title = 502, "register-unavailable", "Register unavailable"
    outcome = Outcome.UPSTREAM_ERROR


class RegisterTimeout(HubError):
    status, slug, title = 504, "register-timeout", "Register did not answer in time"
    outcome = Outcome.UPSTREAM_ERROR


class RegisterStale(HubError):
    """The mirror trails its source by more than the catalogue allows: nothing is released."""

    status, slug, title = 503, "register-stale", "Register mirror is not current"
    outcome = Outcome.STALE


class AcknowledgementUnconfirmed(HubError):
    """Pushed changes are applied, but not every worker confirmed its earlier answers are out."""

    status, slug, title = 503, "acknowledgement-unconfirmed", "Acknowledgement not confirmed"
    outcome = Outcome.ERROR


class InvalidChanges(HubError):
    """A batch of change lines with bad lines; ``errors`` names each line and member."""

    status, slug, title = 422, "invalid-changes", "Changes rejected; nothing was applied"
    outcome = Outcome.INVALID


class PolicyUnavailable(HubError):
    status, slug, title = 503, "policy-unavailable", "Policy decision unavailable"
    outcome = Outcome.POLICY_UNAVAILABLE


class AuditUnavailable(HubError):
    status, slug, title = 503, "audit-unavailable", "Access ledger unavailable"
    outcome = Outcome.ERROR


class DatabaseUnavailable(HubError):
    """The hub's own database did not answer within the client-side bounds (hub.db)."""

    status, slug, title = 503, "database-unavailable", "Database unavailable"
    outcome = Outcome.ERROR


class TooManyRequests(HubError):
    """A limiter in front of authentication refused the call; ``Retry-After`` says when."""

    status, slug, title = 429, "too-many-requests", "Too many requests"
    outcome = Outcome.INVALID

    def __init__(self, detail: str, *, retry_after: int, **extensions: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extensions)
        self.headers = {"Retry-After": str(retry_after)}


class InternalFailure(HubError):
    status, slug, title = 500, "internal-error", "Internal error"
    outcome = Outcome.ERROR


class OAuthError(HubError):
    """Token endpoint errors keep RFC 6749 §5.2 codes alongside the problem shape."""

    status, slug, title = 400, "oauth-error", "Token request refused"
    outcome = Outcome.INVALID

    def __init__(self, error: str, detail: str, *, status: int = 400) -> None:
        super().__init__(detail, error=error, error_description=detail)
        self.status_override = status
        if status == 401:  # noqa: PLR2004 - RFC 6749 invalid_client
            self.headers = {"WWW-Authenticate": 'Basic realm="register-hub"'}


def problem_response(
    *, status: int, slug: str, title: str, detail: str, request: Request, **extensions: Any
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": f"{PROBLEM_BASE}/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": getattr(request.state, "request_id", None),
    }
    body.update(extensions)
    return JsonResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


async def _handle_hub_error(request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, HubError)  # noqa: S101 - registered for HubError only
    status = getattr(exc, "status_override", exc.status)
    response = problem_response(
        status=status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        request=request,
        **exc.extensions,
    )
    response.headers.update(exc.headers)
    return response


def validation_problems(errors: Any) -> list[dict[str, Any]]:
    """Name each offending member as a JSON pointer, never echoing the input value."""
    problems = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        problems.append({"pointer": "/" + "/".join(location), "detail": error.get("msg", "")})
    return problems


async def _handle_validation_error(request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    problems = validation_problems(exc.errors())
    detail = "; ".join(f"{p['pointer']}: {p['detail']}" for p in problems)
    return problem_response(
        status=InvalidRequest.status,
        slug=InvalidRequest.slug,
        title=InvalidRequest.title,
        detail=detail,
        request=request,
        errors=problems,
    )


async def _handle_http_error(request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
    response = problem_response(
        status=exc.status_code,
        slug=slug,
        title=str(exc.detail),
        detail=str(exc.detail),
        request=request,
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def _handle_unexpected(request: Request, _exc: Exception) -> JsonResponse:
    response = problem_response(
        status=500,
        slug="internal-error",
        title="Internal error",
        detail="The hub failed to process the request; no data was released.",
        request=request,
    )
    # Answered by Starlette's outermost middleware, past the one that adds the header.
    request_id = getattr(request.state, "request_id", None)
    if request_id is not None:
        response.headers["X-Request-ID"] = request_id
    return response


def problem_responses(*errors: type[HubError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for these errors, several sharing a status under one entry."""
    documented: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = documented.setdefault(error.status, error.openapi())
        if error.title not in entry["description"].split("; "):
            entry["description"] = f"{entry['description']}; {error.title}"
    return documented


# What any route with parameters or a JSON body may answer before its own code runs:
# the strict JSON reader (400/413/415/422) and parameter validation (422).
INPUT_PROBLEMS: tuple[type[HubError], ...] = (
    MalformedRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    InvalidRequest,
    InvalidCharacters,
)


def router_problems(*errors: type[HubError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a ``/v1`` router: token (401), scope (403), input, and ``errors``."""
    return problem_responses(Unauthenticated, InsufficientScope, *INPUT_PROBLEMS, *errors)


def database_unreachable(error: BaseException) -> bool:
    """A database error that says the database is not there (not a bug in a statement)."""
    if isinstance(error, sa_exc.TimeoutError | sa_exc.OperationalError):
        return True  # pool checkout bound, lost or severed connection, SQLite busy
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


async def _handle_database_error(request: Request, exc: Exception) -> JsonResponse:
    if not database_unreachable(exc):
        raise exc  # a failing statement is a bug: the 500 handler logs it
    from hub.logging import get_logger  # noqa: PLC0415 - logging imports nothing from here

    get_logger(__name__).warning("database_unavailable", error=exc.__class__.__name__)
    return problem_response(
        status=503,
        slug=DatabaseUnavailable.slug,
        title=DatabaseUnavailable.title,
        detail="the hub database did not answer in time; nothing was released",
        request=request,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HubError, _handle_hub_error)
    app.add_exception_handler(sa_exc.DBAPIError, _handle_database_error)
    app.add_exception_handler(sa_exc.TimeoutError, _handle_database_error)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_error)
    app.add_exception_handler(Exception, _handle_unexpected)
