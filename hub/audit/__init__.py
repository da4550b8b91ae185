"""Audit: the access ledger, its integrity over time, and the DPO's reviews.

Three sub-packages, cut by who uses them:

- ``ledger``: every request path writes here (query, XÖV, pushes, open data, token refusals)
  and the DPO's and citizens' reads read here; the one package a request touches.
- ``integrity``: the chain's verification, checkpoints, purge and exported slices: the
  operator's commands, the DPO's verify and the checkpoint key route; no register query.
- ``review``: the DPO's cases from the anomaly rules (cron and /v1/audit/reviews).

``endpoints`` holds the routes of /v1/audit over the ledger and its integrity.
"""
