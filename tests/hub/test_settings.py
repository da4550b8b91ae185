"""Production refuses development shortcuts (hub/config.py)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hub.config import Settings

PRODUCTION = {
    "environment": "production",
    "policy_revision": "abc123",
    "issuer": "https://register-hub.darmstadt.example",
}


def _settings(**changes: str) -> Settings:
    return Settings.model_validate({**PRODUCTION, **changes})


def test_production_settings_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_TEST_FAST_HASHES", raising=False)
    assert _settings().environment == "production"


def test_production_refuses_the_fast_test_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_TEST_FAST_HASHES", "1")
    with pytest.raises(ValidationError, match="HUB_TEST_FAST_HASHES"):
        _settings()


@pytest.mark.parametrize(
    ("field", "value"), [("policy_revision", "dev"), ("issuer", "http://127.0.0.1:8000")]
)
def test_production_refuses_development_defaults(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    monkeypatch.delenv("HUB_TEST_FAST_HASHES", raising=False)
    with pytest.raises(ValidationError):
        _settings(**{field: value})
