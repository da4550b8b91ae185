"""Registering specialist procedures as OAuth2 clients and managing their lifecycle.

``hub clients create|list|disable|enable|rotate-secret`` and ``/v1/clients``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.hashing import SecretHasher
from hub.auth.scopes import DEFAULT_SCOPES, KNOWN_SCOPES, TRUSTED_ROLES
from hub.auth.secrets import hash_secret, new_client_secret
from hub.clients import lifecycle, repository
from hub.clients.lifecycle import ClientSummary


class ClientRegistrationError(ValueError):
    """The client cannot be registered as asked."""


@dataclass(frozen=True, slots=True)
class NewClient:
    client_id: str
    client_secret: str


def create_client(
    connection: Connection,
    *,
    authority: str,
    name: str | None = None,
    scopes: list[str] | None = None,
    trusted_roles: list[str] | None = None,
) -> NewClient:
    """Insert the client in the caller's transaction; the secret is returned once, never stored."""
    scopes = sorted(set(scopes or DEFAULT_SCOPES))
    trusted_roles = sorted(set(trusted_roles or []))
    if unknown := set(scopes) - KNOWN_SCOPES:
        raise ClientRegistrationError(f"unknown scope(s): {', '.join(sorted(unknown))}")
    if unknown := set(trusted_roles) - TRUSTED_ROLES:
        raise ClientRegistrationError(f"unknown trusted role(s): {', '.join(sorted(unknown))}")
    if not repository.authority_exists(connection, authority):
        raise ClientRegistrationError(
            f"unknown authority {authority!r}; load the catalogue first (hub catalogue load)"
        )
    client_id = f"{authority}-{secrets.token_hex(6)}"
    secret = new_client_secret()
    repository.insert_client(
        connection,
        {
            "client_id": client_id,
            "name": name or f"{authority} procedure",
            "authority_code": authority,
            "secret_hash": hash_secret(secret),
            "scopes": scopes,
            "trusted_roles": trusted_roles,
            "active": True,
        },
    )
    return NewClient(client_id=client_id, client_secret=secret)


@dataclass(frozen=True, slots=True)
class RotatedSecret:
    client: ClientSummary
    client_secret: str


def _rotation_instant(revoke_tokens: bool) -> datetime | None:
    return datetime.now(UTC) if revoke_tokens else None


async def list_clients_async(
    session: AsyncSession, *, authority: str | None = None
) -> list[ClientSummary]:
    return await session.run_sync(
        lambda sync: lifecycle.list_clients(sync.connection(), authority=authority)
    )


async def set_client_active(
    session: AsyncSession, client_id: str, *, active: bool
) -> ClientSummary:
    changed = await session.run_sync(
        lambda sync: lifecycle.set_active(sync.connection(), client_id, active=active)
    )
    await session.commit()
    return changed


async def rotate_client_secret(
    session: AsyncSession, client_id: str, *, hasher: SecretHasher, revoke_tokens: bool
) -> RotatedSecret:
    """A new secret, shown once; the Argon2 hash is made off the event loop."""
    secret = new_client_secret()
    secret_hash = await hasher.hash(secret)
    changed = await session.run_sync(
        lambda sync: lifecycle.rotate_secret(
            sync.connection(),
            client_id,
            secret_hash=secret_hash,
            revoke_after=_rotation_instant(revoke_tokens),
        )
    )
    await session.commit()
    return RotatedSecret(changed, secret)


def rotate_client_secret_sync(
    connection: Connection, client_id: str, *, revoke_tokens: bool
) -> RotatedSecret:
    """The CLI's rotation, in the caller's transaction."""
    secret = new_client_secret()
    changed = lifecycle.rotate_secret(
        connection,
        client_id,
        secret_hash=hash_secret(secret),
        revoke_after=_rotation_instant(revoke_tokens),
    )
    return RotatedSecret(changed, secret)
