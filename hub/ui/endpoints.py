"""Sign-in and sign-out of the web workbenches (shared by /ui/audit, /ui/catalogue, /ui/tasks)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hub.kit.public_url import public_url_for
from hub.logging import get_logger
from hub.state import hub_state
from hub.ui import i18n, service
from hub.ui.dependencies import (
    SESSION_KEY,
    OptionalUser,
    WritingDbSession,
    check_csrf,
    safe_next,
)
from hub.ui.i18n import N_
from hub.ui.i18n import gettext as _
from hub.ui.oidc import OidcFailed, OidcLogin
from hub.ui.rendering import render
from hub.ui.security import new_token, same_token
from hub.ui.service import UiUser

router = APIRouter(prefix="/ui", include_in_schema=False)
_log = get_logger(__name__)

LOGIN_CSRF_KEY = "login_csrf"
OIDC_NEXT_KEY = "oidc_next"
# The id_token kept as id_token_hint for ending the IdP session on logout (a key, no secret).
OIDC_ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105
# Workbench per role; the landing page links those the user may open.
WORKBENCHES = (
    ("dpo", "/ui/audit", N_("Access ledger (DPO)")),
    ("steward", "/ui/catalogue", N_("Catalogue (data stewards)")),
    ("register_office", "/ui/tasks", N_("Tasks (register office)")),
)


def landing(roles: frozenset[str]) -> str:
    """Where an account goes after signing in without a target: its one workbench, else /ui."""
    own = [path for role, path, _title in WORKBENCHES if role in roles]
    return own[0] if len(own) == 1 else "/ui"


def _oidc(request: Request) -> OidcLogin | None:
    oidc: OidcLogin | None = hub_state(request).ui_oidc
    return oidc


def _login_page(
    request: Request, *, next_url: str, error: str | None = None, status_code: int = 200
) -> Response:
    token = request.session.get(LOGIN_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = new_token()
        request.session[LOGIN_CSRF_KEY] = token
    oidc = _oidc(request)
    context = {
        "next": next_url,
        "login_csrf": token,
        "error": error,
        "oidc_name": oidc.settings.display_name if oidc else None,
    }
    return render(request, "login.html", context, status_code=status_code)


def _signed_in(request: Request, token: str, next_url: str, user: UiUser) -> Response:
    request.session.clear()  # nothing of the anonymous session survives the login
    request.session[SESSION_KEY] = token
    return RedirectResponse(next_url or landing(user.roles), status_code=303)


@router.get("")
async def home(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return RedirectResponse("/ui/login", status_code=303)
    links = [(path, title) for role, path, title in WORKBENCHES if role in user.roles]
    return render(request, "home.html", {"workbenches": links})


@router.get("/login", name="ui_login_form")
async def login_form(request: Request, user: OptionalUser, next: str | None = None) -> Response:  # noqa: A002
    target = safe_next(next)
    if user is not None:
        return RedirectResponse(target or landing(user.roles), status_code=303)
    return _login_page(request, next_url=target)


@router.post("/login")
async def login(
    *,
    request: Request,
    session: WritingDbSession,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002
) -> Response:
    target = safe_next(next)
    if not same_token(csrf_token, request.session.get(LOGIN_CSRF_KEY)):
        return _login_page(
            request,
            next_url=target,
            error=_("The sign-in form expired or was not sent from this page; please try again."),
            status_code=403,
        )
    settings = hub_state(request).settings.ui
    throttle = service.Throttle(
        max_failures=settings.max_failed_logins,
        lockout=timedelta(seconds=settings.lockout_seconds),
    )
    account = None
    if username and password:
        account = await service.check_password(
            session,
            username=username,
            password=password,
            throttle=throttle,
            hasher=hub_state(request).secret_hasher,
        )
    if account is None:
        minutes = max(1, settings.lockout_seconds // 60)
        error = _(
            "Sign-in failed: unknown user, wrong password, or the account is disabled or "
            "locked (%(failures)d failures lock it for %(minutes)d min)."
        ) % {"failures": settings.max_failed_logins, "minutes": minutes}
        return _login_page(request, next_url=target, error=error, status_code=401)
    token, user = await service.start_session(session, account, method="password")
    return _signed_in(request, token, target, user)


@router.post("/logout")
async def logout(
    request: Request,
    session: WritingDbSession,
    user: OptionalUser,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    token = request.session.get(SESSION_KEY)
    id_token = request.session.get(OIDC_ID_TOKEN_KEY)
    if user is not None:
        check_csrf(user, csrf_token)
        if isinstance(token, str):
            await service.end_session(session, token)
        _log.info("ui_logout", username=user.username)
    request.session.clear()
    oidc = _oidc(request)
    if user is not None and oidc is not None and isinstance(id_token, str):
        idp_logout = await oidc.logout_url(
            id_token=id_token,
            post_logout_redirect_uri=public_url_for(request, "ui_login_form"),
        )
        if idp_logout is not None:  # the IdP session ends too, then the IdP sends us back
            return RedirectResponse(idp_logout, status_code=303)
    return RedirectResponse("/ui/login", status_code=303)


@router.post("/language")
async def choose_language(
    *,
    session: WritingDbSession,
    user: OptionalUser,
    language: Annotated[str, Form(max_length=8)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The account's language for every further page (German or English)."""
    if user is None:
        return RedirectResponse("/ui/login", status_code=303)
    check_csrf(user, csrf_token)
    await service.set_language(session, user.account_id, i18n.chosen(language))
    return RedirectResponse(safe_next(next) or landing(user.roles), status_code=303)


@router.get("/login/oidc")
async def oidc_start(request: Request, next: str | None = None) -> Response:  # noqa: A002
    oidc = _oidc(request)
    if oidc is None:
        return RedirectResponse("/ui/login", status_code=303)
    request.session[OIDC_NEXT_KEY] = safe_next(next)
    try:
        return await oidc.redirect(request, callback=public_url_for(request, "ui_oidc_callback"))
    except OidcFailed as error:
        return _login_page(request, next_url=safe_next(next), error=str(error), status_code=502)


@router.get("/login/oidc/callback", name="ui_oidc_callback")
async def oidc_callback(request: Request, session: WritingDbSession) -> Response:
    oidc = _oidc(request)
    target = safe_next(request.session.pop(OIDC_NEXT_KEY, None))
    if oidc is None:
        return RedirectResponse("/ui/login", status_code=303)
    try:
        signed_in = await oidc.identity(request)
    except OidcFailed as error:
        _log.warning("ui_oidc_failed", problem=str(error))
        return _login_page(request, next_url=target, error=str(error), status_code=401)
    account = await service.oidc_account(
        session, signed_in.identity, auto_provision=oidc.settings.auto_provision
    )
    if account is None:
        refused = _("Your identity provider account has no workbench role here, or it is disabled.")
        return _login_page(request, next_url=target, error=refused, status_code=403)
    token, user = await service.start_session(session, account, method="oidc")
    response = _signed_in(request, token, target, user)
    request.session[OIDC_ID_TOKEN_KEY] = signed_in.id_token
    return response
