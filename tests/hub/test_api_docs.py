"""/docs works without the internet, "Authorize" is declared, the query's answers are described:
the assets come from the hub, and real answers fit the documented schemas."""

from __future__ import annotations

from typing import Any

import httpx
from jsonschema_rs import Draft202012Validator

from tests.fixtures.melderegister_queries import ask, query
from tests.fixtures.tokens import TokenFactory

QUERY = "/v1/registers/{register}/queries"


def _answer_schema(spec: dict[str, Any], status: str) -> dict[str, Any]:
    content = spec["paths"][QUERY]["post"]["responses"][status]["content"]
    schema: dict[str, Any] = content["application/json"]["schema"]
    return schema


class TestSwaggerUi:
    async def test_docs_load_their_assets_from_the_hub(self, http: httpx.AsyncClient) -> None:
        page = await http.get("/docs")
        assert page.status_code == 200
        assert "cdn." not in page.text
        assert "/docs/assets/swagger-ui-bundle.js" in page.text
        script = await http.get("/docs/assets/swagger-ui-bundle.js")
        assert script.status_code == 200
        assert "SwaggerUIBundle" in script.text[:200_000]
        style = await http.get("/docs/assets/swagger-ui.css")
        assert style.status_code == 200
        assert (await http.get("/docs/oauth2-redirect")).status_code == 200


class TestOpenApiDocument:
    async def test_authorize_knows_the_token_endpoint_and_every_v1_call_needs_it(
        self, http: httpx.AsyncClient
    ) -> None:
        spec = (await http.get("/openapi.json")).json()
        schemes = spec["components"]["securitySchemes"]
        flow = schemes["clientCredentials"]["flows"]["clientCredentials"]
        assert flow["tokenUrl"] == "/oauth/token"
        assert "register:query" in flow["scopes"]
        assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                secured = "security" in operation
                assert secured == path.startswith("/v1/"), (method, path)

    async def test_the_query_answers_are_described_with_examples(
        self, http: httpx.AsyncClient
    ) -> None:
        spec = (await http.get("/openapi.json")).json()
        answers = spec["paths"][QUERY]["post"]["responses"]
        examples = answers["200"]["content"]["application/json"]["examples"]
        assert set(examples) == {"released", "neutral"}
        validator = Draft202012Validator(_answer_schema(spec, "200"))
        for example in examples.values():
            validator.validate(example["value"])
        manual = answers["202"]["content"]["application/json"]
        Draft202012Validator(manual["schema"]).validate(manual["example"])
        assert answers["403"]["content"]["application/problem+json"]["example"]["reasons"]

    async def test_real_answers_fit_the_documented_schemas(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
    ) -> None:
        spec = (await http.get("/openapi.json")).json()
        validator = Draft202012Validator(_answer_schema(spec, "200"))
        token = await token_for("wohngeldstelle")
        released = await ask(http, token, query())
        assert released.json()["outcome"] == "released", released.text
        validator.validate(released.json())
        blocked = query()
        blocked["match"] = {**blocked["match"], "name": "Groß", "given_names": "Erika"}
        blocked["match"]["birth_date"] = "1964-08-12"
        neutral = await ask(http, token, blocked)
        assert neutral.json()["outcome"] == "neutral", neutral.text
        validator.validate(neutral.json())
