"""The ledger's integrity over time: signed checkpoints, the retention purge, exported slices.

Used by the operator's commands (``hub audit checkpoint|purge|export-slice|verify-export``
through ``hub.admin``), the checkpoint key route and the chain verification; never on a
request's path. Each works on a chain ``hub.audit.ledger`` has verified first: a checkpoint
(``checkpoints``) pins the head, the purge (``service``) replaces due entries by signed
tombstones, and an ``export`` carries a slice an auditor checks without the database.
"""
