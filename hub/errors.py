"""RFC 9457 problem details for every error the hub answers with."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hub.serialise.json import JsonResponse

PROBLEM_BASE = "https://register-hub.darmstadt.de/problems"
PROBLEM_MEDIA_TYPE = "application/problem+json"


class HubError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

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

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class InsufficientScope(HubError):
    status, slug, title = 403, "insufficient-scope", "Token lacks the required scope"


class AccessDenied(HubError):
    status, slug, title = 403, "access-denied", "Access denied"


class ArchiveLawApplies(AccessDenied):
    """The entry is past its Fortführungsfrist: archive law, not register law (PStG §61 Abs. 2)."""

    status, slug, title = 403, "archive-law-applies", "Archive law applies"


class UnknownRegister(HubError):
    status, slug, title = 404, "unknown-register", "Unknown register"


class ReviewCaseNotFound(HubError):
    status, slug, title = 404, "review-case-not-found", "Unknown review case"


class ReviewCaseClosed(HubError):
    status, slug, title = 409, "review-case-closed", "Review case already closed"


class DutyNotFound(HubError):
    status, slug, title = 404, "duty-not-found", "Unknown catalogue duty"


class DutyAlreadyDone(HubError):
    status, slug, title = 409, "duty-already-done", "Duty already done"


class ClientNotFound(HubError):
    status, slug, title = 404, "client-not-found", "Unknown client"


class CatalogueEntryNotFound(HubError):
    status, slug, title = 404, "catalogue-entry-not-found", "Unknown catalogue entry"


class CatalogueConflict(HubError):
    status, slug, title = 409, "catalogue-conflict", "Catalogue change conflicts"


class InvalidCatalogueChange(HubError):
    """A catalogue write the catalogue, the register or the law (the policy) refuses."""

    status, slug, title = 422, "invalid-catalogue-change", "Catalogue change refused"


class InvalidQuery(HubError):
    status, slug, title = 422, "invalid-query", "Invalid query"


class MalformedRequest(HubError):
    status, slug, title = 400, "malformed-request", "Malformed request"


class PayloadTooLarge(HubError):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class UnsupportedMediaType(HubError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class TooManyHits(HubError):
    status, slug, title = 422, "too-many-hits", "Too many hits; narrow the search"


class RegisterUnavailable(HubError):
    status, slug, title = 502, "register-unavailable", "Register unavailable"


class RegisterTimeout(HubError):
    status, slug, title = 504, "register-timeout", "Register did not answer in time"


class PolicyUnavailable(HubError):
    status, slug, title = 503, "policy-unavailable", "Policy decision unavailable"


class DatabaseUnavailable(HubError):
    """The hub's own database did not answer (e.g. the client status check)."""

    status, slug, title = 503, "database-unavailable", "Database unavailable"


class AuditUnavailable(HubError):
    status, slug, title = 503, "audit-unavailable", "Access ledger unavailable"


class TooManyRequests(HubError):
    """A limiter in front of authentication refused the call; ``Retry-After`` says when."""

    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **extensions: Any) -> None:
        super().__init__(detail, retry_after=retry_after, **extensions)
        self.headers = {"Retry-After": str(retry_after)}


class InternalFailure(HubError):
    status, slug, title = 500, "internal-error", "Internal error"


class OAuthError(HubError):
    """Token endpoint errors keep RFC 6749 §5.2 codes alongside the problem shape."""

    status, slug, title = 400, "oauth-error", "Token request refused"

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
        status=422,
        slug="invalid-request",
        title="Invalid request",
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
    return problem_response(
        status=500,
        slug="internal-error",
        title="Internal error",
        detail="The hub failed to process the request; no data was released.",
        request=request,
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HubError, _handle_hub_error)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_error)
    app.add_exception_handler(Exception, _handle_unexpected)
