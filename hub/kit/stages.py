"""CPU time per stage of a request, for ``make bench``.

Off by default. With ``HUB_STAGE_TIMES_FILE`` set, the app switches it on and writes the
sums to ``<file>.<pid>`` (JSON) when the process stops. Process CPU time is summed, so
work of other requests running meanwhile counts too: the figures mean "CPU per request and
stage" only when requests come one at a time (the bench measures them at one connection).
Across an ``await`` the clock keeps running for whatever the process does meanwhile for this
request, e.g. the ledger writer's task committing its entry.

One clock per process, like a metrics registry: the stages sit in different layers (auth
dependency, query service, endpoint) that share nothing else.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGES = ("auth", "policy", "lookup", "ledger", "serialise")


class StageClock:
    def __init__(self) -> None:
        self.enabled = False
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.calls = dict.fromkeys(STAGES, 0)

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        if not self.enabled:
            yield
            return
        started = time.process_time()
        try:
            yield
        finally:
            self.seconds[stage] += time.process_time() - started
            self.calls[stage] += 1

    def reset(self) -> None:
        self.seconds = dict.fromkeys(STAGES, 0.0)
        self.calls = dict.fromkeys(STAGES, 0)

    def write(self, path: Path) -> None:
        """Write the sums to ``<path>.<pid>``: several workers do not overwrite each other."""
        target = path.with_name(f"{path.name}.{os.getpid()}")
        target.write_text(json.dumps({"seconds": self.seconds, "calls": self.calls}), "utf-8")


stage_clock = StageClock()
