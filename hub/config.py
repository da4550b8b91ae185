"""Settings read from the environment (prefix ``HUB_``).

Only ``hub.app`` and ``migrations/env.py`` instantiate :class:`Settings`; everything else
receives it as an argument.
"""

from __future__ import annotations

import os
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from adapters.registry import installed_adapter_names

DEFAULT_DATABASE_URL = "sqlite:///./var/hub.db"


class XoevOffice(BaseModel):
    name: str = "Wissenschaftsstadt Darmstadt, Meldebehörde"
    email: str = "meldebehoerde@example.invalid"  # set HUB_XOEV_OFFICE__EMAIL in deployment
    street: str = "Grafenstraße"
    house_number: str = "30"
    postal_code: str = "64283"


class OidcSettings(BaseModel):
    """The city's identity provider for the workbench login (``HUB_OIDC__...``)."""

    issuer: str | None = None  # unset: local accounts only
    client_id: str | None = None
    client_secret: SecretStr | None = None
    display_name: str = "the city's identity provider"
    scopes: str = "openid profile email"
    roles_claim: str = "roles"  # dotted path into the id_token, e.g. "realm_access.roles"
    # IdP role name -> workbench role (dpo, steward, register_office); unmapped roles count
    # only when they already are workbench role names.
    role_mapping: dict[str, str] = Field(default_factory=dict)
    # Create an account on first login when the IdP grants at least one workbench role.
    auto_provision: bool = True


class UiSettings(BaseModel):
    """Workbench sessions and login throttling (``HUB_UI__...``)."""

    idle_timeout_seconds: int = Field(default=1800, ge=60, le=86_400)
    max_session_seconds: int = Field(default=12 * 3600, ge=300, le=7 * 86_400)
    max_failed_logins: int = Field(default=5, ge=1, le=100)
    lockout_seconds: int = Field(default=900, ge=1)
    secure_cookies: bool = False  # Secure flag; always set when environment=production
    # Who reads the ledger through the workbench, as the ledger records it.
    reader_client_id: str = "ui-workbench"
    reader_authority: str = "datenschutzbeauftragter"
    # /ui/tasks: the role register_office works the tasks of the registers these offices operate.
    office_authorities: list[str] = Field(default_factory=lambda: ["meldebehoerde", "standesamt"])


