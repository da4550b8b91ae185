"""The ``opa`` policy engine: a remote OPA server asked through its Data API.

``POST /v1/data/hub/authz/decision?provenance=true`` with ``{"input": ...}``, sent by
opa-python-client's async client. A connection error, an HTTP error, a timeout, an answer
that is not JSON, an undefined decision or a malformed one all raise :class:`PolicyFailure`
(fail closed). The revision recorded is the bundle revision OPA reports in ``provenance``;
an OPA loaded without a bundle reports none, and then the announced revision stands.
"""

from __future__ import annotations

from typing import Any, Self
from urllib.parse import urlsplit

import aiohttp
from opa_client import AsyncOpaClient

from hub.logging import get_logger
from hub.policy.engine import DECISION_RULE, PolicyFailure, parse_decision
from hub.policy.schemas import Decision

_log = get_logger(__name__)
_PACKAGE, _, _RULE = DECISION_RULE.removeprefix("data.").rpartition(".")


def _endpoint(url: str) -> tuple[str, int, bool]:
    """Host, port and TLS flag: the client builds ``scheme://host:port/v1`` itself."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"the OPA URL must be http(s)://host[:port], not {url!r}")
    if parts.path.strip("/") or parts.query:
        raise ValueError(f"the OPA URL must not have a path or query: {url!r}")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    tls = parts.scheme == "https"
    return host, parts.port or (443 if tls else 80), tls


def reported_revision(provenance: object) -> str | None:
    """The bundle revision(s) in OPA's ``provenance``; None when OPA names no bundle."""
    if not isinstance(provenance, dict):
        return None
    bundles = provenance.get("bundles")
    revisions: dict[str, str] = {
        name: bundle["revision"]
        for name, bundle in (bundles.items() if isinstance(bundles, dict) else ())
        if isinstance(bundle, dict) and isinstance(bundle.get("revision"), str)
    }
    if len(revisions) == 1:
        return next(iter(revisions.values()))
    if revisions:  # several bundles together make the policy: name them all
        return ",".join(f"{name}={revision}" for name, revision in sorted(revisions.items()))
    legacy = provenance.get("revision")  # OPA < 0.10 reported a single revision
    return legacy if isinstance(legacy, str) and legacy else None


class RemoteOpaEngine:
    """One aiohttp session (inside opa-python-client) per hub process, closed at shutdown."""

    def __init__(self, client: Any, *, revision: str) -> None:
        self._client = client
        self._announced = revision
        self.revision = revision

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        revision: str,
        request_timeout: float,
        retries: int = 0,
        token: str | None = None,
    ) -> Self:
        """Open the session; OPA need not be up yet (every decision fails closed until it is)."""
        host, port, tls = _endpoint(url)
        client = AsyncOpaClient(
            host=host, port=port, ssl=tls, timeout=request_timeout, retries=retries, token=token
        )
        await client.__aenter__()
        return cls(client, revision=revision)

    async def decide(self, policy_input: dict[str, Any]) -> Decision:
        try:
            answer = await self._client.query_rule(
                policy_input, _PACKAGE, _RULE, query_params={"provenance": "true"}
            )
        except (aiohttp.ClientError, TimeoutError, ValueError, AttributeError) as error:
            # AttributeError: the session is gone (closed engine); ValueError: not JSON.
            raise PolicyFailure(f"OPA did not decide: {error.__class__.__name__}") from error
        if not isinstance(answer, dict):
            raise PolicyFailure("OPA answered with something other than a JSON object")
        if "result" not in answer:
            raise PolicyFailure(f"{DECISION_RULE} is undefined on OPA")
        decision = parse_decision(answer["result"])
        reported = reported_revision(answer.get("provenance"))
        if reported is not None and reported != self.revision:
            _log.info("opa_revision", revision=reported, announced=self._announced)
        self.revision = reported or self._announced
        return decision.model_copy(update={"revision": self.revision})

    async def aclose(self) -> None:
        await self._client.close_connection()
