"""The ledger's integrity over time: verification, signed checkpoints, purge, exported slices.

Used by the operator's commands (``hub audit verify|checkpoint|purge|export-slice|verify-export``
through ``hub.admin``), GET /v1/audit/verify and the chain page's background job, and the
checkpoint key route; never on a register query's path. ``verify`` walks the chain from genesis
and checks every checkpoint's and tombstone's signature; a checkpoint (``checkpoints``) pins the
head and the purge (``service``) replaces due entries by signed tombstones, both only on a chain
``verify`` has just passed; an ``export`` carries a slice an auditor checks without the
database. It builds on ``hub.audit.ledger`` (the chain's format, the stored entries), never the
other way round.
"""
