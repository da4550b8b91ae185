"""The query endpoint's answers as the OpenAPI document shows them, with examples.

Documentation only: the service builds the answers (hub/query/service.py, manual.py) and the
endpoint serialises them itself; the models (hub/query/schemas.py) are not run per request. A
test checks that a real answer of each outcome fits these schemas.
"""

from __future__ import annotations

from typing import Any

from hub.query.endpoints import inline_definitions
from hub.query.schemas import QueryManual, QueryNeutral, QueryReleased

# Generated from the models of hub/query/schemas.py, with $defs inlined (valid in OpenAPI and
# on its own, as the tests validate answers against it).
RELEASED = inline_definitions(QueryReleased)
NEUTRAL = inline_definitions(QueryNeutral)
MANUAL = inline_definitions(QueryManual)
_RELEASED_EXAMPLE = {
    "outcome": "released",
    "request_id": "0b6f6f0e-5a8e-4bb3-9a0e-1f2d3c4b5a69",
    "decision": {
        "id": "d-7c1e",
        "released_fields": ["name", "given_names", "birth", "addresses"],
        "withheld_fields": [],
        "legal_basis": ["BMG §37 Abs. 1", "WoGG §23"],
        "reasons": ["purpose_allowed"],
    },
    "records": [
        {
            "hit_id": "h-4f9a2c",
            "fields": {
                "name": "Müller",
                "given_names": ["Anna", "Maria"],
                "birth": {"date": "1980-05-17", "place": "Darmstadt", "country": "DE"},
                "addresses": [
                    {
                        "street": "Rheinstraße",
                        "house_number": "12",
                        "postal_code": "64283",
                        "city": "Darmstadt",
                        "kind": "haupt",
                    }
                ],
            },
        }
    ],
    "notice": "Die Daten dürfen nur für den angegebenen Zweck verwendet werden (§ 41 BMG).",
}
_DENIED_EXAMPLE = {
    "type": "https://register-hub.darmstadt.de/problems/access-denied",
    "title": "Access denied",
    "status": 403,
    "detail": "the purpose does not admit this authority",
    "instance": "0b6f6f0e-5a8e-4bb3-9a0e-1f2d3c4b5a69",
    "reasons": ["purpose_not_allowed_for_authority"],
    "legal_basis": ["BMG §37 Abs. 2"],
}
QUERY_ANSWERS: dict[str, dict[str, Any]] = {
    "200": {
        "description": "Answered: `released` (possibly partial) or `neutral`.",
        "content": {
            "application/json": {
                "schema": {"oneOf": [RELEASED, NEUTRAL]},
                "examples": {
                    "released": {"summary": "released", "value": _RELEASED_EXAMPLE},
                    "neutral": {
                        "summary": "neutral (no match, or a blocked person)",
                        "value": {
                            "outcome": "neutral",
                            "request_id": "5d1c0a7e-2b3f-4c5d-8e9f-0a1b2c3d4e5f",
                            "records": [],
                        },
                    },
                },
            }
        },
    },
    "202": {
        "description": "Not answerable automatically: routed to the register office.",
        "content": {
            "application/json": {
                "schema": MANUAL,
                "example": {
                    "outcome": "manual",
                    "request_id": "9e8d7c6b-5a49-4a3b-8c2d-1e0f9a8b7c6d",
                    "ticket_id": "T-2026-000123",
                },
            }
        },
    },
    "403": {
        "description": "Access denied (or `archive-law-applies`): `reasons`, `legal_basis`.",
        "content": {"application/problem+json": {"example": _DENIED_EXAMPLE}},
    },
}
