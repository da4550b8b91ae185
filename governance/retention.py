"""Ledger retention classes: one rule for the ledger and the Art. 30 records.

The periods and their norms are in hub/audit/ledger/retention.py.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from adapters.base import LedgerRetention
from adapters.registry import installed_specs

# §34 Abs. 4 recipients: their retrievals are not disclosed to the person (BMG §11 Abs. 1 Nr. 3).
SECURITY_CATEGORIES: Final = frozenset({"security_authority", "justice_authority"})


def log_retention_class(
    register: str, *, authority_category: str | None, fields: Collection[str]
) -> str:
    """The class of a retrieval of ``fields`` from ``register`` by that category.

    The IdNr keeps its own period whatever the register (IDNrG §9); otherwise the register's
    spec declares its class. A register no installed adapter declares (a request for an
    unknown register is ledgered too) keeps the decision log's class.
    Plain strings, as the ledger stores and hashes them.
    """
    if "idnr" in fields:
        return LedgerRetention.IDNR.value
    spec = installed_specs().get(register)
    if spec is None:
        return LedgerRetention.DECISION.value
    governance = spec.governance
    if governance.security_ledger_retention and authority_category in SECURITY_CATEGORIES:
        return governance.security_ledger_retention.value
    return governance.ledger_retention.value
