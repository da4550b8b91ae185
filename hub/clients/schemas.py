"""The answers of ``/v1/clients`` (the client lifecycle of the operating office)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ClientView(BaseModel):
    """What an operator sees of a client (``ClientSummary.as_json``): never a secret."""

    model_config = ConfigDict(extra="forbid")

    client_id: str
    name: str
    authority: str
    scopes: list[str]
    trusted_roles: list[str]
    active: bool
    authentication: str = Field(description="client_secret, private_key_jwt, both (+) or none")
    created_at: str | None = Field(description="ISO 8601")
    tokens_valid_after: str | None = Field(
        description="ISO 8601; tokens issued before are refused (a rotation that revoked them)"
    )


class ClientList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clients: list[ClientView]


class RotatedSecret(BaseModel):
    """The new secret, shown once in this answer."""

    model_config = ConfigDict(extra="forbid")

    client: ClientView
    client_secret: str
