"""The ``hub`` command (CONTRACT §1). Every command honours ``HUB_DATABASE_URL``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hub.config import Settings
from hub.kit.progress import Progress


def _registers() -> str:
    """The installed registers, named in the help (entry points; no adapter is imported)."""
    from importlib.metadata import entry_points  # noqa: PLC0415

    return ", ".join(sorted(point.name for point in entry_points(group="hub.adapters")))


app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help=f"Register Hub administration. Registers: {_registers()}. Every command uses "
    "HUB_DATABASE_URL (default sqlite:///./var/hub.db).",
)
RegisterId = Annotated[str, typer.Argument(help=f"the register: {_registers()}")]
ImportFile = Annotated[
    Path,
    typer.Argument(
        help="JSON Lines in the import format (CONTRACT §5), or an XGewerbeanzeige message"
    ),
]
ClientId = Annotated[str, typer.Argument(help="the client's id (hub clients list)")]
PolicyDir = Annotated[
    Path | None, typer.Option(help="the Rego policies (default HUB_POLICY_DIR, policies/)")
]
db_app = typer.Typer(no_args_is_help=True, help="Database schema")
demo_app = typer.Typer(no_args_is_help=True, help="Synthetic Darmstadt demo data")
catalogue_app = typer.Typer(no_args_is_help=True, help="The data-steward catalogue")
clients_app = typer.Typer(no_args_is_help=True, help="API clients (specialist procedures)")
register_app = typer.Typer(no_args_is_help=True, help="Register data")
audit_app = typer.Typer(no_args_is_help=True, help="The access ledger")
policy_app = typer.Typer(no_args_is_help=True, help="Policy-as-code")
hits_app = typer.Typer(no_args_is_help=True, help="Opaque hit IDs (valid 48 h)")
ui_app = typer.Typer(no_args_is_help=True, help="Web workbenches (/ui)")
ui_account_app = typer.Typer(no_args_is_help=True, help="Workbench accounts")
ui_app.add_typer(ui_account_app, name="account")
for sub, name in (
    (db_app, "db"),
    (demo_app, "demo"),
    (catalogue_app, "catalogue"),
    (clients_app, "clients"),
    (register_app, "register"),
    (audit_app, "audit"),
    (policy_app, "policy"),
    (hits_app, "hits"),
    (ui_app, "ui"),
):
    app.add_typer(sub, name=name)
duties_app = typer.Typer(no_args_is_help=True, help="Catalogue duties (retention, reviews)")
app.add_typer(duties_app, name="duties")
keys_app = typer.Typer(no_args_is_help=True, help="Signing keys and secrets in HUB_KEY_DIR")
app.add_typer(keys_app, name="keys")


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False))


def _fail(message: str, *, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Alembic ``upgrade head``."""
    from hub.kit.migrate import upgrade_head  # noqa: PLC0415 - keep CLI start-up light

    upgrade_head(Settings().database_url)


@app.command()
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
    with _metrics_directory(workers):
        uvicorn.run(
            "hub.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            **server_options(access_log=access_log, forwarded_allow_ips=trusted),
        )


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


@catalogue_app.command("load")
def catalogue_load() -> None:
    """(Re)load the Darmstadt default catalogue, idempotently."""
    from hub.admin.service import load_catalogue  # noqa: PLC0415

    _print_json(load_catalogue(Settings()))


@catalogue_app.command("sync")
def catalogue_sync() -> None:
    """Add fields the adapters declare as unreviewed; flag fields they no longer declare."""
    from hub.catalogue.commands import run_sync  # noqa: PLC0415

    _print_json(run_sync(Settings()))


@clients_app.command("create")
def clients_create(
    authority: Annotated[str, typer.Option(help="authority code (CONTRACT §6)")],
    name: Annotated[
        str | None, typer.Option(help="the specialist procedure's name (shown in the ledger)")
    ] = None,
    trusted_role: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-role",
            help="a user role the client may assert (besonders_ermaechtigt, behoerdenleitung); "
            "repeat for several",
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="register:query (default), catalogue:read, catalogue:write, audit:read, "
            "tasks:read, clients:admin, register:write; repeat for several",
        ),
    ] = None,
) -> None:
    """Register a client; prints its id and secret once."""
    from hub.admin.service import create_client  # noqa: PLC0415
    from hub.clients.service import ClientRegistrationError  # noqa: PLC0415

    try:
        created = create_client(
            Settings(), authority=authority, name=name, scopes=scope, trusted_roles=trusted_role
        )
    except ClientRegistrationError as error:
        raise _fail(f"error: {error}", code=2) from error
    _print_json({"client_id": created.client_id, "client_secret": created.client_secret})


