"""``hub policy``: policy-as-code (Rego tests, input schema, OPA bundle)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Policy-as-code")
PolicyDir = Annotated[
    Path | None, typer.Option(help="the Rego policies (default HUB_POLICY_DIR, policies/)")
]


@app.command("test")
def policy_test(
    policy_dir: PolicyDir = None,
) -> None:
    """Run every ``test_*`` rule under ``policies/``."""
    from hub.policy.rego_tests import run_policy_tests  # noqa: PLC0415

    report = run_policy_tests(policy_dir or Settings().policy_dir)
    for result in report.results:
        if not result.passed:
            typer.echo(f"FAIL {result.package}.{result.name} {result.error or ''}".rstrip())
    typer.echo(f"policy: {len(report.passed)} passed, {len(report.failed)} failed")
    if report.failed or not report.results:
        raise typer.Exit(1)


@app.command("schema")
def policy_schema(
    policy_dir: PolicyDir = None,
    check: Annotated[
        bool, typer.Option("--check", help="only compare; exit 1 when the file is not current")
    ] = False,
) -> None:
    """Write ``input.schema.json`` beside the Rego, generated from the policy input model."""
    from hub.policy.input import policy_input_schema_text, schema_path  # noqa: PLC0415

    path = schema_path(policy_dir or Settings().policy_dir)
    generated = policy_input_schema_text()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == generated:
        print_json({"schema": str(path), "written": False})
        return
    if check:
        raise fail(f"{path} is not current: run `hub policy schema`", code=1)
    path.write_text(generated, encoding="utf-8")
    print_json({"schema": str(path), "written": True})


@app.command("bundle")
def policy_bundle(
    out: Annotated[Path, typer.Argument(help="the bundle to write (.tar.gz)")],
    policy_dir: PolicyDir = None,
) -> None:
    """Write an OPA bundle of ``policies/`` whose manifest carries the recorded revision."""
    from hub.policy.bundle import write_bundle  # noqa: PLC0415
    from hub.policy.engine import announced_revision  # noqa: PLC0415

    settings = Settings()
    source = policy_dir or settings.policy_dir
    # The same revision the hub records for each decision (HUB_POLICY_REVISION or content).
    revision = announced_revision(source, configured=settings.policy_revision)
    try:
        write_bundle(source, out, revision=revision)
    except (OSError, ValueError) as error:
        raise fail(f"error: {error}", code=2) from error
    print_json({"bundle": str(out), "revision": revision})
