"""The answers of ``/v1/catalogue/aggregates``: the open aggregates and a steward's decision."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_ANSWER = ConfigDict(extra="forbid")


class AggregateView(BaseModel):
    model_config = _ANSWER

    code: str
    title: str
    source_register: str
    statistic: str
    dimensions: list[str]
    reference: str = Field(description="stichtag (a date) or monat (a month)")
    legal_basis: list[str]
    licence: str
    threshold: int = Field(description="counts below it are suppressed")
    status: str = Field(description="unreviewed, approved or revoked")
    revision: int
    approved_by: str | None
    latest_publication: str | None = Field(description="the reference date last published")


class AggregateList(BaseModel):
    model_config = _ANSWER

    aggregates: list[AggregateView]


class AggregateStatus(BaseModel):
    model_config = _ANSWER

    code: str
    status: str
    revision: int


class Secrecy(BaseModel):
    model_config = _ANSWER

    verfahren: str
    schwelle: int


class Column(BaseModel):
    model_config = _ANSWER

    id: str
    titel: str


class OpenTable(BaseModel):
    """A published table as JSON (``governance.opendata.tables.Table.json_bytes``).

    It names its reference date under ``stichtag`` or its month under ``monat``; each row
    holds that reference, the dimensions, ``anzahl`` (null: suppressed) and ``gesperrt``.
    """

    model_config = _ANSWER

    aggregat: str
    titel: str
    revision: int
    stichtag: str | None = None
    monat: str | None = None
    lizenz: str
    geheimhaltung: Secrecy
    spalten: list[Column]
    zeilen: list[dict[str, str | int | bool | None]]
