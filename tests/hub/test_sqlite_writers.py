"""Commands that read and then write hold SQLite's write lock from their first read.

Begun as readers, they failed at once with "database is locked" whenever another
connection (a serving worker's heartbeat, say) committed between their read and their
write; the busy timeout does not help there. Each case below lets another connection try
to commit just before the command's first write: the command must succeed, and the other
connection must have found the lock taken.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hub.admin.service import create_client, load_catalogue
from hub.catalogue.commands import run_sync
from hub.clients.commands import set_active
from tests.fixtures.factories import load_default_catalogue, new_client, settings_for
from tests.fixtures.sqlite_interloper import interloper_before_first_write


def _create_client(url: str) -> object:
    return create_client(
        settings_for(url), authority="wohngeldstelle", name=None, scopes=None, trusted_roles=None
    )


def _disable_client(url: str) -> object:
    client = new_client(url, authority="wohngeldstelle")
    return lambda: set_active(settings_for(url), client.client_id, active=False)


def _sync_new_catalogue(url: str) -> object:
    return run_sync(settings_for(url))


COMMANDS: dict[str, Callable[[str], object]] = {
    "hub clients create": _create_client,
    "hub catalogue load": lambda url: load_catalogue(settings_for(url)),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_command_that_reads_then_writes_holds_the_lock(
    clean_database: str, backend: str, command: str
) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
    load_default_catalogue(clean_database)
    with interloper_before_first_write(clean_database) as interloper:
        COMMANDS[command](clean_database)
    assert interloper.tried
    assert interloper.refused


def test_a_first_catalogue_sync_holds_the_lock(clean_database: str, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
    with interloper_before_first_write(clean_database) as interloper:
        _sync_new_catalogue(clean_database)  # reads what is there, then adds the registers
    assert interloper.refused


def test_disabling_a_client_holds_the_lock(clean_database: str, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
    load_default_catalogue(clean_database)
    disable = _disable_client(clean_database)
    assert callable(disable)
    with interloper_before_first_write(clean_database) as interloper:
        disable()
    assert interloper.refused
