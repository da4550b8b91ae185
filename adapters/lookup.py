"""Checks every register search shares: known keys, bounded non-empty values, no wildcards."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from adapters.errors import InvalidLookup

MAX_MATCH_VALUE_LENGTH = 200
_WILDCARDS = frozenset("*?%_[]")


def contains_wildcard(value: str) -> bool:
    """Register searches may not use wildcards (BMeldDAV §4 Abs. 7).

    Covers glob (``* ?``), SQL LIKE (``% _``), character classes (``[ ]``) and,
    via ``*``, the regex ``.*``.
    """
    return any(ch in _WILDCARDS for ch in value)


def check_match_values(keys: Mapping[str, str], *, allowed: Collection[str], search: str) -> None:
    """Raise ``InvalidLookup`` naming the first offending key (BMeldDAV §4 Abs. 7: no wildcards)."""
    for key, value in keys.items():
        if key not in allowed:
            raise InvalidLookup(f"unknown match key {key!r}", member=key)
        if not isinstance(value, str) or not value.strip():
            raise InvalidLookup("match values must be non-empty strings", member=key)
        if len(value) > MAX_MATCH_VALUE_LENGTH:
            raise InvalidLookup("match value too long", member=key)
        if contains_wildcard(value):
            raise InvalidLookup(f"wildcards are not allowed in a {search}", member=key)
