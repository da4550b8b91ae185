"""The data-steward catalogue: authorities, purposes, allowances, field releases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from governance.duties import DutyStatus
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
    # BMG §13 Abs. 2 S. 4 exceptions approved for the purpose (codes: governance/archive.py).
    archive_exceptions: Mapped[list[str]] = mapped_column(
        JsonColumn, default=list, server_default="[]"
    )


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
    # Field -> transformation (governance/transforms.py): the coarser value is released.
    transforms: Mapped[dict[str, str] | None] = mapped_column(JsonColumn, default=dict)


class FieldRelease(Base):
    """Release status of one register field: only ``approved`` fields may leave the hub."""

    __tablename__ = "field_releases"

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # unreviewed|approved|revoked
    changed_by: Mapped[str] = mapped_column(String(200))
    status_reason: Mapped[str] = mapped_column(String(2000), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    # public | personal | special_category (DSGVO Art. 9)
    classification: Mapped[str] = mapped_column(String(32), default="personal")
    legal_reference: Mapped[str] = mapped_column(String(200), default="")  # "BMG §3 Abs. 1 Nr. 1"
    xoev_element: Mapped[str] = mapped_column(String(200), default="")
    declared: Mapped[bool] = mapped_column(Boolean, default=True)  # false: removed from the code
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class CatalogueState(Base):
    """A single row whose revision rises with every catalogue change; decisions record it."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    details: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)


# --- The data-steward catalogue ---------------------------------------------------------
# Code declares registers, datasets and fields (adapters/*/spec.py); `hub catalogue sync`
# mirrors them here, and stewards add what only people know: owners, stewards,
# classification, legal references, duties. Every change is kept in `catalogue_changes`.


class CatalogueRegister(Base):
    """A register the hub serves (one per adapter), with the office that owns it."""

    __tablename__ = "catalogue_registers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_office: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(String(2000), default="")
    xoev_standard: Mapped[str] = mapped_column(String(64), default="")
    xoev_version: Mapped[str] = mapped_column(String(32), default="")
    # The hub holds the register's data itself (SQL mirror): retention duties can run here.
    mirrored: Mapped[bool] = mapped_column(Boolean, default=False)
    declared: Mapped[bool] = mapped_column(Boolean, default=True)  # false: adapter gone
    # Past this lag behind its source a mirror answers 503 register-stale; None: no limit.
    max_lag_seconds: Mapped[int | None] = mapped_column(Integer, default=None)


class Dataset(Base):
    """A dataset of a register; open datasets are published as DCAT-AP.de."""

    __tablename__ = "catalogue_datasets"

    register: Mapped[str] = mapped_column(
        ForeignKey("catalogue_registers.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    owner_office: Mapped[str] = mapped_column(String(200), default="")
    open_data: Mapped[bool] = mapped_column(Boolean, default=False)
    licence: Mapped[str] = mapped_column(String(300), default="")  # licence URI (dcat:license)
    access_url: Mapped[str] = mapped_column(String(500), default="")
    keywords: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    legal_basis: Mapped[list[str]] = mapped_column(JsonColumn, default=list)  # LegalBasis codes
    declared: Mapped[bool] = mapped_column(Boolean, default=True)  # false: removed from the code


class Steward(Base):
    """A person who stewards datasets, with contact (not a login account)."""

    __tablename__ = "catalogue_stewards"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(64), default="")
    office: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(200), default=None)  # workbench login
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class DatasetSteward(Base):
    __tablename__ = "catalogue_dataset_stewards"
    __table_args__ = (
        ForeignKeyConstraint(
            ["register", "dataset"],
            ["catalogue_datasets.register", "catalogue_datasets.name"],
            ondelete="CASCADE",
        ),
    )

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset: Mapped[str] = mapped_column(String(64), primary_key=True)
    steward_id: Mapped[int] = mapped_column(
        ForeignKey("catalogue_stewards.id", ondelete="CASCADE"), primary_key=True
    )
    responsibility: Mapped[str] = mapped_column(String(32), default="steward")  # or "deputy"


class LegalBasis(Base):
    """A norm the catalogue cites; purposes and datasets refer to it by ``code``."""

    __tablename__ = "catalogue_legal_bases"

    code: Mapped[str] = mapped_column(String(120), primary_key=True)  # e.g. "BMG §34 Abs. 1"
    norm: Mapped[str] = mapped_column(String(64))  # BMG, GewO, PStG, DSGVO, ...
    paragraph: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[date | None] = mapped_column(Date, default=None)
    valid_to: Mapped[date | None] = mapped_column(Date, default=None)


class Duty(Base):
    """A recurring duty on a dataset: retention, periodic review, quality check, open data."""

    __tablename__ = "catalogue_duties"
    __table_args__ = (
        ForeignKeyConstraint(
            ["register", "dataset"],
            ["catalogue_datasets.register", "catalogue_datasets.name"],
            ondelete="CASCADE",
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # retention|review|quality_check|open_data
    register: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalogue_stewards.id", ondelete="SET NULL"), default=None
    )
    interval_days: Mapped[int | None] = mapped_column(Integer, default=None)  # None: once
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=DutyStatus.SCHEDULED)
    # What the duty does, e.g. retention: {"older_than_days": 1825, "condition": "..."}.
    params: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class DutyRun(Base):
    """Proof of one run of a duty: what was done, by whom, with which result."""

    __tablename__ = "catalogue_duty_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("catalogue_duties.id", ondelete="CASCADE"))
    ran_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))  # "scheduler" or a steward's username
    outcome: Mapped[str] = mapped_column(String(16))  # done|marked_due|marked_overdue|failed
    proof: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)  # counts, never values


class CatalogueChange(Base):
    """The catalogue's history: who changed what, when and why (before/after as JSON)."""

    __tablename__ = "catalogue_changes"
    # The history is read by time and by target (GET /v1/catalogue/history).
    __table_args__ = (
        Index("ix_catalogue_changes_occurred_at", "occurred_at"),
        Index("ix_catalogue_changes_target", "target"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))  # e.g. "field.approve", "purpose.update"
    target: Mapped[str] = mapped_column(String(300))  # e.g. "melderegister/person/idnr"
    reason: Mapped[str] = mapped_column(String(2000), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    revision: Mapped[int] = mapped_column(Integer)  # catalogue revision after the change
