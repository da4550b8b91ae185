"""The published OpenAPI document is self-consistent and declares what each route answers."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts

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


# Answers that are files or pages, not JSON the hub builds: they document their media types.
_NOT_JSON = {
    ("get", "/v1/audit/entries.csv"),
    ("post", "/v1/xoev/xmeld"),
    ("get", "/v1/catalogue/processing-records.html"),
    ("get", "/v1/catalogue/dcat"),
    ("get", "/monitor"),
    ("get", "/open/"),
    ("get", "/open/{code}/"),
}


def _is_declared(schema: dict[str, Any]) -> bool:
    """A schema that says something: a reference, a choice, or an object with members."""
    if not schema:
        return False
    if "$ref" in schema or "oneOf" in schema or "anyOf" in schema:
        return True
    return schema.get("type") != "object" or bool(schema.get("properties"))


def _success_contents(spec: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (method, path, status, answer.get("content", {}))
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2") and status != "204"
    ]


def test_every_json_answer_has_a_declared_schema() -> None:
    spec = create_app(Settings()).openapi()
    undeclared = [
        (method, path, status)
        for method, path, status, content in _success_contents(spec)
        if (method, path) not in _NOT_JSON
        and not _is_declared(content.get("application/json", {}).get("schema", {}))
    ]
    assert undeclared == []


def test_answers_that_are_not_json_name_their_media_type() -> None:
    spec = create_app(Settings()).openapi()
    contents = {
        (method, path): content for method, path, _status, content in _success_contents(spec)
    }
    for operation in _NOT_JSON:
        content = contents[operation]
        assert content, operation
        assert set(content) != {"application/json"}, operation


def test_the_query_answer_is_documented_but_not_revalidated() -> None:
    """The query serialises its own answer (fast JSON): no response model runs per request."""
    app = create_app(Settings())
    [route] = [
        route
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        and route.path == "/v1/registers/{register}/queries"
    ]
    assert route.response_field is None
    answers = app.openapi()["paths"][route.path]["post"]["responses"]
    assert _is_declared(answers["200"]["content"]["application/json"]["schema"])
    assert _is_declared(answers["202"]["content"]["application/json"]["schema"])
