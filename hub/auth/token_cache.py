"""Verified access tokens, remembered until they expire.

An ES256 signature check costs more than the rest of the authentication; a client sends the
same token with every call for up to ``HUB_TOKEN_LIFETIME_SECONDS``. A token the cache
answers for was fully verified once (signature, ``alg``, ``iss``, ``aud``, ``exp``, ``nbf``
and the claims' shape) and is given up at its ``exp``, before the verifier's leeway would
still accept it, so the cache never accepts what :func:`~hub.auth.tokens.verify_token`
would refuse. Whether the token's client is still active (not disabled, no secret rotation
since ``iat``) is checked per request after the cache, by
:class:`~hub.auth.client_status.ClientStatusCache`: a disabled client's cached token is
refused all the same. Refused tokens are never cached.

Keys are SHA-256 digests of the token, so the cache holds no usable bearer credential. The
cache is bounded; when full, the oldest entry goes (all tokens live equally long, so that is
also the one expiring first). One cache per process, used from the event loop only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from hub.auth.tokens import VerifiedToken

DEFAULT_MAX_TOKENS = 10_000


class VerifiedTokenCache:
    def __init__(
        self,
        *,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        self._max_tokens = max_tokens
        self._clock = clock
        self._verified: dict[bytes, VerifiedToken] = {}

    def __len__(self) -> int:
        return len(self._verified)

    def verify(self, token: str, verify: Callable[[str], VerifiedToken]) -> VerifiedToken:
        """The cached verification of ``token``, else ``verify(token)`` (which may raise)."""
        key = hashlib.sha256(token.encode()).digest()
        cached = self._verified.get(key)
        if cached is not None:
            if self._clock() < cached.expires_at:
                return cached
            del self._verified[key]
        verified = verify(token)
        if self._clock() < verified.expires_at:
            if len(self._verified) >= self._max_tokens:
                del self._verified[next(iter(self._verified))]
            self._verified[key] = verified
        return verified
