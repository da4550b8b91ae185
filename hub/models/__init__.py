"""Every ORM table of the hub and the catalogue, so Alembic sees one metadata."""

from governance.models import (
    Authority,
    CatalogueChange,
    CatalogueRegister,
    CatalogueState,
    Dataset,
    DatasetSteward,
    Duty,
    DutyRun,
    FieldRelease,
    LegalBasis,
    Purpose,
    PurposeAllowance,
    Steward,
)
from governance.opendata.models import AggregateDefinition, AggregatePublication
from hub.models.auth_limit import AuthLimitWindow
from hub.models.base import Base
from hub.models.client import Client
from hub.models.drain import DrainWorker, ProtectionEpoch
from hub.models.hit_ref import HitRef
from hub.models.ledger_entry import LedgerEntry
from hub.models.ledger_integrity import (
    LedgerCheckpoint,
    LedgerPurge,
    LedgerPurgeGrant,
    LedgerTombstone,
)
from hub.models.ledger_person_ref import LedgerPersonRef
from hub.models.neutral_marker import NeutralMarker
from hub.models.review_case import ReviewCase
from hub.models.task import Task
from hub.models.ui_account import UiAccount, UiSession

__all__ = [
    "AggregateDefinition",
    "AggregatePublication",
    "AuthLimitWindow",
    "Authority",
    "Base",
    "CatalogueChange",
    "CatalogueRegister",
    "CatalogueState",
    "Client",
    "Dataset",
    "DatasetSteward",
    "DrainWorker",
    "Duty",
    "DutyRun",
    "FieldRelease",
    "HitRef",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerPersonRef",
    "LedgerPurge",
    "LedgerPurgeGrant",
    "LedgerTombstone",
    "LegalBasis",
    "NeutralMarker",
    "ProtectionEpoch",
    "Purpose",
    "PurposeAllowance",
    "ReviewCase",
    "Steward",
    "Task",
    "UiAccount",
    "UiSession",
]
