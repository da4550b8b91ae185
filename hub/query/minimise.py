"""Field minimisation: nothing leaves but the fields the decision released (DSGVO Art. 5 (1) c)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from hub.logging import get_logger

_log = get_logger(__name__)


def minimise(
    values: Mapping[str, Any], *, released: Collection[str], register: str
) -> dict[str, Any]:
    extra = set(values) - set(released)
    if extra:
        # An adapter returned more than it was asked for: a contract bug, never data to send.
        _log.error("adapter_returned_unrequested_fields", register=register, fields=sorted(extra))
    return {name: values[name] for name in sorted(released) if name in values}