class AnomalySettings(BaseModel):
    """Thresholds of the ledger's anomaly rules (``HUB_ANOMALY__...``; README "DPO").

    Each rule counts register queries only (not the ledger's own reads, not token-layer
    refusals) inside a sliding window; a case opens when the count reaches the threshold.
    """

    # (a) one user (or, without a user id, one client) reaching many persons under as many
    # different case references: persons that share no case, i.e. unrelated
    unrelated_persons: int = Field(default=30, ge=2)
    unrelated_persons_hours: float = Field(default=8, gt=0)
    # (b) bulk queries by one user/client outside office hours, within one hour
    off_hours_queries: int = Field(default=20, ge=2)
    off_hours_window_minutes: float = Field(default=60, gt=0)
    office_hours_start: time = time(7, 0)
    office_hours_end: time = time(19, 0)
    office_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])  # ISO: 1 = Monday
    public_holidays: Literal["hessen", "none"] = "hessen"  # holidays count as off hours
    timezone: str = "Europe/Berlin"
    # (c) neutral answers (blocked person held) about one person
    neutral_per_person: int = Field(default=3, ge=2)
    neutral_per_person_hours: float = Field(default=7 * 24, gt=0)
    # (d) one person queried by many different authorities
    authorities_per_person: int = Field(default=4, ge=2)
    authorities_per_person_hours: float = Field(default=24, gt=0)
    # (e) one client's case reference used for many persons ...
    persons_per_case_reference: int = Field(default=10, ge=2)
    # ... or the same case reference used by several clients
    clients_per_case_reference: int = Field(default=3, ge=2)
    case_reference_hours: float = Field(default=30 * 24, gt=0)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("office_days")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        if any(day not in range(1, 8) for day in value):
            raise ValueError("office_days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))


class ControllerSettings(BaseModel):
    """The controller named in the records of processing (DSGVO Art. 30 Abs. 1 lit. a)."""

    name: str = "Magistrat der Wissenschaftsstadt Darmstadt"
    address: str = "Luisenplatz 5A, 64283 Darmstadt"
    representative: str = "Der Oberbürgermeister"
    dpo_name: str = "Datenschutzbeauftragte/r der Wissenschaftsstadt Darmstadt"
    # set HUB_CATALOGUE__CONTROLLER__DPO_EMAIL in deployment
    dpo_email: str = "datenschutz@example.invalid"
    dpo_address: str = "Luisenplatz 5A, 64283 Darmstadt"


class CatalogueSettings(BaseModel):
    """Records of processing, DCAT export and the duty scheduler (``HUB_CATALOGUE__...``)."""

    controller: ControllerSettings = Field(default_factory=ControllerSettings)
    # Stable IRIs of the DCAT-AP.de export (catalogue, datasets, distributions) live here.
    dcat_base_uri: str = "https://register-hub.darmstadt.de/dcat"
    dcat_title: str = "Offene Registerdaten der Wissenschaftsstadt Darmstadt"
    dcat_description: str = (
        "Datensätze aus den Registern der Wissenschaftsstadt Darmstadt, die der "
        "Datenkatalog als offen kennzeichnet."
    )
    publisher_name: str = "Wissenschaftsstadt Darmstadt"
    publisher_uri: str = "https://www.darmstadt.de"
    # A due duty becomes overdue when due_on + grace < today.
    duty_grace_days: int = Field(default=14, ge=0, le=365)


class AuthLimitSettings(BaseModel):
    """Limits in front of authentication (``HUB_AUTH_LIMIT__...``; SECURITY.md "Floods").

    Counted per fixed window in the database, so every worker and replica shares them.
    A valid bearer token is never counted: only refusals are, and token requests.
    """

    enabled: bool = True
    window_seconds: int = Field(default=60, ge=1, le=3600)
    # Refused bearer tokens (missing, forged, expired, disabled client) from one address
    failures_per_source: int = Field(default=30, ge=1)
    # Token requests (any outcome) from one address: each costs an Argon2 hash
    token_requests_per_source: int = Field(default=60, ge=1)
    # Wrong secrets (or assertions) for one client id, from any address
    failures_per_client: int = Field(default=10, ge=1)
    # How often each process pushes its local counts and writes the aggregated ledger
    # entries of closed windows
    flush_seconds: float = Field(default=2.0, gt=0, le=60)


class OpendataSettings(BaseModel):
    """Open aggregates, their files and the DCAT delivery to GovData (``HUB_OPENDATA__...``)."""

    # Where ``hub opendata publish`` writes the CSV/JSON files that GET /open/... serves.
    directory: Path = Path("./var/open")
    # Public base URL of the hub: access URLs of the distributions start with it.
    public_base_url: str = "https://register-hub.darmstadt.de"
    cache_seconds: int = Field(default=3600, ge=0, le=86_400)
    # dcatde:contributorID of every dataset (GovData assigns it); empty: not written.
    contributor_ids: list[str] = Field(default_factory=list)
    dcat_page_size: int = Field(default=100, ge=1, le=1000)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HUB_", env_nested_delimiter="__", extra="ignore")

    environment: Literal["development", "testing", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    # The database password from a mounted secret file (Kubernetes), not an environment
    # variable; it joins database_url at start-up.
    database_password_file: Path | None = None
    database_pool_size: int = Field(default=10, ge=1, le=200)
    # Server-side bound of one statement: below the client's bound, so a slow statement is
    # ended by PostgreSQL itself and the connection stays usable.
    statement_timeout_ms: int = Field(default=3_000, ge=100)
    # Client-side bounds (hub.db): a server that does not answer at all (frozen, partitioned)
    # cannot enforce statement_timeout. Connect (libpq connect_timeout, whole seconds), wait
    # for a pooled connection, and each round trip to the server; together well under a
    # procedure's HTTP timeout; keep the round-trip bound above statement_timeout_ms. SQLite:
    # how long a writer waits for the write lock.
    database_connect_timeout_seconds: int = Field(default=2, ge=1, le=60)
    database_pool_timeout_seconds: float = Field(default=3.0, gt=0, le=60)
    database_client_timeout_ms: int = Field(default=4_000, ge=100)
    database_busy_timeout_ms: int = Field(default=10_000, ge=10)

    # OAuth2 client credentials / JWT access tokens
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "register-hub"
    token_lifetime_seconds: int = Field(default=900, ge=30, le=900)
    key_dir: Path = Path("./var/keys")
    # External identity provider instead of the hub's own issuer.
    external_issuer: str | None = None
    external_jwks_url: str | None = None
    # Verifying: exp - iat may exceed this by the clock leeway at most
    max_token_lifetime_seconds: int = Field(default=900, ge=30, le=3600)
    # Disabled clients and rotated secrets reach every process within this many seconds
    client_status_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # Argon2 checks (token endpoint, workbench login) run in this many threads at most
    secret_hash_threads: int = Field(default=2, ge=1, le=32)
    auth_limit: AuthLimitSettings = Field(default_factory=AuthLimitSettings)

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

    # Query limits (at most 1,000 hits a list: BMeldDAV §1 Abs. 4) and request bounds
    max_hits: int = Field(default=1000, ge=1, le=1000)
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    adapter_timeout_seconds: float = Field(default=10.0, gt=0)
    catalogue_refresh_seconds: float = Field(default=2.0, ge=0)
    # A pushed Sperre is acknowledged once every live worker and replica drained the queries
    # begun before it (hub.registers.drain); past this bound the push answers 503, applied.
    push_acknowledgement_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    # How often each worker looks for a raised epoch and writes its heartbeat; every worker
    # and replica must use the same heartbeat (three missed beats count a worker as gone).
    drain_poll_seconds: float = Field(default=0.1, gt=0, le=60)
    drain_heartbeat_seconds: float = Field(default=1.0, gt=0, le=600)
    # Ledger group commit (hub.audit.ledger.writer): entries per transaction, queued entries at most
    ledger_batch_max: int = Field(default=256, ge=1, le=10_000)
    ledger_queue_max: int = Field(default=1024, ge=1)
    # ``make bench`` only: CPU time per request stage, written here at shutdown (hub.kit.stages)
    stage_times_file: Path | None = None

    # Registers served (entry-point names of the ``hub.adapters`` group); by default every
    # installed one, so a register installed as a package needs no change here.
    adapters_enabled: list[str] = Field(default_factory=installed_adapter_names)
    adapters: dict[str, dict[str, Any]] = Field(default_factory=dict)

    # The city's Meldebehörde (XÖV autor, §13 Abs. 2 reference municipality)
    municipality_name: str = "Darmstadt"
    municipality_ags: str = "06411000"

    # XMeld endpoint: official schemas (validation off when unset), body bound,
    # and the Meldebehörde as XMeld autor (the schema requires a channel and an address).
    xoev_schema_dir: Path | None = None
    xoev_max_body_bytes: int = Field(default=512 * 1024, ge=1024)
    xoev_office: XoevOffice = Field(default_factory=XoevOffice)
    # Parsing and schema validation run off the event loop, this many messages at once;
    # a message with more elements than this is refused (413) before validation. The
    # official 1330 example asking for every data element (185 codes) has 493 elements.
    xoev_parse_threads: int = Field(default=2, ge=1, le=32)
    xoev_max_elements: int = Field(default=5_000, ge=100)

    # Web workbenches (/ui): sessions and the optional OIDC login
    ui: UiSettings = Field(default_factory=UiSettings)
    oidc: OidcSettings = Field(default_factory=OidcSettings)

    # Anomaly rules over the ledger, run by ``hub audit anomalies``
    anomaly: AnomalySettings = Field(default_factory=AnomalySettings)

    # Records of processing (Art. 30), DCAT-AP.de export, duties
    catalogue: CatalogueSettings = Field(default_factory=CatalogueSettings)

    # Operations: behind the city's TLS proxy. Every absolute URL the hub emits
    # (the OIDC redirect_uri) starts with public_base_url when set; forwarded_allow_ips names
    # the proxies whose X-Forwarded-Proto/-For uvicorn trusts (``hub serve``), unset: none.
    public_base_url: str | None = None
    forwarded_allow_ips: str | None = None
    # Traces: OpenTelemetry instrumentation of FastAPI (optional dependency, off by default).
    otel_enabled: bool = False

    @model_validator(mode="after")
    def _password_from_file(self) -> Settings:
        if self.database_password_file is not None:
            password = self.database_password_file.read_text(encoding="utf-8").strip()
            url = make_url(self.database_url).set(password=password)
            self.database_url = url.render_as_string(hide_password=False)
        return self

    # Open aggregates and the Digitalmonitor
    opendata: OpendataSettings = Field(default_factory=OpendataSettings)

    @model_validator(mode="after")
    def _refuse_development_defaults_in_production(self) -> Settings:
        if self.environment == "production" and os.environ.get("HUB_TEST_FAST_HASHES") == "1":
            raise ValueError("HUB_TEST_FAST_HASHES weakens secret hashing; never in production")
        if self.environment == "production" and self.policy_revision == "dev":
            raise ValueError("HUB_POLICY_REVISION must name the deployed policy bundle")
        if self.environment == "production" and self.issuer.startswith("http://127.0.0.1"):
            raise ValueError("HUB_ISSUER must be the public https URL of the hub")
        return self
