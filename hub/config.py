"""Settings read from the environment (prefix ``HUB_``).

Only ``hub.app`` and ``migrations/env.py`` instantiate :class:`Settings`; everything else
receives it as an argument.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./var/hub.db"


class XoevOffice(BaseModel):
    name: str = "Wissenschaftsstadt Darmstadt, Meldebehörde"
    email: str = "meldebehoerde@example.invalid"  # set HUB_XOEV_OFFICE__EMAIL in deployment
    street: str = "Grafenstraße"
    house_number: str = "30"
    postal_code: str = "64283"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "testing", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=10, ge=1, le=200)
    statement_timeout_ms: int = Field(default=5_000, ge=100)

    # OAuth2 / JWT (CONTRACT §2)
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "register-hub"
    token_lifetime_seconds: int = Field(default=900, ge=30, le=900)
    key_dir: Path = Path("./var/keys")
    # External identity provider instead of the hub's own issuer.
    external_issuer: str | None = None
    external_jwks_url: str | None = None

    # Policy engine
    policy_dir: Path = Path("./policies")
    policy_revision: str = "dev"
    policy_timeout_ms: int = Field(default=500, ge=10)
    # embedded: regorus in-process; opa: a remote OPA server (e.g. a sidecar) via its Data API
    policy_engine: Literal["embedded", "opa"] = "embedded"
    opa_url: str = "http://127.0.0.1:8181"
    opa_timeout_ms: int = Field(default=400, ge=10)  # per HTTP request to OPA
    opa_retries: int = Field(default=0, ge=0, le=3)  # retries back off 0.3 s, 0.6 s, ...
    opa_token: SecretStr | None = None  # bearer token if OPA runs with token authentication

    # Query limits (law-matrix G9) and request bounds
    max_hits: int = Field(default=1000, ge=1, le=1000)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    adapter_timeout_seconds: float = Field(default=10.0, gt=0)
    catalogue_refresh_seconds: float = Field(default=2.0, ge=0)

    # Registers served (entry-point names of the ``hub.adapters`` group)
    adapters_enabled: list[str] = Field(
        default_factory=lambda: ["melderegister", "gewerberegister", "personenstandsregister"]
    )
    adapters: dict[str, dict[str, Any]] = Field(default_factory=dict)

    # The city's Meldebehörde (XÖV autor, §13 Abs. 2 reference municipality)
    municipality_name: str = "Darmstadt"
    municipality_ags: str = "06411000"

    # XMeld endpoint (CONTRACT §8): official schemas (validation off when unset), body bound,
    # and the Meldebehörde as XMeld autor (the schema requires a channel and an address).
    xoev_schema_dir: Path | None = None
    xoev_max_body_bytes: int = Field(default=512 * 1024, ge=1024)
    xoev_office: XoevOffice = Field(default_factory=XoevOffice)

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Settings:
        if self.environment == "production" and self.policy_revision == "dev":
            raise ValueError("HUB_POLICY_REVISION must name the deployed policy bundle")
        if self.environment == "production" and self.issuer.startswith("http://127.0.0.1"):
            raise ValueError("HUB_ISSUER must be the public https URL of the hub")
        return self
