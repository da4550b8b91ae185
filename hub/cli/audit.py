"""``hub audit``: the access ledger (verify, checkpoints, retention, exports, anomalies)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings
from hub.kit.progress import Progress

app = typer.Typer(no_args_is_help=True, help="The access ledger")


@app.command("verify")
def audit_verify() -> None:
    """Check the whole access ledger's hash chain."""
    from hub.admin.service import verify_ledger  # noqa: PLC0415

    report = asyncio.run(verify_ledger(Settings(), progress=Progress("verify")))
    print_json(report.as_json())
    if not report.ok:
        raise typer.Exit(1)


@app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the ledger head with the checkpoint key (safe from cron)."""
    from hub.admin.service import write_ledger_checkpoint  # noqa: PLC0415
    from hub.audit.integrity.service import LedgerBroken  # noqa: PLC0415

    try:
        print_json(asyncio.run(write_ledger_checkpoint(Settings())))
    except LedgerBroken as error:
        raise fail(str(error)) from error


@app.command("purge")
def audit_purge(
    now: Annotated[
        datetime | None, typer.Option(help="Purge as of this ISO time (not in the future)")
    ] = None,
) -> None:
    """Delete ledger entries past their retention; the chain still verifies."""
    from hub.admin.service import purge_ledger  # noqa: PLC0415
    from hub.audit.integrity.service import LedgerBroken  # noqa: PLC0415

    try:
        report = asyncio.run(purge_ledger(Settings(), now, progress=Progress("purge")))
    except (LedgerBroken, ValueError) as error:
        raise fail(str(error)) from error
    print_json(report.as_json())


@app.command("export-slice")
def audit_export_slice(
    to_checkpoint: Annotated[int, typer.Option("--to", help="Closing checkpoint id")],
    out: Annotated[Path, typer.Option(help="JSON Lines file to write")],
    from_checkpoint: Annotated[
        int | None, typer.Option("--from", help="Opening checkpoint id (default: genesis)")
    ] = None,
) -> None:
    """Export entries between two signed checkpoints for an auditor (JSON Lines)."""
    from hub.admin.service import export_ledger_slice  # noqa: PLC0415

    try:
        lines = asyncio.run(
            export_ledger_slice(
                Settings(), to_checkpoint=to_checkpoint, from_checkpoint=from_checkpoint
            )
        )
    except (LookupError, ValueError) as error:
        raise fail(str(error)) from error
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print_json({"lines": len(lines), "file": str(out)})


@app.command("verify-export")
def audit_verify_export(
    file: Annotated[Path, typer.Argument(help="a slice written by hub audit export-slice")],
    key_id: Annotated[str | None, typer.Option(help="Expected checkpoint key id")] = None,
) -> None:
    """Check an exported ledger slice without the database."""
    from hub.audit.integrity.export import iter_lines, verify_export  # noqa: PLC0415

    report = verify_export(iter_lines(file), expected_key_id=key_id)
    print_json(report.as_json())
    if not report.ok:
        raise typer.Exit(1)


@app.command("anomalies")
def audit_anomalies(
    since: Annotated[
        datetime | None,
        typer.Option(help="ISO time; default: the longest rule window plus 1 h back"),
    ] = None,
    until: Annotated[datetime | None, typer.Option(help="ISO time; default: now")] = None,
) -> None:
    """Run the anomaly rules over the ledger; opens or extends review cases (cron-safe)."""
    from hub.audit.review.detection_service import run_detection  # noqa: PLC0415

    try:
        detection = asyncio.run(run_detection(Settings(), since=since, until=until))
    except ValueError as error:
        raise fail(f"error: {error}", code=2) from error
    print_json(detection.as_json())
