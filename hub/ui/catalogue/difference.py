"""A catalogue change as the steward reads it: member by member, old value → new value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.ui.i18n import gettext as _

NOTHING = "—"


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference:
    """One changed member; ``added``/``removed`` name the items of a changed list."""

    member: str
    old: str
    new: str
    added: str = ""
    removed: str = ""


def readable(value: Any) -> str:
    """A stored value in words: lists joined, mappings as ``key: value``, none as a dash."""
    if value is None or value in ("", [], {}):
        return NOTHING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        return ", ".join(f"{key}: {readable(item)}" for key, item in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(readable(item) for item in value)
    return str(value)


def _items(value: Any) -> list[str] | None:
    if isinstance(value, list | tuple):
        return [readable(item) for item in value]
    return None


def differences(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[Difference]:
    """Every member whose value changed.

    A creation lists all its members as new (old: —), a removal all as gone (new: —).
    """
    old_values = before or {}
    new_values = after or {}
    found = []
    for member in sorted(set(old_values) | set(new_values)):
        old, new = old_values.get(member), new_values.get(member)
        if before is not None and after is not None and old == new:
            continue
        old_items, new_items = _items(old), _items(new)
        added = removed = ""
        if old_items is not None and new_items is not None:
            added = ", ".join(item for item in new_items if item not in old_items)
            removed = ", ".join(item for item in old_items if item not in new_items)
        found.append(
            Difference(
                member=member,
                old=readable(old) if before is not None else NOTHING,
                new=readable(new) if after is not None else NOTHING,
                added=added,
                removed=removed,
            )
        )
    return found
