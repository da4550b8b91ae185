from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import JsonColumn
from hub.models.base import Base


class UiAccount(Base):
    """A person using the web workbenches (/ui): DPO, data steward, register office.

    Local accounts carry an Argon2id password hash; accounts bound to the city's identity
    provider carry its issuer and subject instead (and may have no password).
    """

    __tablename__ = "ui_accounts"
    __table_args__ = (
        UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_ui_accounts_oidc_identity"),
    )

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    roles: Mapped[list[str]] = mapped_column(JsonColumn)
    oidc_issuer: Mapped[str | None] = mapped_column(String(500), default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), default=None)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # "de" (default) or "en": the language of the workbench pages for this account.
    language: Mapped[str] = mapped_column(String(8), default="de", server_default="de")
    # The register office (authority code) whose tasks the account works; None otherwise.
    office: Mapped[str | None] = mapped_column(String(64), default=None)


class UiSession(Base):
    """A login session; the cookie holds only the random token, the row only its SHA-256.

    Deleting the row (logout, disabling the account) ends the session at once, even for a
    copied cookie; ``last_seen_at`` drives the idle timeout.
    """

    __tablename__ = "ui_sessions"
    __table_args__ = (Index("ix_ui_sessions_account_id", "account_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("ui_accounts.account_id", ondelete="CASCADE")
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    login_method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
