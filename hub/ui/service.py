"""Workbench accounts and login sessions: local passwords, OIDC identities, lockout.

The only module of ``hub.ui`` that commits (one commit per use case, in its service module).
Passwords and tokens never reach the logs; only usernames and account ids do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.hashing import SecretHasher
from hub.auth.secrets import hash_secret
from hub.logging import get_logger
from hub.models import UiAccount, UiSession
from hub.ui import repository
from hub.ui.security import new_password, new_token, token_digest

_log = get_logger(__name__)

ROLES = ("dpo", "steward", "register_office")
MAX_USERNAME = 100
MAX_OFFICE = 64
# Sessions seen within this many seconds are not written again (one write per minute at most).
TOUCH_INTERVAL_SECONDS = 60


class AccountError(ValueError):
    """An account cannot be created or changed as asked (message names the problem)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class UiUser:
    """The signed-in person, detached from the database session."""

    account_id: int
    username: str
    display_name: str
    roles: frozenset[str]
    csrf_token: str
    login_method: str
    language: str = "de"
    office: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Throttle:
    max_failures: int
    lockout: timedelta


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAccount:
    username: str
    password: str | None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _checked_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    unknown = [role for role in chosen if role not in ROLES]
    if unknown or not chosen:
        raise AccountError(f"roles must be one or more of {', '.join(ROLES)}; got {chosen}")
    return chosen


def _checked_username(username: str) -> str:
    cleaned = username.strip()
    if not cleaned or len(cleaned) > MAX_USERNAME or any(ch.isspace() for ch in cleaned):
        raise AccountError("username: 1-100 characters without spaces")
    return cleaned


async def create_account(
    session: AsyncSession,
    *,
    username: str,
    roles: Iterable[str],
    display_name: str | None = None,
    password: str | None = None,
    oidc_issuer: str | None = None,
    oidc_subject: str | None = None,
    office: str | None = None,
) -> NewAccount:
    """A local account (password generated unless given) or one bound to an OIDC identity."""
    name = _checked_username(username)
    if office is not None and (not office.strip() or len(office) > MAX_OFFICE):
        raise AccountError("office: the authority code of a register office (1-64 characters)")
    if (oidc_issuer is None) != (oidc_subject is None):
        raise AccountError("an OIDC binding needs both issuer and subject")
    if password is None and oidc_subject is None:
        password = new_password()
    account = UiAccount(
        username=name,
        display_name=(display_name or name).strip()[:200],
        password_hash=hash_secret(password) if password is not None else None,
        roles=_checked_roles(roles),
        oidc_issuer=oidc_issuer,
        oidc_subject=oidc_subject,
        disabled=False,
        failed_logins=0,
        language="de",
        office=office.strip() if office else None,
    )
    repository.add_account(session, account)
    try:
        await session.commit()
    except IntegrityError as error:
        await session.rollback()
        raise AccountError(f"an account {name!r} (or that OIDC identity) exists already") from error
    return NewAccount(username=name, password=password)


async def disable_account(session: AsyncSession, username: str) -> None:
    """Refuse every further login and end the account's open sessions now."""
    account = await repository.account_by_username(session, username)
    if account is None:
        raise AccountError(f"no account {username!r}")
    account.disabled = True
    await repository.delete_account_sessions(session, account.account_id)
    await session.commit()


def _locked(account: UiAccount, now: datetime) -> bool:
    until = _utc(account.locked_until)
    return until is not None and until > now


async def check_password(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    throttle: Throttle,
    hasher: SecretHasher,
) -> UiAccount | None:
    """The account if the password is right and it may sign in; counts failures, locks.

    A locked account is refused even with the right password until the lock ends; an unknown
    username costs the same hash check as a known one.
    """
    now = datetime.now(UTC)
    account = await repository.account_by_username(session, username.strip())
    # Off the event loop (bounded pool): Argon2 would stall every other request.
    valid = await hasher.verify(password, account.password_hash if account else None)
    if account is None:
        _log.info("ui_login_failed", reason="unknown_user")
        return None
    if account.disabled or _locked(account, now):
        _log.info("ui_login_refused", username=account.username, disabled=account.disabled)
        await session.rollback()
        return None
    if not valid:
        account.failed_logins += 1
        if account.failed_logins >= throttle.max_failures:
            account.locked_until = now + throttle.lockout
            account.failed_logins = 0
            _log.warning("ui_account_locked", username=account.username)
        await session.commit()
        return None
    return account


