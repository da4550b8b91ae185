"""Absolute URLs of the hub as the outside world reaches it.

Behind the city's TLS proxy the request the hub sees is ``http://hub:8000/...``; a URL
built from it (the OIDC ``redirect_uri``) would send a browser, or an IdP's check, to the
wrong place. ``HUB_PUBLIC_BASE_URL`` names the public origin (and path prefix); unset, the
request's own URL is used, which is right when uvicorn trusts the proxy's forwarded headers
(``HUB_FORWARDED_ALLOW_IPS``) or when no proxy is in between.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from hub.state import hub_state


def public_url_for(request: Request, name: str, /, **path_params: Any) -> str:
    """The absolute URL of the route ``name``, on the public base URL when one is set."""
    base: str | None = hub_state(request).settings.public_base_url
    if base is None:
        return str(request.url_for(name, **path_params))
    path = request.app.url_path_for(name, **path_params)
    return base.rstrip("/") + str(path)