@clients_app.command("list")
def clients_list(
    authority: Annotated[str | None, typer.Option(help="only this authority's clients")] = None,
) -> None:
    """Every client (id, authority, scopes, active, how it authenticates); never secrets."""
    from hub.clients.commands import list_clients  # noqa: PLC0415

    clients = list_clients(Settings(), authority=authority)
    _print_json({"clients": [client.as_json() for client in clients]})


def _set_client_active(client_id: str, *, active: bool) -> None:
    from hub.clients.commands import set_active  # noqa: PLC0415
    from hub.errors import ClientNotFound  # noqa: PLC0415

    try:
        _print_json(set_active(Settings(), client_id, active=active).as_json())
    except ClientNotFound as error:
        raise _fail(f"error: {error.detail}", code=2) from error


@clients_app.command("disable")
def clients_disable(client_id: ClientId) -> None:
    """Disable a client: no new tokens, and its tokens are refused within seconds."""
    _set_client_active(client_id, active=False)


@clients_app.command("enable")
def clients_enable(client_id: ClientId) -> None:
    """Enable a disabled client again."""
    _set_client_active(client_id, active=True)


@clients_app.command("rotate-secret")
def clients_rotate_secret(
    client_id: ClientId,
    keep_tokens: Annotated[
        bool, typer.Option(help="let tokens issued before run out instead of refusing them now")
    ] = False,
) -> None:
    """Give a client a new secret (printed once); the old one stops working at once."""
    from hub.clients.commands import rotate_secret  # noqa: PLC0415
    from hub.errors import ClientNotFound  # noqa: PLC0415

    try:
        rotated = rotate_secret(Settings(), client_id, revoke_tokens=not keep_tokens)
    except ClientNotFound as error:
        raise _fail(f"error: {error.detail}", code=2) from error
    _print_json({"client_id": rotated.client.client_id, "client_secret": rotated.client_secret})


def _is_xml(file: Path) -> bool:
    """Chosen by content: an XML document starts with '<' (after a BOM and blanks)."""
    with file.open("rb") as stream:
        head = stream.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


@register_app.command("import")
def register_import(register: RegisterId, file: ImportFile) -> None:
    """Load JSON Lines or an XÖV message (XGewerbeanzeige) into a register, all or nothing."""
    from adapters.errors import ImportRejected  # noqa: PLC0415
    from hub.admin.service import (  # noqa: PLC0415
        ImportNotSupported,
        import_register,
        import_register_xml,
    )

    try:
        if _is_xml(file):
            imported = import_register_xml(Settings(), register=register, data=file.read_bytes())
        else:
            with file.open(encoding="utf-8") as lines:
                imported = import_register(
                    Settings(), register=register, lines=lines, progress=Progress("import")
                )
    except (OSError, ImportNotSupported) as error:
        raise _fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        for line, message in rejected.errors:
            typer.echo(f"{file}:{line}: {message}" if line else f"{file}: {message}", err=True)
        raise _fail(f"error: {len(rejected.errors)} problem(s); nothing was imported") from rejected
    _print_json({"imported": imported})


def _operator() -> str:
    """Who ran a file command, for the ledger (the operating system's user)."""
    import getpass  # noqa: PLC0415

    return f"cli:{getpass.getuser()}"


def _report_rejected(file: Path, rejected: Any, *, what: str) -> typer.Exit:
    for line, message in rejected.errors:
        typer.echo(f"{file}:{line}: {message}" if line else f"{file}: {message}", err=True)
    return _fail(f"error: {len(rejected.errors)} problem(s); nothing was {what}")


@register_app.command("sync")
def register_sync(
    register: RegisterId,
    file: Annotated[Path, typer.Argument(help="JSON Lines of changes (CONTRACT §5a)")],
    chunk: Annotated[int, typer.Option(min=1, help="changes per transaction")] = 2_000,
) -> None:
    """Apply a file of changes (CONTRACT §5a) in seq order; lines already applied are skipped."""
    from adapters.errors import ImportRejected  # noqa: PLC0415
    from hub.registers.commands import (  # noqa: PLC0415
        FeedNotSupported,
        ProtectionUnconfirmed,
        sync_file,
    )

    try:
        with file.open(encoding="utf-8") as lines:
            result = sync_file(
                Settings(), register=register, lines=lines, actor=_operator(), chunk_size=chunk
            )
    except (OSError, FeedNotSupported) as error:
        raise _fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        raise _report_rejected(file, rejected, what="applied") from rejected
    except ProtectionUnconfirmed as error:
        raise _fail(f"error: {error}", code=3) from error
    _print_json(result)


