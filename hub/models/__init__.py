"""Every ORM table of the hub and the catalogue, so Alembic sees one metadata."""

from governance.models import Authority, CatalogueState, FieldRelease, Purpose, PurposeAllowance
from hub.models.base import Base
from hub.models.client import Client
from hub.models.hit_ref import HitRef
from hub.models.ledger_entry import LedgerEntry
from hub.models.ledger_integrity import (
    LedgerCheckpoint,
    LedgerPurge,
    LedgerPurgeGrant,
    LedgerTombstone,
)
from hub.models.ledger_person_ref import LedgerPersonRef
from hub.models.task import Task

__all__ = [
    "Authority",
    "Base",
    "CatalogueState",
    "Client",
    "FieldRelease",
    "HitRef",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerPersonRef",
    "LedgerPurge",
    "LedgerPurgeGrant",
    "LedgerTombstone",
    "Purpose",
    "PurposeAllowance",
    "Task",
]
