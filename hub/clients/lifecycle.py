"""Client lifecycle in SQL: list, disable/enable, rotate the secret.

Plain functions on a synchronous :class:`~sqlalchemy.Connection` inside the caller's
transaction: the CLI calls them directly, the API through ``AsyncSession.run_sync``; their
statements are in ``hub.clients.repository``.
Secrets are hashed by the caller (off the event loop in the API).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from hub.clients import repository
from hub.errors import ClientNotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientSummary:
    """What an operator sees of a client: never its secret hash or keys."""

    client_id: str
    name: str
    authority: str
    scopes: list[str]
    trusted_roles: list[str]
    active: bool
    authentication: str  # client_secret, private_key_jwt or both
    created_at: datetime | None
    tokens_valid_after: datetime | None

    def as_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        return {
            "client_id": self.client_id,
            "name": self.name,
            "authority": self.authority,
            "scopes": self.scopes,
            "trusted_roles": self.trusted_roles,
            "active": self.active,
            "authentication": self.authentication,
            "created_at": iso(self.created_at),
            "tokens_valid_after": iso(self.tokens_valid_after),
        }


def _authentication(row: Any) -> str:
    methods = [
        name
        for name, present in (("client_secret", row.secret_hash), ("private_key_jwt", row.jwks))
        if present
    ]
    return "+".join(methods) or "none"


def _summary(row: Any) -> ClientSummary:
    return ClientSummary(
        client_id=row.client_id,
        name=row.name,
        authority=row.authority_code,
        scopes=list(row.scopes),
        trusted_roles=list(row.trusted_roles),
        active=bool(row.active),
        authentication=_authentication(row),
        created_at=row.created_at,
        tokens_valid_after=row.tokens_valid_after,
    )


def list_clients(connection: Connection, *, authority: str | None = None) -> list[ClientSummary]:
    return [_summary(row) for row in repository.client_rows(connection, authority=authority)]


def _one(connection: Connection, client_id: str) -> ClientSummary:
    row = repository.client_row(connection, client_id)
    if row is None:
        raise ClientNotFound(f"no client {client_id!r}")
    return _summary(row)


def set_active(connection: Connection, client_id: str, *, active: bool) -> ClientSummary:
    """Disable (its tokens are refused from the next request on) or enable a client."""
    repository.update_client(connection, client_id, {"active": active})
    return _one(connection, client_id)


def rotate_secret(
    connection: Connection, client_id: str, *, secret_hash: str, revoke_after: datetime | None
) -> ClientSummary:
    """Store the new secret's hash; ``revoke_after`` set: older tokens are refused too."""
    values: dict[str, Any] = {"secret_hash": secret_hash}
    if revoke_after is not None:
        values["tokens_valid_after"] = revoke_after
    repository.update_client(connection, client_id, values)
    return _one(connection, client_id)
