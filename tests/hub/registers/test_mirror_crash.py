"""``kill -9`` of ``hub register sync`` mid-file: the mirror stays at a consistent seq and resumes.

Change ``i`` adds person ``P-i``, so after the kill the mirror must hold exactly the persons
up to its ``last_seq``: every committed chunk whole, nothing of the chunk in flight. Running
the same file again applies the rest once; every change is in exactly one ledger entry and
``hub audit verify`` passes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from sqlalchemy import select

from adapters.melderegister.tables import MrPerson
from adapters.sql.feed_tables import MirrorState, MirrorSyncLog
from hub.db import create_sync_engine
from tests.fixtures.changes import upsert
from tests.fixtures.factories import person
from tests.fixtures.ledger import ledger_rows, table_rows
from tests.fixtures.paths import REPO
from tests.fixtures.served_hub import HUB, hub_environment

CHANGES = 5_000
CHUNK = 100


def _last_seq(database_url: str) -> int:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            value = connection.execute(select(MirrorState.last_seq)).scalar_one_or_none()
    finally:
        engine.dispose()
    return int(value or 0)


def _sync(file: Path, database_url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    command = [str(HUB), "register", "sync", "melderegister", str(file), "--chunk", str(CHUNK)]
    return subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        command,
        cwd=REPO,
        env=hub_environment(database_url, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_mid_file(file: Path, database_url: str, tmp_path: Path) -> int:
    syncing = _sync(file, database_url, tmp_path)
    deadline = time.monotonic() + 120
    while _last_seq(database_url) < CHUNK * 3 and time.monotonic() < deadline:
        assert syncing.poll() is None, "the sync ended before it could be killed"
        time.sleep(0.02)
    os.kill(syncing.pid, signal.SIGKILL)
    syncing.wait(timeout=10)
    assert syncing.returncode == -signal.SIGKILL
    return _last_seq(database_url)


def test_kill_9_during_a_sync_leaves_a_consistent_seq_and_resumes(
    clean_database: str, tmp_path: Path
) -> None:
    file = tmp_path / "changes.jsonl"
    lines = (upsert(seq, person(f"P-{seq}")) for seq in range(1, CHANGES + 1))
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    at_kill = _kill_mid_file(file, clean_database, tmp_path)
    assert 0 < at_kill < CHANGES, "the kill did not hit the sync in flight"
    assert at_kill % CHUNK == 0  # whole chunks only
    stored = {row["person_id"] for row in table_rows(clean_database, MrPerson.__table__)}
    assert stored == {f"P-{seq}" for seq in range(1, at_kill + 1)}

    resumed = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [str(HUB), "register", "sync", "melderegister", str(file), "--chunk", str(CHUNK)],
        cwd=REPO,
        env=hub_environment(clean_database, tmp_path),
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert (report["skipped"], report["applied"]["upserts"]) == (at_kill, CHANGES - at_kill)
    assert report["last_seq"] == CHANGES
    assert len(table_rows(clean_database, MrPerson.__table__)) == CHANGES

    logs = table_rows(clean_database, MirrorSyncLog.__table__)
    assert all(row["ledgered"] for row in logs)
    entries = [row for row in ledger_rows(clean_database) if row["kind"] == "changes"]
    assert len(entries) == len(logs)  # the killed run's committed chunks were ledgered too
    upserts = sum(
        int(match.group(1))
        for entry in entries
        for reason in entry["reasons"]
        if (match := re.fullmatch(r"upserts:(\d+)", reason))
    )
    assert upserts == CHANGES  # every change in exactly one entry
    verify = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [str(HUB), "audit", "verify"],
        cwd=REPO,
        env=hub_environment(clean_database, tmp_path),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
