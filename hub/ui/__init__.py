"""Web workbenches for people: login shared by /ui/audit, /ui/catalogue, /ui/tasks.

``install_ui`` is called once from ``create_app``: signed session cookie (key in
``HUB_KEY_DIR``), static files (vendored htmx), the login and workbench routers.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.config import Settings
from hub.state import app_state
from hub.ui.audit.endpoints import router as audit_router
from hub.ui.catalogue.create import router as catalogue_create_router
from hub.ui.catalogue.endpoints import router as catalogue_router
from hub.ui.catalogue.purposes import router as purposes_router
from hub.ui.catalogue.records import router as records_router
from hub.ui.dependencies import install_handlers
from hub.ui.endpoints import router as login_router
from hub.ui.oidc import OidcLogin
from hub.ui.rendering import STATIC_DIR
from hub.ui.security import SESSION_COOKIE, load_or_create_session_secret
from hub.ui.tasks.endpoints import router as tasks_router

__all__ = ["install_ui"]

UI_PREFIX = "/ui"


class UiSessionMiddleware:
    """The workbenches' signed session cookie, on ``/ui`` paths only.

    API calls (``/v1``, ``/oauth``, ...) never carry the cookie (its path is ``/ui``), so they
    skip the session machinery altogether instead of paying for it on every request.
    """

    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int, https_only: bool) -> None:
        self.app = app
        self.session = SessionMiddleware(
            app,
            secret_key=secret_key,
            session_cookie=SESSION_COOKIE,
            max_age=max_age,
            path=UI_PREFIX,
            same_site="lax",
            https_only=https_only,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if path == UI_PREFIX or path.startswith(UI_PREFIX + "/"):
            await self.session(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install_ui(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        UiSessionMiddleware,
        secret_key=load_or_create_session_secret(settings.key_dir),
        max_age=settings.ui.max_session_seconds,
        https_only=settings.ui.secure_cookies or settings.environment == "production",
    )
    app_state(app).ui_oidc = OidcLogin(settings.oidc) if settings.oidc.issuer else None
    app.mount("/ui/static", StaticFiles(directory=STATIC_DIR), name="ui-static")
    install_handlers(app)
    routers = (
        login_router,
        audit_router,
        catalogue_router,
        purposes_router,
        catalogue_create_router,
        records_router,
        tasks_router,
    )
    for router in routers:
        app.include_router(router)
