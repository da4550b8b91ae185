"""The decision the policy returns; anything else is treated as a policy failure."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.domain import Outcome


class HitAction(StrEnum):
    """What the decision does with one hit."""

    RELEASE = "release"  # answer with the record
    HOLD = "hold"  # neutral answer + task for the register office
    OMIT = "omit"  # left out without a task (free search, waived follow-up)
    MANUAL = "manual"  # 202 + task
    ARCHIVE = "archive"  # outside register law (403 archive-law-applies)


# The outcomes a policy decision can have; the other ledger outcomes are the hub's own.
DecisionOutcome = Literal[
    Outcome.RELEASED, Outcome.NEUTRAL, Outcome.DENIED, Outcome.MANUAL, Outcome.ARCHIVE
]


class HitDecision(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    index: int = Field(ge=0)
    action: HitAction
    strip: list[str] = Field(default_factory=list)
    notice: str | None = None


class Decision(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    outcome: DecisionOutcome
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
