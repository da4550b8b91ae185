"""The request path outside the routes: request id, no workbench session on the API."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from hub.ui.security import SESSION_COOKIE
from tests.fixtures.tokens import forge_token


def _bearer(app: FastAPI) -> dict[str, str]:
    return {"Authorization": f"Bearer {forge_token(app)}"}


class TestRequestId:
    async def test_every_answer_names_its_request(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        first = await http.get("/v1/registers", headers=_bearer(app))
        second = await http.get("/v1/registers", headers=_bearer(app))
        assert first.status_code == second.status_code == 200
        assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]

    async def test_a_problem_carries_the_id_of_its_request(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/v1/registers")
        assert response.status_code == 401
        assert response.json()["instance"] == response.headers["X-Request-ID"]
        assert len(response.headers.get_list("X-Request-ID")) == 1


class TestWorkbenchSessionStaysOnUi:
    async def test_ui_pages_keep_their_session_cookie(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/ui/login")
        assert response.status_code == 200
        assert SESSION_COOKIE in response.headers.get("set-cookie", "")

    async def test_api_answers_ignore_a_workbench_session(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        page = await http.get("/ui/login")  # puts the login CSRF token into a session
        session = page.cookies[SESSION_COOKIE]
        http.cookies.clear()
        response = await http.get(
            "/v1/registers",
            headers={
                "Authorization": f"Bearer {forge_token(app)}",
                "Cookie": f"{SESSION_COOKIE}={session}",
            },
        )
        assert response.status_code == 200
        # The session middleware would re-sign and re-send a non-empty session here.
        assert "set-cookie" not in response.headers
