"""``hub ui``: the web workbenches' accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hub.cli.common import fail, print_json
from hub.config import Settings

app = typer.Typer(no_args_is_help=True, help="Web workbenches (/ui)")
account_app = typer.Typer(no_args_is_help=True, help="Workbench accounts")
app.add_typer(account_app, name="account")


@account_app.command("create")
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
        raise fail("error: no password on stdin", code=2)
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
        raise fail(f"error: {error}", code=2) from error
    shown = {"username": created.username, "roles": sorted(set(role))}
    if created.password is not None and not password_stdin:
        shown["password"] = created.password
    print_json(shown)


@account_app.command("disable")
def ui_account_disable(
    username: Annotated[str, typer.Argument(help="the account's sign-in name")],
) -> None:
    """Refuse further logins and end the account's sessions."""
    from hub.ui.admin import disable_ui_account  # noqa: PLC0415
    from hub.ui.service import AccountError  # noqa: PLC0415

    try:
        disable_ui_account(Settings(), username=username)
    except AccountError as error:
        raise fail(f"error: {error}", code=2) from error
    print_json({"username": username, "disabled": True})
