"""What the command modules share: JSON on stdout, failing with a message, the register names."""

from __future__ import annotations

import json

import typer


def installed_registers() -> str:
    """The installed registers, named in the help (entry points; no adapter is imported)."""
    from importlib.metadata import entry_points  # noqa: PLC0415

    return ", ".join(sorted(point.name for point in entry_points(group="hub.adapters")))


def print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def fail(message: str, *, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)
