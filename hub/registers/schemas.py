"""The answers of the register routes besides the query: a mirror's state, a pushed batch."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_ANSWER = ConfigDict(extra="forbid")


class MirrorView(BaseModel):
    """How current a mirrored register is (``FreshnessMonitor.view``)."""

    model_config = _ANSWER

    last_seq: int | None
    last_change_at: str | None = Field(description="ISO 8601")
    lag_seconds: int | None
    max_lag_seconds: int | None = Field(description="null: no limit")
    stale: bool = Field(description="past its maximum lag: queries answer 503 register-stale")


class AppliedCounts(BaseModel):
    model_config = _ANSWER

    upserts: int
    deletes: int


class PushAnswer(BaseModel):
    """``POST /v1/registers/{register}/changes``: what the batch did (``summary_view``)."""

    model_config = _ANSWER

    # BaseModel (an ABC) has a ``register`` method: the field keeps the name only as its alias.
    register_id: str = Field(alias="register")
    applied: AppliedCounts
    skipped: int = Field(description="changes whose seq was applied before")
    protection_first: int
    last_seq: int
    last_change_at: str | None = Field(description="ISO 8601")
