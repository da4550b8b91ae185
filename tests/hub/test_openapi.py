"""The published OpenAPI document is self-consistent: every reference resolves."""

from __future__ import annotations

import json
import re

from hub.app import create_app
from hub.config import Settings


def test_every_reference_resolves() -> None:
    spec = create_app(Settings()).openapi()
    references = set(re.findall(r'"\$ref": "([^"]+)"', json.dumps(spec)))
    schemas = spec["components"]["schemas"]
    assert all(ref.startswith("#/components/schemas/") for ref in references)
    assert all(ref.rsplit("/", 1)[1] in schemas for ref in references)


def test_query_body_is_documented() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    operation = paths["/v1/registers/{register}/queries"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"kind", "match"}
    assert schema["properties"]["user"]["anyOf"][0]["properties"]["id"]
