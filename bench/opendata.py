"""``hub opendata publish`` on the full demo (under a minute for 160,000 persons).

The cached demo database (bench/search.py) is copied first, so every run publishes afresh
instead of finding its own earlier publications.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.search import full_register
from hub.config import OpendataSettings, Settings
from hub.kit.migrate import upgrade_head
from hub.opendata.definitions_service import approve, define_defaults
from hub.opendata.service import publish

TODAY = date(2026, 12, 5)


def publish_figures(persons: int) -> dict[str, Any]:
    register = full_register(persons)
    source = Path(register.database_url.removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory(prefix="hub-bench-opendata-") as scratch:
        database = Path(scratch) / "hub.db"
        shutil.copyfile(source, database)
        url = f"sqlite:///{database}"
        upgrade_head(url)
        settings = Settings(
            database_url=url,
            key_dir=Path(scratch) / "keys",
            opendata=OpendataSettings(directory=Path(scratch) / "open"),
        )
        defined = asyncio.run(define_defaults(settings, actor="bench"))
        for change in defined:
            asyncio.run(approve(settings, change.code, actor="bench", reason="bench"))
        started = time.perf_counter()
        report = asyncio.run(publish(settings, today=TODAY))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "persons": persons, "results": report.results}
