"""One progress line on stderr for long CLI work (demo load, import, verify, purge).

Quiet unless stderr is a terminal, so scripts, cron mails and the JSON on stdout stay as
they were. The line is rewritten in place at most a few times a second.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")
EVERY_SECONDS = 0.25


class Progress:
    """``label: 12,000 of 160,000 (7 %), 4,100/s`` - or ``label: 12,000 …`` without a total."""

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        unit: str = "",
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.total = total
        self.unit = unit
        self.count = 0
        self._started = time.monotonic()
        self._shown_at = 0.0

    def phase(self, label: str, *, total: int | None = None, unit: str = "") -> None:
        """A new step of the same work: the line starts over with this label."""
        self._finish_line()
        self.label, self.total, self.unit, self.count = label, total, unit, 0
        self._started = time.monotonic()
        self._show(force=True)

    def advance(self, by: int = 1) -> None:
        self.update(self.count + by)

    def update(self, count: int) -> None:
        self.count = count
        self._show(force=False)

    def wrap(self, items: Iterable[T]) -> Iterator[T]:
        """Count the items as they are consumed."""
        for item in items:
            yield item
            self.advance()

    async def counted(self, items: AsyncIterator[T], *, every: int = 1) -> AsyncIterator[T]:
        """Count the items of an async stream, telling the line every ``every`` items."""
        count = self.count
        async for item in items:
            yield item
            count += 1
            if count % every == 0:
                self.update(count)
        self.count = count

    def done(self, note: str = "") -> None:
        self._show(force=True, note=note)
        self._finish_line()

    def _text(self, note: str) -> str:
        if not self.unit and not self.count:  # a step without anything to count
            return f"{self.label} …{f' {note}' if note else ''}"
        unit = f" {self.unit}" if self.unit else ""
        amount = f"{self.count:,}{unit}"
        if self.total:
            amount = f"{self.count:,} of {self.total:,}{unit} ({100 * self.count // self.total} %)"
        elapsed = time.monotonic() - self._started
        rate = f", {self.count / elapsed:,.0f}/s" if elapsed > 1 and self.count else ""
        return f"{self.label}: {amount}{rate}{f' - {note}' if note else ''}"

    def _show(self, *, force: bool, note: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._shown_at < EVERY_SECONDS:
            return
        self._shown_at = now
        self.stream.write(f"\r\x1b[2K{self._text(note)}")
        self.stream.flush()

    def _finish_line(self) -> None:
        if self.enabled and self._shown_at:
            self.stream.write("\n")
            self.stream.flush()
            self._shown_at = 0.0


def quiet() -> Progress:
    """A progress that never writes (library callers, tests)."""
    return Progress("", enabled=False)
