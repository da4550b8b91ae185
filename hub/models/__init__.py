"""Every ORM table of the hub and the catalogue, so Alembic sees one metadata."""

from governance.models import Authority, CatalogueState, FieldRelease, Purpose, PurposeAllowance
from hub.models.base import Base
from hub.models.client import Client
from hub.models.hit_ref import HitRef
from hub.models.ledger_entry import LedgerEntry
from hub.models.task import Task

__all__ = [
    "Authority",
    "Base",
    "CatalogueState",
    "Client",
    "FieldRelease",
    "HitRef",
    "LedgerEntry",
    "Purpose",
    "PurposeAllowance",
    "Task",
]
