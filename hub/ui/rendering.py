"""Jinja2 rendering of the workbench pages, with the headers every page carries."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from governance.catalogue import Catalogue
from hub.state import hub_state
from hub.ui import i18n

UI_DIR = Path(__file__).resolve().parent
STATIC_DIR = UI_DIR / "static"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(UI_DIR / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
    )
    # The callables read the request's language from a context variable (hub.ui.i18n).
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.filters["local_time"] = i18n.local_time
    env.filters["local_date"] = i18n.local_date
    env.globals["languages"] = i18n.LANGUAGES
    return env


TEMPLATES = Jinja2Templates(env=_environment())

# Scripts only from our own origin (vendored htmx); inline SVG and our stylesheet only.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "user": getattr(request.state, "ui_user", None),
            "language": i18n.current_language(),
            "titles": Titles(
                getattr(request.state, "ui_catalogue", None),
                registers=_register_titles(request),
            ),
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _register_titles(request: Request) -> dict[str, str]:
    adapters = hub_state(request).adapters
    return {rid: adapter.spec.title for rid, adapter in adapters.items()}


class Titles:
    """Catalogue titles for the codes a page shows (the code itself when unknown)."""

    def __init__(
        self, catalogue: Catalogue | None, *, registers: Mapping[str, str] | None = None
    ) -> None:
        self._catalogue = catalogue
        self._registers = registers or {}

    def register(self, code: str | None) -> str:
        return self._registers.get(code or "", code or "")

    def authority(self, code: str | None) -> str:
        found = self._catalogue.authorities.get(code or "") if self._catalogue else None
        return found.title if found else (code or "")

    def purpose(self, code: str | None) -> str:
        found = self._catalogue.purposes.get(code or "") if self._catalogue else None
        return found.title if found else (code or "")
