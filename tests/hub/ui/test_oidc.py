"""Login through an OIDC identity provider (authorization code + PKCE), against a real test IdP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI

from hub.models import UiAccount
from tests.fixtures.ledger import table_rows
from tests.fixtures.servers import free_port, serve_in_thread
from tests.fixtures.workbench import HUB, make_account, sign_in
from tests.hub.ui.oidc_provider import CLIENT_ID, CLIENT_SECRET, CityIdentityProvider


@pytest.fixture(scope="module")
def idp() -> Iterator[CityIdentityProvider]:
    provider = CityIdentityProvider()
    port = free_port()
    provider.issuer = f"http://127.0.0.1:{port}"
    with serve_in_thread(provider.app(), port=port):
        yield provider


@pytest.fixture
def ui_overrides(idp: CityIdentityProvider) -> dict[str, Any]:
    idp.misbehave = None
    idp.userinfo = None
    return {
        "oidc": {
            "issuer": idp.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "display_name": "Darmstadt IdP",
            "roles_claim": "realm_access.roles",
            "role_mapping": {"hub-datenschutz": "dpo"},
        }
    }


async def _oidc_login(
    browser: httpx.AsyncClient, claims: dict[str, Any], idp: CityIdentityProvider
) -> httpx.Response:
    idp.next_login = claims
    start = await browser.get("/ui/login/oidc", params={"next": "/ui/audit/chain"})
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"] and query["state"]
    async with httpx.AsyncClient() as outside:  # the browser's trip to the IdP
        back = await outside.get(authorize)
    assert back.status_code == 302, back.text
    callback = back.headers["location"]
    assert callback.startswith(f"{HUB}/ui/login/oidc/callback?")
    return await browser.get(callback.removeprefix(HUB))


DPO_CLAIMS = {
    "sub": "idp-4711",
    "preferred_username": "a.datenschutz",
    "name": "Anna Datenschutz",
    "realm_access": {"roles": ["hub-datenschutz", "mail-user"]},
}


class TestOidcLogin:
    async def test_login_page_offers_the_idp(self, browser: httpx.AsyncClient) -> None:
        page = await browser.get("/ui/login")
        assert "Anmelden mit Darmstadt IdP" in page.text

    async def test_first_login_provisions_the_account_with_mapped_roles(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider, clean_database: str
    ) -> None:
        done = await _oidc_login(browser, DPO_CLAIMS, idp)
        assert done.status_code == 303
        assert done.headers["location"] == "/ui/audit/chain"
        page = await browser.get("/ui/audit/chain")
        assert page.status_code == 200
        assert "Anna Datenschutz (a.datenschutz)" in page.text
        [account] = table_rows(clean_database, UiAccount.__table__)
        assert account["oidc_issuer"] == idp.issuer
        assert account["oidc_subject"] == "idp-4711"
        assert account["roles"] == ["dpo"]
        assert account["password_hash"] is None

    async def test_roles_follow_the_idp_at_each_login(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider
    ) -> None:
        await _oidc_login(browser, DPO_CLAIMS, idp)
        steward = {**DPO_CLAIMS, "realm_access": {"roles": ["steward"]}}
        async with httpx.AsyncClient(transport=browser._transport, base_url=HUB) as other_browser:
            assert (await _oidc_login(other_browser, steward, idp)).status_code == 303
            assert (await other_browser.get("/ui/audit")).status_code == 403

    async def test_identity_without_a_workbench_role_gets_no_account(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider, clean_database: str
    ) -> None:
        claims = {**DPO_CLAIMS, "realm_access": {"roles": ["mail-user"]}}
        done = await _oidc_login(browser, claims, idp)
        assert done.status_code == 403
        assert table_rows(clean_database, UiAccount.__table__) == []

    async def test_username_of_a_local_account_is_not_taken_over(
        self, ui_app: FastAPI, browser: httpx.AsyncClient, idp: CityIdentityProvider
    ) -> None:
        await make_account(ui_app, "a.datenschutz", roles=["steward"])
        done = await _oidc_login(browser, DPO_CLAIMS, idp)
        assert done.status_code == 403
        assert (await browser.get("/ui/audit")).status_code == 303

    @pytest.mark.parametrize("fault", ["nonce", "key", "issuer", "audience", "expired"])
    async def test_untrustworthy_id_token_is_refused(
        self,
        browser: httpx.AsyncClient,
        idp: CityIdentityProvider,
        clean_database: str,
        fault: str,
    ) -> None:
        idp.misbehave = fault
        done = await _oidc_login(browser, DPO_CLAIMS, idp)
        assert done.status_code == 401
        assert "sign-in with the identity provider failed" in done.text
        assert table_rows(clean_database, UiAccount.__table__) == []

    async def test_roles_from_userinfo_count_when_the_id_token_has_none(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider
    ) -> None:
        idp.userinfo = {"sub": DPO_CLAIMS["sub"], "realm_access": DPO_CLAIMS["realm_access"]}
        bare = {key: DPO_CLAIMS[key] for key in ("sub", "preferred_username", "name")}
        done = await _oidc_login(browser, bare, idp)
        assert done.status_code == 303
        assert (await browser.get("/ui/audit/chain")).status_code == 200

    async def test_userinfo_about_another_subject_is_refused(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider, clean_database: str
    ) -> None:
        idp.userinfo = {"sub": "idp-0815", "realm_access": DPO_CLAIMS["realm_access"]}
        done = await _oidc_login(browser, DPO_CLAIMS, idp)
        assert done.status_code == 401
        assert "userinfo names a different subject" in done.text
        assert table_rows(clean_database, UiAccount.__table__) == []

    async def test_callback_with_a_forged_state_is_refused(
        self, browser: httpx.AsyncClient, idp: CityIdentityProvider
    ) -> None:
        await browser.get("/ui/login/oidc")
        done = await browser.get("/ui/login/oidc/callback", params={"code": "x", "state": "forged"})
        assert done.status_code == 401
        assert idp.token_requests >= 0
        assert (await browser.get("/ui/audit")).status_code == 303

    async def test_local_password_login_still_works(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "dpo.local", roles=["dpo"])
        assert (await sign_in(browser, "dpo.local", password)).status_code == 303
