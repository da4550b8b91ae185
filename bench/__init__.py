"""Benchmarks for ``make bench``: they print figures and assert nothing."""
