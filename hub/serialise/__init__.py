"""Answer serialisers: the answer is serialised before the ledger commit."""
