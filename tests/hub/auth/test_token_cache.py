"""The verified-token cache: never accepts what the verifier would refuse."""

from __future__ import annotations

import hashlib
import time

import httpx
import pytest
from fastapi import FastAPI

from hub.auth.token_cache import VerifiedTokenCache
from hub.auth.tokens import TokenInvalid, VerifiedToken
from tests.fixtures.tokens import forge_token


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _verified(expires_at: int, client_id: str = "c-1") -> VerifiedToken:
    return VerifiedToken(
        client_id=client_id,
        authority="wohngeldstelle",
        scopes=frozenset({"register:query"}),
        trusted_roles=frozenset(),
        token_id="jti-1",
        expires_at=expires_at,
        issued_at=expires_at - 900,
    )


class CountingVerifier:
    """Stands in for the ES256 check: answers ``token -> VerifiedToken`` or refuses."""

    def __init__(self, answers: dict[str, VerifiedToken]) -> None:
        self.answers = answers
        self.calls = 0

    def __call__(self, token: str) -> VerifiedToken:
        self.calls += 1
        if token not in self.answers:
            raise TokenInvalid("token rejected: BadSignatureError")
        return self.answers[token]


class TestVerifiedTokenCache:
    def test_a_verified_token_is_checked_once_until_it_expires(self) -> None:
        clock = FakeClock(1_000.0)
        cache = VerifiedTokenCache(clock=clock)
        verifier = CountingVerifier({"a": _verified(1_060)})
        assert cache.verify("a", verifier).client_id == "c-1"
        assert cache.verify("a", verifier).client_id == "c-1"
        assert verifier.calls == 1

    def test_at_exp_the_verifier_decides_again(self) -> None:
        clock = FakeClock(1_000.0)
        cache = VerifiedTokenCache(clock=clock)
        verifier = CountingVerifier({"a": _verified(1_060)})
        cache.verify("a", verifier)
        clock.now = 1_060.0
        del verifier.answers["a"]  # the verifier now refuses it (expired)
        with pytest.raises(TokenInvalid):
            cache.verify("a", verifier)
        assert verifier.calls == 2
        assert len(cache) == 0

    def test_refused_tokens_are_not_cached(self) -> None:
        cache = VerifiedTokenCache(clock=FakeClock(1_000.0))
        verifier = CountingVerifier({})
        for _ in range(2):
            with pytest.raises(TokenInvalid):
                cache.verify("forged", verifier)
        assert verifier.calls == 2
        assert len(cache) == 0

    def test_full_cache_drops_the_oldest_token(self) -> None:
        cache = VerifiedTokenCache(max_tokens=2, clock=FakeClock(1_000.0))
        verifier = CountingVerifier({name: _verified(1_060, name) for name in ("a", "b", "c")})
        for name in ("a", "b", "c"):
            cache.verify(name, verifier)
        assert len(cache) == 2
        cache.verify("b", verifier)
        cache.verify("c", verifier)
        assert verifier.calls == 3  # b and c still cached
        cache.verify("a", verifier)
        assert verifier.calls == 4  # a was dropped

    def test_holds_digests_not_tokens(self) -> None:
        cache = VerifiedTokenCache(clock=FakeClock(1_000.0))
        cache.verify("secret-token", CountingVerifier({"secret-token": _verified(1_060)}))
        assert list(cache._verified) == [hashlib.sha256(b"secret-token").digest()]


class TestCacheInTheApp:
    async def test_second_call_is_served_from_the_cache(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        token = forge_token(app)
        headers = {"Authorization": f"Bearer {token}"}
        assert (await http.get("/v1/registers", headers=headers)).status_code == 200
        assert len(app.state.token_cache) == 1
        assert (await http.get("/v1/registers", headers=headers)).status_code == 200
        assert len(app.state.token_cache) == 1

    async def test_tampered_copy_of_a_cached_token_is_refused(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        token = forge_token(app)
        ok = await http.get("/v1/registers", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        header, payload, signature = token.split(".")
        flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
        tampered = f"{header}.{payload}.{flipped}"
        refused = await http.get("/v1/registers", headers={"Authorization": f"Bearer {tampered}"})
        assert refused.status_code == 401

    async def test_token_past_exp_is_verified_again_not_served_from_the_cache(
        self, http: httpx.AsyncClient, app: FastAPI
    ) -> None:
        # The cache's own clock moves past exp (a real second's wait raced the first request
        # on a loaded machine); the verifier, on the real clock, still accepts the token.
        now = [time.time()]
        app.state.token_cache = VerifiedTokenCache(clock=lambda: now[0])
        exp = int(now[0]) + 60
        headers = {"Authorization": f"Bearer {forge_token(app, exp=exp)}"}
        assert (await http.get("/v1/registers", headers=headers)).status_code == 200
        assert len(app.state.token_cache) == 1
        now[0] = exp + 0.05  # past exp
        # The verifier's leeway (30 s) would still accept it; the cache must not keep it
        # past exp either way, so the answer comes from a fresh verification.
        assert (await http.get("/v1/registers", headers=headers)).status_code == 200
        assert len(app.state.token_cache) == 0
