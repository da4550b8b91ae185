"""/docs without the internet, "Authorize" that works, and the query's answers described.

FastAPI's Swagger UI loads its script and style from a CDN, so on the city's closed network
``/docs`` stays blank: the assets come from the pinned ``swagger-ui-bundle`` package
instead, served by the hub under ``/docs/assets``. The OpenAPI document declares how
clients authenticate (a bearer JWT from ``POST /oauth/token``, OAuth 2.0 client
credentials), so Swagger UI's "Authorize" fetches a token with a client's id and secret,
and describes the query endpoint's answers with examples.
"""

from __future__ import annotations

from typing import Any

import swagger_ui_bundle  # type: ignore[import-untyped]
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from hub.auth.scopes import (
    AUDIT_READ,
    CATALOGUE_READ,
    CATALOGUE_WRITE,
    CLIENTS_ADMIN,
    REGISTER_QUERY,
    REGISTER_WRITE,
    TASKS_READ,
)
from hub.errors import MalformedRequest
from hub.query_docs import QUERY_ANSWERS

ASSETS = "/docs/assets"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
SCOPES = {
    REGISTER_QUERY: "query the registers (POST /v1/registers/{register}/queries)",
    CATALOGUE_READ: "read the catalogue",
    CATALOGUE_WRITE: "change the catalogue (data stewards)",
    AUDIT_READ: "read the access ledger (data protection officer)",
    TASKS_READ: "read the register office's tasks",
    CLIENTS_ADMIN: "manage clients (the operating office)",
    REGISTER_WRITE: "push changes into a mirrored register",
}
SECURITY_SCHEMES = {
    "clientCredentials": {
        "type": "oauth2",
        "description": "OAuth 2.0 client credentials (RFC 6749 §4.4): enter a client's id and "
        "secret (`hub clients create`, or the demo clients of `make run`).",
        "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": SCOPES}},
    },
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An access token from POST /oauth/token, valid for at most 900 s.",
    },
}
# Either scheme will do; the scope each operation needs is in its description and 403.
SECURITY: list[dict[str, list[str]]] = [{"clientCredentials": []}, {"bearer": []}]
QUERY_PATH = "/v1/registers/{register}/queries"


def install_docs(app: FastAPI) -> None:
    """``/docs`` (Swagger UI from the hub itself) and the completed OpenAPI document."""
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} - API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            init_oauth={"usePkceWithAuthorizationCodeGrant": False},
        )

    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    app.add_api_route("/docs", swagger_ui, include_in_schema=False)
    app.add_api_route(OAUTH2_REDIRECT, swagger_ui_redirect, include_in_schema=False)
    plain_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = completed(plain_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def completed(spec: dict[str, Any]) -> dict[str, Any]:
    """The security schemes, a security requirement on every /v1 operation, the answers.

    Declaring the security lets schemathesis try broken bodies with valid tokens too; a
    route reading a body then also documents the 400 its strict JSON reader gives.
    """
    spec.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in spec.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for operation in operations.values():
            operation.setdefault("security", SECURITY)
            if "requestBody" in operation:  # the strict JSON reader refuses bad bytes with 400
                operation.setdefault("responses", {}).setdefault("400", MalformedRequest.openapi())
    query = spec.get("paths", {}).get(QUERY_PATH, {}).get("post")
    if query is not None:
        _describe_query(query)
    return spec


def _describe_query(operation: dict[str, Any]) -> None:
    operation["summary"] = "Query a register (Personensuche, freie Suche, Datenbestätigung)"
    operation["description"] = (
        "Needs the scope `register:query`. Every answer, whatever its outcome, is written "
        "to the access ledger before it is sent. `released` carries only the fields the "
        "law and the purpose allow (`withheld_fields` names the rest); `neutral` looks the "
        "same for no match and for a blocked person (Auskunftssperre); `manual` means the "
        "register office decides (a task is opened)."
    )
    responses = operation.setdefault("responses", {})
    for status, answer in QUERY_ANSWERS.items():
        responses[status] = {**responses.get(status, {}), **answer}
