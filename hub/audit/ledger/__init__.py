"""The access ledger: one hash-chained entry per request, written once and read by filter.

Every request path builds a ``LedgerRecord`` (``service``) and hands it to the process's
group-commit ``writer``, which appends under the chain-head lock (``repository``, the chain's
format in ``chain``). The DPO's and the citizens' reads (``reads``, ``search``, their SQL in
``read_repository``) and the retention periods (``retention``) read entries as the writer
stored them, so they live beside it. Checking the chain is ``hub.audit.integrity.verify``'s
(it reads the entries through ``repository.iterate_chain_values``): integrity builds on the
ledger, and nothing here imports from ``hub.audit.integrity``.
"""
