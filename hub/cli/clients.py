"""``hub clients``: API clients (specialist procedures)."""

from __future__ import annotations

from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="API clients (specialist procedures)")
ClientId = Annotated[str, typer.Argument(help="the client's id (hub clients list)")]


@app.command("create")
def clients_create(
    authority: Annotated[str, typer.Option(help="authority code, e.g. wohngeldstelle")],
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
        raise fail(f"error: {error}", code=2) from error
    print_json({"client_id": created.client_id, "client_secret": created.client_secret})


@app.command("list")
def clients_list(
    authority: Annotated[str | None, typer.Option(help="only this authority's clients")] = None,
) -> None:
    """Every client (id, authority, scopes, active, how it authenticates); never secrets."""
    from hub.clients.commands import list_clients  # noqa: PLC0415

    clients = list_clients(Settings(), authority=authority)
    print_json({"clients": [client.as_json() for client in clients]})


def _set_client_active(client_id: str, *, active: bool) -> None:
    from hub.clients.commands import set_active  # noqa: PLC0415
    from hub.errors import ClientNotFound  # noqa: PLC0415

    try:
        print_json(set_active(Settings(), client_id, active=active).as_json())
    except ClientNotFound as error:
        raise fail(f"error: {error.detail}", code=2) from error


@app.command("disable")
def clients_disable(client_id: ClientId) -> None:
    """Disable a client: no new tokens, and its tokens are refused within seconds."""
    _set_client_active(client_id, active=False)


@app.command("enable")
def clients_enable(client_id: ClientId) -> None:
    """Enable a disabled client again."""
    _set_client_active(client_id, active=True)


@app.command("rotate-secret")
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
        raise fail(f"error: {error.detail}", code=2) from error
    print_json({"client_id": rotated.client.client_id, "client_secret": rotated.client_secret})
