"""Jinja2 rendering of the workbench pages, with the headers every page carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

UI_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=UI_DIR / "templates")  # autoescape on
STATIC_DIR = UI_DIR / "static"

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
        {"user": getattr(request.state, "ui_user", None), **context},
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
