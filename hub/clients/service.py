"""Registering specialist procedures as OAuth2 clients (``hub clients create``)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from hub.auth.scopes import DEFAULT_SCOPES, KNOWN_SCOPES, TRUSTED_ROLES
from hub.auth.secrets import hash_secret, new_client_secret
from hub.models import Authority, Client


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
    known = connection.execute(select(Authority.code).where(Authority.code == authority)).first()
    if known is None:
        raise ClientRegistrationError(
            f"unknown authority {authority!r}; load the catalogue first (hub catalogue load)"
        )
    client_id = f"{authority}-{secrets.token_hex(6)}"
    secret = new_client_secret()
    connection.execute(
        insert(Client).values(
            client_id=client_id,
            name=name or f"{authority} procedure",
            authority_code=authority,
            secret_hash=hash_secret(secret),
            scopes=scopes,
            trusted_roles=trusted_roles,
            active=True,
        )
    )
    return NewClient(client_id=client_id, client_secret=secret)
