"""Answer serialisers (STYLE §4 step 6)."""
