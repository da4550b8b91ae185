"""Server-rendered public pages (no JavaScript): one Jinja environment, autoescaped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
_ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True)
)


def german_number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "\u2013"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


_ENVIRONMENT.filters["zahl"] = german_number


def render(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)
