"""``hub demo``: the synthetic Darmstadt demo data."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings
from hub.kit.progress import Progress

app = typer.Typer(no_args_is_help=True, help="Synthetic Darmstadt demo data")


@app.command("load")
def demo_load(
    persons: Annotated[
        int, typer.Option(min=1, max=2_000_000, help="residents in the synthetic Melderegister")
    ] = 5_000,
    seed: Annotated[
        int, typer.Option(help="random seed: the same seed gives the same demo data")
    ] = 2026,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="skip when data exists")] = False,
) -> None:
    """Catalogue, one demo client per city office, synthetic registers."""
    from hub.admin.demo import load_demo  # noqa: PLC0415

    report = load_demo(
        Settings(), persons=persons, seed=seed, if_empty=if_empty, progress=Progress("demo")
    )
    print_json(report)


@app.command("credentials")
def demo_credentials() -> None:
    """Print the demo client credentials written by ``hub demo load``."""
    from hub.admin.demo import credentials_file  # noqa: PLC0415

    path = credentials_file(Settings())
    if not path.exists():
        raise fail("no demo credentials yet: run 'hub demo load'")
    typer.echo(path.read_text(encoding="utf-8"))
