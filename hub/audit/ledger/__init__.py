"""The access ledger: one hash-chained entry per request, written once and read by filter.

Every request path builds a ``LedgerRecord`` (``service``) and hands it to the process's
group-commit ``writer``, which appends under the chain-head lock (``repository``, the chain's
format in ``chain``). The DPO's and the citizens' reads (``reads``, ``search``, their SQL in
``read_repository``) and the retention periods (``retention``) read entries as the writer
stored them, so they live beside it. ``service.verify`` walks the chain from genesis: it
belongs to the chain's format, and checks the signatures of ``hub.audit.integrity``'s
checkpoints and tombstones on the way (the one import from that package).
"""
