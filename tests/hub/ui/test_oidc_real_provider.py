"""The workbench login against panva's certified oidc-provider at its defaults.

At those defaults the id_token carries only ``sub``; the roles arrive through the userinfo
endpoint, once the hub asks for the ``roles`` scope. The browser's trips to the IdP go over
real HTTP; its trips to the hub go in-process.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest

from tests.fixtures.workbench import HUB, make_account
from tests.hub.ui.node_oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    NodeProvider,
    node_oidc_provider,
)

CALLBACK = f"{HUB}/ui/login/oidc/callback"
ACCOUNTS = {
    "a.datenschutz": {
        "name": "Anna Datenschutz",
        "preferred_username": "a.datenschutz",
        "roles": ["hub-datenschutz", "mail-user"],
    },
}
FORM = re.compile(r'<form[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', re.DOTALL)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


@pytest.fixture(scope="module")
def idp() -> Iterator[NodeProvider]:
    with node_oidc_provider(
        redirect_uri=CALLBACK, post_logout_redirect_uri=f"{HUB}/ui/login", accounts=ACCOUNTS
    ) as provider:
        yield provider


@pytest.fixture
def oidc_scopes() -> str:
    return "openid profile roles"


@pytest.fixture
def ui_overrides(idp: NodeProvider, oidc_scopes: str) -> dict[str, Any]:
    return {
        "oidc": {
            "issuer": idp.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": oidc_scopes,
            "roles_claim": "roles",
            "role_mapping": {"hub-datenschutz": "dpo"},
        }
    }


async def _at_the_idp(user_agent: httpx.AsyncClient, url: str, *, login: str) -> str:
    """Follow the IdP's pages (sign-in, consent, logout) as a person would; return where it
    sends the browser back to the hub."""
    for _step in range(12):
        if url.startswith(HUB):
            return url
        page = await user_agent.get(url)
        if page.is_redirect:
            url = urljoin(url, page.headers["location"])
            continue
        assert page.status_code == 200, page.text
        action, body = FORM.findall(page.text)[0]
        form = dict(HIDDEN.findall(body))
        if form.get("prompt") == "login":
            form |= {"login": login, "password": "any"}
        if "xsrf" in form:
            form["logout"] = "yes"
        sent = await user_agent.post(urljoin(url, unescape(action)), data=form)
        assert sent.is_redirect, sent.text
        url = urljoin(url, sent.headers["location"])
    raise AssertionError("the IdP never sent the browser back")


async def _sign_in(
    browser: httpx.AsyncClient, user_agent: httpx.AsyncClient, *, login: str = "a.datenschutz"
) -> str:
    """The hub's callback URL with code, state and iss, after signing in at the IdP."""
    start = await browser.get("/ui/login/oidc")
    assert start.status_code == 302, start.text
    return await _at_the_idp(user_agent, start.headers["location"], login=login)


@pytest.fixture
async def user_agent() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:  # keeps the IdP's cookies
        yield client


class TestRealProviderLogin:
    async def test_dpo_lands_on_the_audit_workbench_with_roles_from_userinfo(
        self, browser: httpx.AsyncClient, user_agent: httpx.AsyncClient, idp: NodeProvider
    ) -> None:
        callback = await _sign_in(browser, user_agent)
        assert parse_qs(urlsplit(callback).query)["iss"] == [idp.issuer]
        done = await browser.get(callback.removeprefix(HUB))
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/ui/audit"
        page = await browser.get("/ui/audit")
        assert page.status_code == 200
        assert "Anna Datenschutz (a.datenschutz)" in page.text

    @pytest.mark.parametrize("oidc_scopes", ["openid profile"])
    async def test_without_the_roles_scope_the_provider_grants_no_role(
        self, browser: httpx.AsyncClient, user_agent: httpx.AsyncClient
    ) -> None:
        done = await browser.get((await _sign_in(browser, user_agent)).removeprefix(HUB))
        assert done.status_code == 403

    @pytest.mark.parametrize("iss", [None, "http://127.0.0.1:9/evil"])
    async def test_callback_with_a_missing_or_foreign_iss_is_refused(
        self, browser: httpx.AsyncClient, user_agent: httpx.AsyncClient, iss: str | None
    ) -> None:
        callback = urlsplit(await _sign_in(browser, user_agent))
        query = {key: values[0] for key, values in parse_qs(callback.query).items()}
        query.pop("iss")
        if iss is not None:
            query["iss"] = iss
        done = await browser.get(f"{callback.path}?{urlencode(query)}")
        assert done.status_code == 401
        assert "issuer (iss)" in done.text
        assert (await browser.get("/ui/audit")).status_code == 303

    async def test_logout_ends_the_session_at_the_provider(
        self, browser: httpx.AsyncClient, user_agent: httpx.AsyncClient, idp: NodeProvider
    ) -> None:
        signed_in = await browser.get((await _sign_in(browser, user_agent)).removeprefix(HUB))
        assert signed_in.status_code == 303, signed_in.text
        audit = await browser.get("/ui/audit")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', audit.text)
        assert csrf is not None
        out = await browser.post("/ui/logout", data={"csrf_token": csrf.group(1)})
        assert out.status_code == 303
        end_session = out.headers["location"]
        assert end_session.startswith(f"{idp.issuer}/")
        assert parse_qs(urlsplit(end_session).query)["id_token_hint"]
        back = await _at_the_idp(user_agent, end_session, login="a.datenschutz")
        assert back == f"{HUB}/ui/login"
        assert (await browser.get("/ui/audit")).status_code == 303
        # The IdP forgot the person: the next sign-in asks for the login again.
        again = await browser.get("/ui/login/oidc")
        first_idp_page = await user_agent.get(again.headers["location"], follow_redirects=True)
        assert 'name="login"' in first_idp_page.text

    async def test_local_accounts_sign_out_without_the_provider(
        self, ui_app: Any, browser: httpx.AsyncClient
    ) -> None:
        password = await make_account(ui_app, "dpo.local", roles=["dpo"])
        form = await browser.get("/ui/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert csrf is not None
        await browser.post(
            "/ui/login",
            data={"username": "dpo.local", "password": password, "csrf_token": csrf.group(1)},
        )
        audit = await browser.get("/ui/audit")
        token = re.search(r'name="csrf_token" value="([^"]+)"', audit.text)
        assert token is not None
        out = await browser.post("/ui/logout", data={"csrf_token": token.group(1)})
        assert out.headers["location"] == "/ui/login"
