"""The query endpoint's answers as the OpenAPI document shows them (CONTRACT §3), with examples.

Documentation only: the service builds the answers (hub/query/service.py, manual.py); a test
checks that a real answer of each outcome fits these schemas.
"""

from __future__ import annotations

from typing import Any

from hub.domain import Outcome

_STRINGS = {"type": "array", "items": {"type": "string"}}
_REQUEST_ID = {"type": "string", "description": "The ledger entry's request id."}

DECISION = {
    "type": "object",
    "required": ["id", "released_fields", "withheld_fields", "legal_basis", "reasons"],
    "properties": {
        "id": {"type": "string"},
        "released_fields": {**_STRINGS, "description": "Field IDs in `records[].fields`."},
        "withheld_fields": {**_STRINGS, "description": "Asked for, not released (partial)."},
        "transformed_fields": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Released only as a coarser value, e.g. `birth: year_month`.",
        },
        "legal_basis": _STRINGS,
        "reasons": _STRINGS,
    },
}
RELEASED = {
    "title": "released",
    "type": "object",
    "required": ["outcome", "request_id", "decision", "records"],
    "properties": {
        "outcome": {"const": Outcome.RELEASED},
        "request_id": _REQUEST_ID,
        "decision": DECISION,
        "confirmation": {
            "enum": ["confirmed", "multiple_matches"],
            "description": "Only for `kind: confirm` (Datenbestätigung, BMG §39a).",
        },
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["hit_id", "fields"],
                "properties": {
                    "hit_id": {"type": "string", "description": "Opaque, valid 48 h."},
                    "fields": {"type": "object", "description": "Released field IDs only."},
                    "notice": {"type": "string"},
                },
            },
        },
        "notice": {
            "type": ["string", "null"],
            "description": "Purpose binding (BMG §41) and conditional-block notices.",
        },
    },
}
NEUTRAL = {
    "title": "neutral",
    "type": "object",
    "required": ["outcome", "request_id", "records"],
    "description": "No match and a blocked person look the same (BMG §34a Abs. 5).",
    "properties": {
        "outcome": {"const": Outcome.NEUTRAL},
        "request_id": _REQUEST_ID,
        "records": {"type": "array", "maxItems": 0},
    },
}
MANUAL = {
    "title": "manual",
    "type": "object",
    "required": ["outcome", "request_id", "ticket_id"],
    "properties": {
        "outcome": {"const": Outcome.MANUAL},
        "request_id": _REQUEST_ID,
        "ticket_id": {"type": "string", "description": "The register office's task."},
    },
}
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
