"""Who is signed in to the workbench, and what they may open.

``require_ui_role(role)``: not signed in → 303 to ``/ui/login?next=...``; signed in without
the role → 403 page. ``check_csrf`` guards every POST form with the session's token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import get_session, get_writing_session
from hub.state import hub_state
from hub.ui import i18n, service
from hub.ui.i18n import gettext as _
from hub.ui.rendering import is_htmx, render
from hub.ui.security import same_token
from hub.ui.service import UiUser

SESSION_KEY = "sid"
LOGIN_PATH = "/ui/login"

DbSession = Annotated[AsyncSession, Depends(get_session)]
WritingDbSession = Annotated[AsyncSession, Depends(get_writing_session)]


class LoginRequired(Exception):
    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class RoleMissing(Exception):
    def __init__(self, role: str) -> None:
        super().__init__(role)
        self.role = role


class CsrfRefused(Exception):
    """The form did not carry the session's CSRF token."""


def safe_next(candidate: str | None, default: str = "") -> str:
    """Only our own workbench paths: never an open redirect to another site.

    ``""`` (the default) means "no target asked for": the login then sends each account to
    its own workbench (``landing``).
    """
    if (
        candidate
        and candidate.startswith("/ui")
        and not candidate.startswith("//")
        and "\\" not in candidate
        and not candidate.startswith(LOGIN_PATH)
    ):
        return candidate
    return default


async def optional_user(request: Request, session: DbSession) -> UiUser | None:
    # German unless the signed-in account chose otherwise (set again below).
    i18n.use_language(None)
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        return None
    ui = hub_state(request).settings.ui
    user = await service.resume_session(
        session,
        token,
        idle=timedelta(seconds=ui.idle_timeout_seconds),
        lifetime=timedelta(seconds=ui.max_session_seconds),
    )
    if user is None:
        request.session.pop(SESSION_KEY, None)
        return None
    request.state.ui_user = user
    i18n.use_language(user.language)
    request.state.ui_catalogue = await hub_state(request).catalogue.get()
    return user


OptionalUser = Annotated[UiUser | None, Depends(optional_user)]


def require_ui_role(role: str) -> Callable[..., Awaitable[UiUser]]:
    async def _check(request: Request, user: OptionalUser) -> UiUser:
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise LoginRequired(target)
        if role not in user.roles:
            raise RoleMissing(role)
        return user

    return _check


def check_csrf(user: UiUser, token: str | None) -> None:
    if not same_token(token, user.csrf_token):
        raise CsrfRefused


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)  # noqa: S101 - registered for LoginRequired only
    location = f"{LOGIN_PATH}?next={quote(safe_next(exc.next_url), safe='/')}"
    if is_htmx(request):  # htmx would swap the login page into a table: reload instead
        return Response(status_code=200, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


async def _role_missing(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RoleMissing)  # noqa: S101
    return render(request, "forbidden.html", {"role": exc.role}, status_code=403)


async def _csrf_refused(request: Request, _exc: Exception) -> Response:
    return render(
        request,
        "forbidden.html",
        {"role": None, "message": _("The form was not sent from this session (CSRF token).")},
        status_code=403,
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(RoleMissing, _role_missing)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
