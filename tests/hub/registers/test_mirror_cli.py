"""``hub register sync`` and ``hub register reload`` as an operator runs them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from adapters.melderegister.tables import MrPerson
from hub.cli import app
from hub.models import HitRef, Task
from tests.fixtures.changes import delete, upsert
from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import ledger_rows, run_statement, table_rows

runner = CliRunner()


@pytest.fixture
def hub_env(clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
    monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
    return clean_database


def _file(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestSync:
    def test_a_file_is_applied_and_ledgered(self, hub_env: str, tmp_path: Path) -> None:
        import_persons(hub_env, [person("P-1"), person("P-2")])
        lines = [upsert(seq, person(f"P-{seq + 10}")) for seq in range(1, 6)]
        lines += [delete(6, "P-2"), upsert(7, person("P-1", blocks=blocked()))]
        file = _file(tmp_path / "changes.jsonl", lines)
        result = runner.invoke(
            app, ["register", "sync", "melderegister", str(file), "--chunk", "3"]
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["applied"] == {"upserts": 6, "deletes": 1}
        assert (report["last_seq"], report["protection_first"]) == (7, 1)
        # protection first, then three chunks: one ledger entry per committed transaction
        entries = [row for row in ledger_rows(hub_env) if row["kind"] == "changes"]
        assert report["transactions"] == len(entries) == 4
        assert "seq:7-7" in entries[0]["reasons"]
        assert all(row["user_id"].startswith("cli:") for row in entries)
        verify = runner.invoke(app, ["audit", "verify"])
        assert verify.exit_code == 0, verify.output
        again = runner.invoke(app, ["register", "sync", "melderegister", str(file)])
        assert json.loads(again.stdout)["skipped"] == 7

    def test_bad_lines_are_named_and_nothing_is_applied(self, hub_env: str, tmp_path: Path) -> None:
        bad = person("P-2", idnr="12345678901")
        file = _file(tmp_path / "changes.jsonl", [upsert(1, person("P-1")), upsert(2, bad)])
        result = runner.invoke(app, ["register", "sync", "melderegister", str(file)])
        assert result.exit_code == 1
        assert f"{file}:2: record.idnr" in result.stderr
        assert "12345678901" not in result.stderr
        assert [row for row in ledger_rows(hub_env) if row["kind"] == "changes"] == []

    def test_a_register_that_is_not_mirrored(self, hub_env: str, tmp_path: Path) -> None:
        file = _file(tmp_path / "changes.jsonl", [upsert(1, person("P-1"))])
        result = runner.invoke(app, ["register", "sync", "fischereiregister", str(file)])
        assert result.exit_code == 2


class TestReload:
    def test_reload_keeps_hit_references_and_tasks_on_their_persons(
        self, hub_env: str, tmp_path: Path
    ) -> None:
        import_persons(hub_env, [person("P-1"), person("P-2"), person("P-3")])
        run_statement(hub_env, insert(Task).values(_task("P-2")))
        run_statement(hub_env, insert(HitRef).values(_hit_ref("P-1")))
        export = [json.dumps(person("P-1", name="Meier")), json.dumps(person("P-2"))]
        export.append(json.dumps(person("P-4")))
        file = _file(tmp_path / "export.jsonl", export)
        result = runner.invoke(
            app, ["register", "reload", "melderegister", str(file), "--seq", "900"]
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert (report["added"], report["changed"], report["removed"]) == (1, 1, 1)
        assert (report["unchanged"], report["last_seq"]) == (1, 900)
        assert "Meier" not in result.stdout
        [entry] = [row for row in ledger_rows(hub_env) if row["kind"] == "reload"]
        assert {"added:1", "changed:1", "removed:1"} <= set(entry["reasons"])
        # The hit reference and the task name persons by id: both still there, and so are
        # the persons they name (P-1 with its new record, P-2 unchanged).
        [hit] = table_rows(hub_env, HitRef.__table__)
        [task] = table_rows(hub_env, Task.__table__)
        people = {
            row["person_id"]: row["record"] for row in table_rows(hub_env, MrPerson.__table__)
        }
        assert people[hit["subject_id"]]["name"] == "Meier"
        assert task["person_id"] in people
        assert set(people) == {"P-1", "P-2", "P-4"}


def _task(person_id: str) -> dict[str, object]:
    return {
        "task_id": "T-1",
        "kind": "neutral_hold",
        "status": "open",
        "register": "melderegister",
        "person_id": person_id,
        "request_id": "r-1",
        "ledger_entry_id": "",
        "authority": "wohngeldstelle",
        "user_id": "m.schmidt",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-1",
        "reasons": [],
        "query_kind": "person",
        "fields_requested": [],
        "created_at": datetime.now(UTC),
    }


def _hit_ref(person_id: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "hit_id": "H-1",
        "register": "melderegister",
        "subject_id": person_id,
        "client_id": "c-1",
        "request_id": "r-1",
        "ledger_entry_id": "e-1",
        "created_at": now,
        "expires_at": now + timedelta(hours=48),
    }


def test_clients_create_with_the_register_write_scope(hub_env: str) -> None:
    assert runner.invoke(app, ["catalogue", "load"]).exit_code == 0
    result = runner.invoke(
        app, ["clients", "create", "--authority", "meldebehoerde", "--scope", "register:write"]
    )
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"client_id", "client_secret"}