async def start_session(
    session: AsyncSession, account: UiAccount, *, method: str
) -> tuple[str, UiUser]:
    """A fresh session for the account (token for the cookie), failures reset."""
    now = datetime.now(UTC)
    account.failed_logins = 0
    account.locked_until = None
    account.last_login_at = now
    token, csrf = new_token(), new_token()
    repository.add_session(
        session,
        UiSession(
            token_hash=token_digest(token),
            account_id=account.account_id,
            csrf_token=csrf,
            login_method=method,
            created_at=now,
            last_seen_at=now,
        ),
    )
    user = _user(account, csrf=csrf, method=method)
    await session.commit()
    _log.info("ui_login", username=user.username, method=method)
    return token, user


def _user(account: UiAccount, *, csrf: str, method: str) -> UiUser:
    return UiUser(
        account_id=account.account_id,
        username=account.username,
        display_name=account.display_name,
        roles=frozenset(account.roles),
        csrf_token=csrf,
        login_method=method,
        language=account.language or "de",
        office=account.office,
    )


async def resume_session(
    session: AsyncSession, token: str, *, idle: timedelta, lifetime: timedelta
) -> UiUser | None:
    """The user behind a session token, or None when unknown, idle, too old or disabled."""
    digest = token_digest(token)
    found = await repository.session_with_account(session, digest)
    if found is None:
        return None
    ui_session, account = found
    now = datetime.now(UTC)
    seen, created = _utc(ui_session.last_seen_at), _utc(ui_session.created_at)
    assert seen is not None  # noqa: S101 - NOT NULL column
    assert created is not None  # noqa: S101
    expired = account.disabled or now - seen > idle or now - created > lifetime
    user = _user(account, csrf=ui_session.csrf_token, method=ui_session.login_method)
    # Page views read on the plain session: the read's transaction ends before the one write
    # (a statement of its own), which SQLite would refuse at once in a reader's transaction if
    # another connection had committed since the read.
    await session.rollback()
    if expired:
        await repository.delete_session(session, digest)
        await session.commit()
        return None
    if (now - seen).total_seconds() > TOUCH_INTERVAL_SECONDS:
        await repository.touch_session(session, digest, now)
        await session.commit()
    return user


async def set_language(session: AsyncSession, account_id: int, language: str) -> None:
    """The account's language for every further page (German or English)."""
    account = await repository.account_by_id(session, account_id)
    if account is None:
        raise AccountError("no such account")
    account.language = language
    await session.commit()


async def end_session(session: AsyncSession, token: str) -> None:
    await repository.delete_session(session, token_digest(token))
    await session.commit()


@dataclass(frozen=True, slots=True, kw_only=True)
class OidcIdentity:
    issuer: str
    subject: str
    username: str
    display_name: str
    roles: frozenset[str]


async def oidc_account(
    session: AsyncSession, identity: OidcIdentity, *, auto_provision: bool
) -> UiAccount | None:
    """The account bound to the IdP identity; provisioned on first login when allowed.

    With auto-provisioning the IdP is the source of the roles: they are refreshed from the
    claim at every login, and an identity without any workbench role gets no account.
    Pre-registered accounts (``hub ui account create --oidc-subject``) keep their local roles.
    """
    account = await repository.account_by_oidc(
        session, issuer=identity.issuer, subject=identity.subject
    )
    if account is None:
        if not auto_provision or not identity.roles:
            _log.info("ui_oidc_refused", reason="no_account", provisioned=auto_provision)
            return None
        taken = await repository.account_by_username(session, identity.username)
        if taken is not None:
            _log.warning("ui_oidc_refused", reason="username_taken", username=identity.username)
            return None
        account = UiAccount(
            username=identity.username,
            display_name=identity.display_name,
            password_hash=None,
            roles=sorted(identity.roles),
            oidc_issuer=identity.issuer,
            oidc_subject=identity.subject,
            disabled=False,
            failed_logins=0,
        )
        repository.add_account(session, account)
        await session.flush()
        _log.info("ui_account_provisioned", username=account.username, roles=account.roles)
    elif auto_provision:
        account.roles = sorted(identity.roles)
    if account.disabled or not account.roles:
        await session.rollback()
        return None
    return account