@register_app.command("reload")
def register_reload(
    register: RegisterId,
    file: ImportFile,
    seq: Annotated[int | None, typer.Option(help="source seq the export reflects")] = None,
    exported_at: Annotated[
        datetime | None, typer.Option(help="when the source wrote the export (UTC)")
    ] = None,
) -> None:
    """Swap in a full export (import format) in one transaction; counts, never values."""
    from adapters.errors import ImportRejected  # noqa: PLC0415
    from hub.registers.commands import (  # noqa: PLC0415
        FeedNotSupported,
        ProtectionUnconfirmed,
        reload_file,
    )

    when = (
        exported_at.replace(tzinfo=UTC) if exported_at and not exported_at.tzinfo else exported_at
    )
    try:
        with file.open(encoding="utf-8") as lines:
            result = reload_file(
                Settings(),
                register=register,
                lines=lines,
                actor=_operator(),
                seq=seq,
                exported_at=when,
            )
    except (OSError, FeedNotSupported) as error:
        raise _fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        raise _report_rejected(file, rejected, what="reloaded") from rejected
    except ProtectionUnconfirmed as error:
        raise _fail(f"error: {error}", code=3) from error
    _print_json(result)


@demo_app.command("load")
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
    _print_json(report)


@demo_app.command("credentials")
def demo_credentials() -> None:
    """Print the demo client credentials written by ``hub demo load``."""
    from hub.admin.demo import credentials_file  # noqa: PLC0415

    path = credentials_file(Settings())
    if not path.exists():
        raise _fail("no demo credentials yet: run 'hub demo load'")
    typer.echo(path.read_text(encoding="utf-8"))


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the whole access ledger's hash chain."""
    from hub.admin.service import verify_ledger  # noqa: PLC0415

    report = asyncio.run(verify_ledger(Settings(), progress=Progress("verify")))
    _print_json(report.as_json())
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the ledger head with the checkpoint key (safe from cron)."""
    from hub.admin.service import write_ledger_checkpoint  # noqa: PLC0415
    from hub.audit.integrity.service import LedgerBroken  # noqa: PLC0415

    try:
        _print_json(asyncio.run(write_ledger_checkpoint(Settings())))
    except LedgerBroken as error:
        raise _fail(str(error)) from error


@audit_app.command("purge")
def audit_purge(
    now: Annotated[
        datetime | None, typer.Option(help="Purge as of this ISO time (not in the future)")
    ] = None,
) -> None:
    """Delete ledger entries past their retention (law-matrix §5); the chain still verifies."""
    from hub.admin.service import purge_ledger  # noqa: PLC0415
    from hub.audit.integrity.service import LedgerBroken  # noqa: PLC0415

    try:
        report = asyncio.run(purge_ledger(Settings(), now, progress=Progress("purge")))
    except (LedgerBroken, ValueError) as error:
        raise _fail(str(error)) from error
    _print_json(report.as_json())


@audit_app.command("export-slice")
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
        raise _fail(str(error)) from error
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _print_json({"lines": len(lines), "file": str(out)})


@audit_app.command("verify-export")
def audit_verify_export(
    file: Annotated[Path, typer.Argument(help="a slice written by hub audit export-slice")],
    key_id: Annotated[str | None, typer.Option(help="Expected checkpoint key id")] = None,
) -> None:
    """Check an exported ledger slice without the database."""
    from hub.audit.integrity.export import iter_lines, verify_export  # noqa: PLC0415

    report = verify_export(iter_lines(file), expected_key_id=key_id)
    _print_json(report.as_json())
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("anomalies")
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
        raise _fail(f"error: {error}", code=2) from error
    _print_json(detection.as_json())


@hits_app.command("purge")
def hits_purge() -> None:
    """Delete expired hit IDs (cron; follow-ups refuse them by expiry until then)."""
    from hub.admin.service import purge_hit_refs  # noqa: PLC0415

    _print_json({"purged": asyncio.run(purge_hit_refs(Settings()))})


@policy_app.command("test")
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


@policy_app.command("schema")
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
        _print_json({"schema": str(path), "written": False})
        return
    if check:
        raise _fail(f"{path} is not current: run `hub policy schema`", code=1)
    path.write_text(generated, encoding="utf-8")
    _print_json({"schema": str(path), "written": True})


@policy_app.command("bundle")
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
        raise _fail(f"error: {error}", code=2) from error
    _print_json({"bundle": str(out), "revision": revision})


@duties_app.command("run")
def duties_run(
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Run as of this day (default: today)"),
    ] = None,
) -> None:
    """Mark due/overdue duties, run retention in mirrored registers, record proof (cron-safe)."""
    from adapters.registry import AdapterLoadError  # noqa: PLC0415
    from hub.catalogue.duties_service import run_duties  # noqa: PLC0415

    try:
        report = asyncio.run(run_duties(Settings(), today=today.date() if today else None))
    except AdapterLoadError as error:
        raise _fail(f"error: {error}", code=2) from error
    _print_json(report.as_json())
    if any(run["outcome"] == "failed" for run in report.runs):
        raise typer.Exit(1)


@ui_account_app.command("create")
def ui_account_create(  # noqa: PLR0917 - typer maps each option to a parameter
    username: Annotated[str, typer.Option(help="the sign-in name")],
    role: Annotated[list[str], typer.Option("--role", help="dpo, steward, register_office")],
    display_name: Annotated[
        str | None, typer.Option(help="the name the workbench shows (default: the username)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin")
    ] = False,
    oidc_issuer: Annotated[str | None, typer.Option(help="bind to this IdP identity")] = None,
    oidc_subject: Annotated[
        str | None, typer.Option(help="the IdP's sub for this person (with --oidc-issuer)")
    ] = None,
    office: Annotated[
        str | None,
        typer.Option(help="register_office: the office whose tasks it works, e.g. standesamt"),
    ] = None,
) -> None:
    """Create a workbench account; prints a generated password once (unless given or OIDC)."""
    from hub.ui.admin import create_ui_account  # noqa: PLC0415
    from hub.ui.service import AccountError  # noqa: PLC0415

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    if password_stdin and not password:
        raise _fail("error: no password on stdin", code=2)
    try:
        created = create_ui_account(
            Settings(),
            username=username,
            roles=role,
            display_name=display_name,
            password=password,
            oidc_issuer=oidc_issuer,
            oidc_subject=oidc_subject,
            office=office,
        )
    except AccountError as error:
        raise _fail(f"error: {error}", code=2) from error
    shown = {"username": created.username, "roles": sorted(set(role))}
    if created.password is not None and not password_stdin:
        shown["password"] = created.password
    _print_json(shown)


@ui_account_app.command("disable")
def ui_account_disable(
    username: Annotated[str, typer.Argument(help="the account's sign-in name")],
) -> None:
    """Refuse further logins and end the account's sessions."""
    from hub.ui.admin import disable_ui_account  # noqa: PLC0415
    from hub.ui.service import AccountError  # noqa: PLC0415

    try:
        disable_ui_account(Settings(), username=username)
    except AccountError as error:
        raise _fail(f"error: {error}", code=2) from error
    _print_json({"username": username, "disabled": True})


