"""A domain enum as a route parameter, documented as the plain list of its values.

FastAPI documents an enum parameter as a reference to a schema named after the class; the
published OpenAPI document lists the values in place instead, as it did for the literals the
routes took before, so clients and the parameter checks read the same document.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import WithJsonSchema


def listed(enum: type[StrEnum]) -> WithJsonSchema:
    """Validated as the enum, documented as the list of its values."""
    return WithJsonSchema({"enum": [member.value for member in enum], "type": "string"})
