"""Long CLI work shows one progress line on a terminal and nothing otherwise."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from hub.admin.demo import load_demo
from hub.admin.service import import_register, verify_ledger
from hub.config import Settings
from hub.kit.progress import Progress
from tests.fixtures.factories import person


class Terminal(io.StringIO):
    """What a person's terminal is to the progress line: a stream that is a TTY."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def hub_env(clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
    monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
    return clean_database


def _lines(terminal: Terminal) -> list[str]:
    """The last state of each line as a person reads it (carriage returns overwrite)."""
    lines = terminal.getvalue().split("\n")
    return [line.rsplit("\r\x1b[2K", 1)[-1] for line in lines if line]


class TestProgressLine:
    def test_nothing_is_written_when_stderr_is_not_a_terminal(self) -> None:
        stream = io.StringIO()
        progress = Progress("import", stream=stream)
        progress.phase("import melderegister", unit="lines read")
        progress.update(5_000)
        progress.done("5,000 imported")
        assert stream.getvalue() == ""

    def test_counts_with_total_and_percent(self) -> None:
        terminal = Terminal()
        progress = Progress("x", stream=terminal)
        progress.phase("verify", total=200, unit="entries")
        progress.update(50)
        progress.done("chain intact")
        assert _lines(terminal) == ["verify: 50 of 200 entries (25 %) - chain intact"]


class TestCommandsOnATerminal:
    def test_demo_load_then_verify_tell_each_step(self, hub_env: str) -> None:
        terminal = Terminal()
        report = load_demo(
            Settings(),
            persons=40,
            seed=7,
            if_empty=False,
            progress=Progress("demo", stream=terminal),
        )
        shown = _lines(terminal)
        assert shown[:2] == ["demo catalogue …", "demo clients …"]
        stored = report["imported"]["melderegister"]
        assert f"demo melderegister: {stored:,} records made - {stored:,} stored" in shown
        assert shown[-1] == "demo workbench accounts …"
        terminal = Terminal()
        verified = asyncio.run(verify_ledger(Settings(), progress=Progress("v", stream=terminal)))
        assert verified.ok
        assert _lines(terminal) == [f"verify: {verified.entries:,} entries checked - chain intact"]

    def test_import_counts_the_lines_it_reads(self, hub_env: str) -> None:
        terminal = Terminal()
        lines = [json.dumps(person(f"P-{n}")) for n in range(1, 4)]
        imported = import_register(
            Settings(),
            register="melderegister",
            lines=lines,
            progress=Progress("import", stream=terminal),
        )
        assert imported == 3
        assert _lines(terminal) == ["import melderegister: 3 lines read - 3 imported"]