def main() -> None:
    sys.exit(app())


@keys_app.command("init")
def keys_init(
    key_dir: Annotated[
        Path | None, typer.Option(help="Directory for the keys (default: HUB_KEY_DIR)")
    ] = None,
) -> None:
    """Create the token, checkpoint and session keys if missing (existing keys are kept)."""
    from hub.admin.keys import init_keys  # noqa: PLC0415

    directory = key_dir if key_dir is not None else Settings().key_dir
    _print_json({"key_dir": str(directory), "files": init_keys(directory)})


opendata_app = typer.Typer(no_args_is_help=True, help="Open aggregates (offene Daten)")
app.add_typer(opendata_app, name="opendata")


@opendata_app.command("define")
def opendata_define(
    steward: Annotated[str, typer.Option(help="Who enters the definitions (recorded)")],
    code: Annotated[list[str] | None, typer.Option("--code", help="Only these aggregates")] = None,
) -> None:
    """Enter the city's proposed aggregates (unreviewed) that are not defined yet."""
    from hub.opendata.definitions_service import define_defaults  # noqa: PLC0415

    changes = asyncio.run(define_defaults(Settings(), actor=steward, codes=code or ()))
    _print_json([{"code": c.code, "status": c.status, "revision": c.revision} for c in changes])


@opendata_app.command("approve")
def opendata_approve(
    code: Annotated[str, typer.Argument(help="the aggregate's code (hub opendata define)")],
    steward: Annotated[str, typer.Option(help="The approving steward (recorded)")],
    reason: Annotated[str, typer.Option(help="Why the aggregate may be published")] = "",
) -> None:
    """A steward approves an aggregate for publication (recorded in the catalogue history)."""
    from hub.opendata.definitions_service import DefinitionError, approve  # noqa: PLC0415

    try:
        change = asyncio.run(approve(Settings(), code, actor=steward, reason=reason))
    except DefinitionError as error:
        raise _fail(f"error: {error}", code=2) from error
    _print_json({"code": change.code, "status": change.status, "revision": change.revision})


@opendata_app.command("publish")
def opendata_publish(
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Run as of this day (default: today)"),
    ] = None,
) -> None:
    """Publish every approved aggregate for the month before today (cron-safe, idempotent)."""
    from hub.opendata.service import publish  # noqa: PLC0415

    report = asyncio.run(publish(Settings(), today=today.date() if today else None))
    _print_json(report.as_json())
    if report.refused:
        raise typer.Exit(1)
