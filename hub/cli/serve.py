"""``hub serve``: the API under uvicorn, and the server options ``make bench`` shares."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from hub.config import Settings


def serve(
    host: Annotated[str, typer.Option(help="address to listen on (0.0.0.0: every interface)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="worker processes (about one per CPU core)")
    ] = 1,
    access_log: Annotated[bool, typer.Option(help="log every HTTP request (path, status)")] = False,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="proxies trusted for X-Forwarded-* (default HUB_FORWARDED_ALLOW_IPS)"),
    ] = None,
) -> None:
    """Serve the API (uvicorn with httptools and uvloop; README "Performance")."""
    import uvicorn  # noqa: PLC0415

    trusted = forwarded_allow_ips or Settings().forwarded_allow_ips
    options = server_options(access_log=access_log, forwarded_allow_ips=trusted)
    with _metrics_directory(workers):
        if workers == 1:
            uvicorn.run("hub.app:create_app", factory=True, host=host, port=port, **options)
        else:
            from hub.cli.workers import serve_workers  # noqa: PLC0415

            config = uvicorn.Config(
                "hub.app:create_app", factory=True, host=host, port=port, workers=workers, **options
            )
            serve_workers(config)


@contextlib.contextmanager
def _metrics_directory(workers: int) -> Iterator[None]:
    """Several workers: an empty folder where each writes its metrics (``/metrics`` sums)."""
    from hub.metrics import MULTIPROC_ENV  # noqa: PLC0415

    if workers == 1 or os.environ.get(MULTIPROC_ENV):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="hub-metrics-") as folder:
        os.environ[MULTIPROC_ENV] = folder  # inherited by the worker processes
        try:
            yield
        finally:
            os.environ.pop(MULTIPROC_ENV, None)


def server_options(
    *, access_log: bool = False, forwarded_allow_ips: str | None = None
) -> dict[str, Any]:
    """The uvicorn options of ``hub serve`` (``make bench`` serves its yardstick app alike)."""
    # httptools and uvloop named explicitly: uvicorn's "auto" would fall back to h11 and
    # asyncio without a word if they were missing, at about half the speed.
    # No access log by default: every query is in the access ledger already.
    # Forwarded headers only from the proxies named (the client's address and https scheme
    # behind the city's TLS proxy); none trusted unless configured.
    options: dict[str, Any] = {
        "http": "httptools",
        "loop": "uvloop",
        "log_level": "info",
        "access_log": access_log,
        "proxy_headers": forwarded_allow_ips is not None,
    }
    if forwarded_allow_ips is not None:
        options["forwarded_allow_ips"] = forwarded_allow_ips
    return options
