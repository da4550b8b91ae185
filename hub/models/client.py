from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import JsonColumn
from hub.models.base import Base


class Client(Base):
    """A specialist procedure allowed to call the hub; one authority per client."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    authority_code: Mapped[str] = mapped_column(ForeignKey("authorities.code"))
    secret_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    scopes: Mapped[list[str]] = mapped_column(JsonColumn)
    trusted_roles: Mapped[list[str]] = mapped_column(JsonColumn)
    # Public keys for private_key_jwt (RFC 7523), a JWKS document.
    jwks: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Tokens issued (iat) before this instant are refused: set when the secret is rotated.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), default=None
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
