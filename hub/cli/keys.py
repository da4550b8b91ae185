"""``hub keys``: signing keys and secrets in ``HUB_KEY_DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.cli.common import print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Signing keys and secrets in HUB_KEY_DIR")


@app.command("init")
def keys_init(
    key_dir: Annotated[
        Path | None, typer.Option(help="Directory for the keys (default: HUB_KEY_DIR)")
    ] = None,
) -> None:
    """Create the token, checkpoint and session keys if missing (existing keys are kept)."""
    from hub.admin.keys import init_keys  # noqa: PLC0415

    directory = key_dir if key_dir is not None else Settings().key_dir
    print_json({"key_dir": str(directory), "files": init_keys(directory)})
