"""Every command and option of ``hub`` says what it does; the help names the registers."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points
from typing import Any

import typer
from typer.testing import CliRunner

from hub.cli import app


def _commands(command: Any, path: tuple[str, ...] = ("hub",)) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_command_and_option_has_a_help_text() -> None:
    undocumented = [
        f"{path} {param.name}" if param is not None else path
        for path, command in _commands(typer.main.get_command(app))
        for param in [None, *command.params]
        if (param is None and not command.help)
        or (param is not None and param.name != "help" and not getattr(param, "help", None))
    ]
    assert undocumented == []


def test_the_help_lists_the_registers() -> None:
    registers = sorted(point.name for point in entry_points(group="hub.adapters"))
    assert "melderegister" in registers
    shown = " ".join(CliRunner().invoke(app, ["--help"]).stdout.split())
    assert f"Registers: {', '.join(registers)}." in shown
    imported = " ".join(CliRunner().invoke(app, ["register", "import", "--help"]).stdout.split())
    assert all(register in imported for register in registers)
