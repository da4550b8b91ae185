"""``hub register``: register data (imports, change files, full reloads)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from hub.cli.common import fail, installed_registers, print_json
from hub.config import Settings
from hub.kit.progress import Progress

app = typer.Typer(no_args_is_help=True, help="Register data")
RegisterId = Annotated[str, typer.Argument(help=f"the register: {installed_registers()}")]
ImportFile = Annotated[
    Path,
    typer.Argument(
        help="JSON Lines in the register's import format, or an XGewerbeanzeige message"
    ),
]


def _is_xml(file: Path) -> bool:
    """Chosen by content: an XML document starts with '<' (after a BOM and blanks)."""
    with file.open("rb") as stream:
        head = stream.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<")


@app.command("import")
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
        raise fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        raise _report_rejected(file, rejected, what="imported") from rejected
    print_json({"imported": imported})


def _operator() -> str:
    """Who ran a file command, for the ledger (the operating system's user)."""
    import getpass  # noqa: PLC0415

    return f"cli:{getpass.getuser()}"


def _report_rejected(file: Path, rejected: Any, *, what: str) -> typer.Exit:
    for line, message in rejected.errors:
        typer.echo(f"{file}:{line}: {message}" if line else f"{file}: {message}", err=True)
    return fail(f"error: {len(rejected.errors)} problem(s); nothing was {what}")


@app.command("sync")
def register_sync(
    register: RegisterId,
    file: Annotated[Path, typer.Argument(help="JSON Lines of changes, one change a line")],
    chunk: Annotated[int, typer.Option(min=1, help="changes per transaction")] = 2_000,
) -> None:
    """Apply a file of changes in seq order; lines already applied are skipped."""
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
        raise fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        raise _report_rejected(file, rejected, what="applied") from rejected
    except ProtectionUnconfirmed as error:
        raise fail(f"error: {error}", code=3) from error
    print_json(result)


@app.command("reload")
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
        raise fail(f"error: {error}", code=2) from error
    except ImportRejected as rejected:
        raise _report_rejected(file, rejected, what="reloaded") from rejected
    except ProtectionUnconfirmed as error:
        raise fail(f"error: {error}", code=3) from error
    print_json(result)
