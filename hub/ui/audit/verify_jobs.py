"""Chain verification as a background job of the hub process, polled by the chain page.

Walking a million entries takes about a minute: the request that starts it returns at once
and the page asks for the progress (htmx polling). Jobs live in this process only (a
restart forgets them; the verification itself changes nothing) and the newest
``KEEP_JOBS`` are kept. One walk at a time: asking again while one runs joins it, so
repeated clicks cannot pile up minutes of CPU each.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.integrity.checkpoints import load_public_key
from hub.audit.integrity.verify import verify
from hub.logging import get_logger
from hub.ui.audit.repository import chain_length

_log = get_logger(__name__)
KEEP_JOBS = 20


@dataclass(kw_only=True)
class VerifyJob:
    job_id: str
    started_by: str
    started_at: datetime
    total: int  # positions in the chain when the job started
    checked: int = 0
    report: dict[str, Any] | None = None
    failed: bool = False
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.report is None and not self.failed

    @property
    def percent(self) -> int:
        if not self.running:
            return 100
        return min(99, self.checked * 100 // self.total) if self.total else 0


class VerifyJobs:
    def __init__(self) -> None:
        self._jobs: dict[str, VerifyJob] = {}

    def get(self, job_id: str) -> VerifyJob | None:
        return self._jobs.get(job_id)

    async def start(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        key_dir: Path,
        started_by: str,
    ) -> VerifyJob:
        running = next((job for job in self._jobs.values() if job.running), None)
        if running is not None:
            return running
        async with sessions() as session:
            total = await chain_length(session)
        job = VerifyJob(
            job_id=str(uuid.uuid4()),
            started_by=started_by,
            started_at=datetime.now(UTC),
            total=total,
        )
        job.task = asyncio.create_task(self._run(job, sessions, key_dir))
        self._jobs[job.job_id] = job
        for old in list(self._jobs)[:-KEEP_JOBS]:
            if not self._jobs[old].running:
                del self._jobs[old]
        return job

    @staticmethod
    async def _run(
        job: VerifyJob, sessions: async_sessionmaker[AsyncSession], key_dir: Path
    ) -> None:
        def heard(checked: int) -> None:
            job.checked = checked

        try:
            async with sessions() as session:
                report = await verify(session, load_public_key(key_dir), progress=heard)
            job.checked = report.entries + report.tombstones
            job.report = report.as_json()
        except Exception:  # noqa: BLE001 - the page says it failed; the log says why
            _log.exception("chain_verification_failed", job_id=job.job_id)
            job.failed = True
