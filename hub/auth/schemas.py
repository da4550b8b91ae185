"""The answers of ``POST /oauth/token`` (client credentials) and ``GET /.well-known/jwks.json``.

Both routes send their answer as built (no-store headers; the key set rendered once per
process); these models document it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TokenAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    access_token: str = Field(description="A JWT (ES256)")
    token_type: Literal["Bearer"]
    expires_in: int = Field(le=900, description="seconds")
    scope: str = Field(description="the granted scopes, space-separated")


class PublicJwk(BaseModel):
    """A public key (RFC 7517); members beyond these may follow."""

    model_config = ConfigDict(extra="allow")

    kty: str
    crv: str | None = None
    x: str | None = None
    y: str | None = None
    kid: str | None = None


class KeySetAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keys: list[PublicJwk]
