"""The ``hub`` command. Every command honours ``HUB_DATABASE_URL``.

One module per command group; this one builds the root command and adds the groups in the
order ``hub --help`` lists them.
"""

from __future__ import annotations

import sys

import typer

from hub.cli import (
    audit,
    catalogue,
    clients,
    db,
    demo,
    duties,
    hits,
    keys,
    opendata,
    policy,
    register,
    serve,
    ui,
)
from hub.cli.common import installed_registers

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help=f"Register Hub administration. Registers: {installed_registers()}. Every command uses "
    "HUB_DATABASE_URL (default sqlite:///./var/hub.db).",
)
app.command()(serve.serve)
for group, name in (
    (db.app, "db"),
    (demo.app, "demo"),
    (catalogue.app, "catalogue"),
    (clients.app, "clients"),
    (register.app, "register"),
    (audit.app, "audit"),
    (policy.app, "policy"),
    (hits.app, "hits"),
    (ui.app, "ui"),
    (duties.app, "duties"),
    (keys.app, "keys"),
    (opendata.app, "opendata"),
):
    app.add_typer(group, name=name)


def main() -> None:
    sys.exit(app())
