"""The decision the policy returns; anything else is treated as a policy failure."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class HitDecision(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    index: int = Field(ge=0)
    action: Literal["release", "hold"]
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
