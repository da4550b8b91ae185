"""The data-steward catalogue: authorities, purposes, allowances, field releases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from governance.orm import Base
from governance.types import BigId, JsonColumn


class Authority(Base):
    __tablename__ = "authorities"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))


class Purpose(Base):
    __tablename__ = "purposes"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    register: Mapped[str] = mapped_column(String(64))
    legal_basis: Mapped[list[str]] = mapped_column(JsonColumn)
    description: Mapped[str] = mapped_column(String(2000), default="")


class PurposeAllowance(Base):
    """Which office may use a purpose on a register, with which kinds and fields.

    BMG §37 Abs. 2: the Oberbürgermeister approves each automated use.
    """

    __tablename__ = "purpose_allowances"
    __table_args__ = (UniqueConstraint("purpose_code", "authority_code", "register"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    purpose_code: Mapped[str] = mapped_column(ForeignKey("purposes.code", ondelete="CASCADE"))
    authority_code: Mapped[str] = mapped_column(ForeignKey("authorities.code", ondelete="CASCADE"))
    register: Mapped[str] = mapped_column(String(64))
    kinds: Mapped[list[str]] = mapped_column(JsonColumn)
    fields: Mapped[list[str]] = mapped_column(JsonColumn)
    legal_basis: Mapped[list[str]] = mapped_column(JsonColumn)
    approval_reference: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date, default=None)
    valid_to: Mapped[date | None] = mapped_column(Date, default=None)


class FieldRelease(Base):
    """Release status of one register field: only ``approved`` fields may leave the hub."""

    __tablename__ = "field_releases"

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogueState(Base):
    """A single row whose revision rises with every catalogue change; decisions record it."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    details: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
