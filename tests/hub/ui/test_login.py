"""Workbench login: local accounts, sessions, lockout, CSRF, roles."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from hub.models import UiAccount, UiSession
from hub.ui import service as accounts
from hub.ui.security import SESSION_COOKIE
from tests.fixtures.ledger import run_statement, table_rows
from tests.fixtures.sqlite_interloper import interloper_before_first_write
from tests.fixtures.workbench import csrf_of, make_account, sign_in


class TestLocalLogin:
    async def test_unauthenticated_page_redirects_to_login_with_next(
        self, browser: httpx.AsyncClient
    ) -> None:
        response = await browser.get("/ui/audit", params={"authority": "sozialamt"})
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/login?next=/ui/audit%3Fauthority%3Dsozialamt"

    async def test_htmx_request_is_told_to_reload_the_login_page(
        self, browser: httpx.AsyncClient
    ) -> None:
        response = await browser.get(
            "/ui/audit", headers={"HX-Request": "true", "HX-Target": "results"}
        )
        assert response.status_code == 200
        assert response.headers["HX-Redirect"].startswith("/ui/login?next=/ui/audit")

    async def test_right_password_signs_in_and_lands_on_next(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        response = await sign_in(
            browser, "dpo.weber", password, next_url="/ui/audit?outcome=denied"
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/ui/audit?outcome=denied"
        cookie = response.headers["set-cookie"]
        assert SESSION_COOKIE in cookie
        assert "httponly" in cookie.lower()
        assert "samesite=lax" in cookie.lower()
        assert "path=/ui" in cookie.lower()
        page = await browser.get("/ui/audit")
        assert page.status_code == 200
        assert "Ms dpo.weber (dpo.weber)" in page.text
        assert "Content-Security-Policy" in page.headers
        # The database keeps only a digest of the session token, never the token itself.
        rows = table_rows(clean_database, UiSession.__table__)
        assert len(rows) == 1
        assert rows[0]["token_hash"] not in cookie
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["last_login_at"] is not None
        assert account["password_hash"].startswith("$argon2id$")

    async def test_sign_in_holds_the_write_lock_from_its_first_read(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str, backend: str
    ) -> None:
        # Begun as a reader, the sign-in failed with 503 whenever another connection (a
        # worker's heartbeat) committed between the account read and the session write.
        if backend != "sqlite":
            pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        with interloper_before_first_write(clean_database, table="ui_") as interloper:
            response = await sign_in(browser, "dpo.weber", password)
        assert response.status_code == 303
        assert interloper.refused

    async def test_a_page_view_that_ends_an_idle_session_beside_another_writer(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str, backend: str
    ) -> None:
        # A page view reads the session, then deletes it when idle (or touches it): that write
        # followed the read in the read's transaction, and SQLite refused it with 503
        # whenever another connection committed in between.
        if backend != "sqlite":
            pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        await sign_in(browser, "dpo.weber", password)
        idle = ui_app.state.settings.ui.idle_timeout_seconds
        seen = datetime.now(UTC) - timedelta(seconds=idle + 5)
        run_statement(clean_database, update(UiSession).values(last_seen_at=seen))
        with interloper_before_first_write(clean_database, table="ui_") as interloper:
            page = await browser.get("/ui/audit")
        assert page.status_code == 303
        assert page.headers["location"].startswith("/ui/login")
        assert interloper.tried
        assert table_rows(clean_database, UiSession.__table__) == []

    async def test_wrong_password_is_refused(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await make_account(ui_app, "dpo.weber", roles=["dpo"])
        response = await sign_in(browser, "dpo.weber", "wrong")
        assert response.status_code == 401
        assert "Anmeldung fehlgeschlagen" in response.text
        assert (await browser.get("/ui/audit")).status_code == 303

    async def test_unknown_user_gets_the_same_answer(self, browser: httpx.AsyncClient) -> None:
        response = await sign_in(browser, "nobody", "whatever")
        assert response.status_code == 401
        assert "Anmeldung fehlgeschlagen" in response.text

    async def test_open_redirect_is_not_followed(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        response = await sign_in(browser, "dpo.weber", password, next_url="//evil.example/ui")
        assert response.headers["location"] == "/ui/audit"

    async def test_logout_ends_the_session_even_for_a_copied_cookie(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        await sign_in(browser, "dpo.weber", password)
        copied = browser.cookies.get(SESSION_COOKIE)
        assert copied
        page = await browser.get("/ui/audit")
        out = await browser.post("/ui/logout", data={"csrf_token": csrf_of(page.text)})
        assert out.status_code == 303
        assert table_rows(clean_database, UiSession.__table__) == []
        browser.cookies.set(SESSION_COOKIE, copied, domain="hub.test", path="/ui")
        assert (await browser.get("/ui/audit")).status_code == 303


class TestCsrf:
    async def test_login_without_the_form_token_is_refused(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        await browser.get("/ui/login")
        response = await browser.post(
            "/ui/login", data={"username": "dpo.weber", "password": password, "csrf_token": "x"}
        )
        assert response.status_code == 403
        assert (await browser.get("/ui/audit")).status_code == 303

    async def test_logout_with_a_wrong_token_is_refused(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        await sign_in(browser, "dpo.weber", password)
        response = await browser.post("/ui/logout", data={"csrf_token": "forged"})
        assert response.status_code == 403
        assert "CSRF" in response.text
        assert len(table_rows(clean_database, UiSession.__table__)) == 1
        assert (await browser.get("/ui/audit")).status_code == 200


@pytest.fixture
def ui_overrides() -> dict[str, Any]:
    return {"ui": {"max_failed_logins": 3, "lockout_seconds": 2, "idle_timeout_seconds": 60}}


class TestLockout:
    async def test_three_failures_lock_the_account_even_for_the_right_password(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        for _ in range(3):
            assert (await sign_in(browser, "dpo.weber", "wrong")).status_code == 401
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["locked_until"] is not None
        assert (await sign_in(browser, "dpo.weber", password)).status_code == 401
        await asyncio.sleep(2.1)
        assert (await sign_in(browser, "dpo.weber", password)).status_code == 303
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["failed_logins"] == 0
        assert account["locked_until"] is None


class TestRoles:
    async def test_signed_in_without_the_role_gets_403(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "steward.kurz", roles=["steward"])
        await sign_in(browser, "steward.kurz", password, next_url="/ui")
        response = await browser.get("/ui/audit")
        assert response.status_code == 403
        assert "braucht die Rolle" in response.text
        assert "dpo" in response.text
        home = await browser.get("/ui")
        assert "/ui/catalogue" in home.text
        assert "/ui/audit" not in home.text.split("<main")[1]

    async def test_disabled_account_loses_its_session_and_cannot_sign_in(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
        await sign_in(browser, "dpo.weber", password)
        async with ui_app.state.sessionmaker() as session:
            await accounts.disable_account(session, "dpo.weber")
        assert (await browser.get("/ui/audit")).status_code == 303
        assert (await sign_in(browser, "dpo.weber", password)).status_code == 401

    async def test_unknown_role_is_refused_at_creation(self, ui_app: FastAPI) -> None:
        async with ui_app.state.sessionmaker() as session:
            with pytest.raises(accounts.AccountError, match="roles must be"):
                await accounts.create_account(session, username="x", roles=["admin"])
            result = await session.execute(select(UiAccount))
            assert result.first() is None


class TestLanding:
    @pytest.mark.parametrize(
        ("roles", "landing"),
        [
            (["dpo"], "/ui/audit"),
            (["steward"], "/ui/catalogue"),
            (["register_office"], "/ui/tasks"),
            (["dpo", "steward"], "/ui"),
        ],
    )
    async def test_plain_login_sends_each_role_to_its_workbench(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, roles: list[str], landing: str
    ) -> None:
        password = await make_account(ui_app, "someone", roles=roles)
        response = await sign_in(browser, "someone", password, next_url="")
        assert response.status_code == 303
        assert response.headers["location"] == landing
        assert (await browser.get(landing)).status_code == 200


class TestLanguage:
    async def test_german_by_default_english_per_account(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        login = await browser.get("/ui/login")
        assert '<html lang="de">' in login.text
        assert "Benutzername" in login.text
        password = await make_account(ui_app, "steward.kurz", roles=["steward"])
        await sign_in(browser, "steward.kurz", password, next_url="")
        page = await browser.get("/ui/catalogue")
        assert '<html lang="de">' in page.text
        assert "Abmelden" in page.text
        chosen = await browser.post(
            "/ui/language",
            data={"language": "en", "next": "/ui/catalogue", "csrf_token": csrf_of(page.text)},
        )
        assert chosen.status_code == 303
        assert chosen.headers["location"] == "/ui/catalogue"
        english = await browser.get("/ui/catalogue")
        assert '<html lang="en">' in english.text
        assert "Sign out" in english.text
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["language"] == "en"
        # Another person's browser (no session) still gets German.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=ui_app), base_url="http://hub.test"
        ) as other:
            assert '<html lang="de">' in (await other.get("/ui/login")).text

    async def test_language_change_needs_the_session_token(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
    ) -> None:
        password = await make_account(ui_app, "steward.kurz", roles=["steward"])
        await sign_in(browser, "steward.kurz", password, next_url="")
        refused = await browser.post("/ui/language", data={"language": "en", "csrf_token": "x"})
        assert refused.status_code == 403
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["language"] == "de"
