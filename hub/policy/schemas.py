"""The decision the policy returns; anything else is treated as a policy failure."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HitDecision(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    index: int = Field(ge=0)
    # release: answer with the record; hold: neutral answer + task for the register office;
    # omit: left out without a task (free search, waived follow-up); manual: 202 + task;
    # archive: outside register law (403 archive-law-applies).
    action: Literal["release", "hold", "omit", "manual", "archive"]
    strip: list[str] = Field(default_factory=list)
    notice: str | None = None


class Decision(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    outcome: Literal["released", "neutral", "denied", "manual", "archive"]
    fields: list[str]
    withheld: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    legal_basis: list[str] = Field(default_factory=list)
    hits: list[HitDecision] = Field(default_factory=list)
    notice: str | None = None
    # Released field -> the coarser value to release (governance/transforms.py); a name
    # outside the vocabulary makes the decision invalid, i.e. a denial (fail closed).
    transforms: dict[str, Literal["year_month", "year", "district"]] = Field(default_factory=dict)
    # Set by the engine, not by the policy: the revision that made this very decision.
    revision: str = ""
