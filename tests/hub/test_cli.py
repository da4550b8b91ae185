"""The ``hub`` command as an operator uses it."""

from __future__ import annotations

import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from adapters.melderegister.tables import MrPerson
from hub.cli import app
from hub.db import create_sync_engine
from hub.models import Client, LedgerEntry, PurposeAllowance
from hub.policy.engine import EmbeddedRegoEngine, announced_revision, content_revision
from hub.policy.rego_tests import golden_cases
from tests.fixtures.factories import person
from tests.fixtures.opa_server import new_opa_engine, read_bundle

runner = CliRunner()


@pytest.fixture
def hub_env(clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
    monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
    return clean_database


def _count(database_url: str, model: type) -> int:
    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(model)).scalar_one()
    engine.dispose()
    return int(count)


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_db_upgrade_migrates_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("HUB_DATABASE_URL", database)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _count(database, LedgerEntry) == 0  # the tables exist, empty


class TestRegisterImport:
    def test_valid_file_is_imported(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(
            tmp_path / "m.jsonl",
            [
                json.dumps(person("P-1", spouse_id="P-2")),
                json.dumps(person("P-2", spouse_id="P-1")),
            ],
        )
        result = runner.invoke(app, ["register", "import", "melderegister", str(file)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"imported": 2}
        assert _count(hub_env, MrPerson) == 2

    def test_bad_lines_are_named_and_nothing_is_stored(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(
            tmp_path / "m.jsonl",
            [
                json.dumps(person("P-1")),
                json.dumps(person("P-2", sex="q")),
                "{not json",
                json.dumps(person("P-4", spouse_id="P-404")),
            ],
        )
        result = runner.invoke(app, ["register", "import", "melderegister", str(file)])
        assert result.exit_code == 1
        assert f"{file}:2: sex" in result.stderr
        assert f"{file}:3:" in result.stderr
        assert "nothing was imported" in result.stderr
        assert _count(hub_env, MrPerson) == 0

    def test_dangling_reference_is_refused(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(tmp_path / "m.jsonl", [json.dumps(person("P-4", spouse_id="P-404"))])
        result = runner.invoke(app, ["register", "import", "melderegister", str(file)])
        assert result.exit_code == 1
        assert f"{file}:1: spouse_id" in result.stderr
        assert _count(hub_env, MrPerson) == 0

    def test_person_already_in_register_is_refused(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(tmp_path / "m.jsonl", [json.dumps(person("P-1"))])
        assert runner.invoke(app, ["register", "import", "melderegister", str(file)]).exit_code == 0
        again = runner.invoke(app, ["register", "import", "melderegister", str(file)])
        assert again.exit_code == 1
        assert "already in the register" in again.stderr

    def test_values_are_not_echoed_in_errors(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(tmp_path / "m.jsonl", [json.dumps(person("P-1", idnr="98765432100"))])
        result = runner.invoke(app, ["register", "import", "melderegister", str(file)])
        assert result.exit_code == 1
        assert "idnr" in result.stderr and "98765432100" not in result.stderr

    def test_unknown_register(self, hub_env: str, tmp_path: Path) -> None:
        file = _write_jsonl(tmp_path / "m.jsonl", ["{}"])
        result = runner.invoke(app, ["register", "import", "fischereiregister", str(file)])
        assert result.exit_code == 2


class TestClientsAndCatalogue:
    def test_catalogue_load_is_idempotent(self, hub_env: str) -> None:
        first = runner.invoke(app, ["catalogue", "load"])
        count = _count(hub_env, PurposeAllowance)
        second = runner.invoke(app, ["catalogue", "load"])
        assert first.exit_code == second.exit_code == 0
        assert _count(hub_env, PurposeAllowance) == count > 0
        assert json.loads(second.stdout)["revision"] == json.loads(first.stdout)["revision"] + 1

    def test_clients_create_prints_credentials_once(self, hub_env: str) -> None:
        runner.invoke(app, ["catalogue", "load"])
        result = runner.invoke(
            app,
            [
                "clients",
                "create",
                "--authority",
                "jugendamt",
                "--trusted-role",
                "behoerdenleitung",
                "--scope",
                "register:query",
                "--scope",
                "tasks:read",
            ],
        )
        assert result.exit_code == 0, result.output
        created = json.loads(result.stdout)
        assert set(created) == {"client_id", "client_secret"}
        engine = create_sync_engine(hub_env)
        with engine.connect() as connection:
            row = connection.execute(select(Client.__table__)).one()
        engine.dispose()
        assert row.authority_code == "jugendamt"
        assert row.trusted_roles == ["behoerdenleitung"]
        assert row.scopes == ["register:query", "tasks:read"]
        assert created["client_secret"] not in (row.secret_hash or "")

    @pytest.mark.parametrize(
        "arguments",
        [
            ["--authority", "nirgendwo"],
            ["--authority", "jugendamt", "--scope", "root"],
            ["--authority", "jugendamt", "--trusted-role", "koenig"],
        ],
    )
    def test_clients_create_refuses_unknown_codes(self, hub_env: str, arguments: list[str]) -> None:
        runner.invoke(app, ["catalogue", "load"])
        result = runner.invoke(app, ["clients", "create", *arguments])
        assert result.exit_code == 2
        assert _count(hub_env, Client) == 0


class TestDemoAndAudit:
    def test_demo_load_then_if_empty_skips(self, hub_env: str) -> None:
        result = runner.invoke(app, ["demo", "load", "--persons", "300"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["imported"] == {
            "melderegister": 300,
            "gewerberegister": 25,
            "personenstandsregister": 15,
        }
        assert report["clients"] == 12
        credentials = json.loads(Path(report["credentials"]).read_text(encoding="utf-8"))
        assert {c["authority"] for c in credentials["clients"]} >= {
            "wohngeldstelle",
            "meldebehoerde",
        }
        again = runner.invoke(app, ["demo", "load", "--persons", "300", "--if-empty"])
        assert "skipped" in json.loads(again.stdout)
        assert _count(hub_env, MrPerson) == 300

    def test_audit_verify_exit_codes(self, hub_env: str) -> None:
        empty = runner.invoke(app, ["audit", "verify"])
        assert empty.exit_code == 0
        assert json.loads(empty.stdout) == {"ok": True, "entries": 0}

    def test_audit_verify_fails_on_a_forged_entry(self, hub_env: str) -> None:
        engine = create_sync_engine(hub_env)
        forged = {
            "seq": 1,
            "entry_id": "e",
            "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
            "request_id": "r",
            "register": "melderegister",
            "outcome": "released",
            "http_status": 200,
            "tag": "t",
            "retention_class": "L-MELDE",
            "prev_hash": "0" * 64,
            "entry_hash": "forged",
            "fields_released": ["name"],
        }
        lists = (
            "user_roles",
            "user_roles_ignored",
            "hit_person_ids",
            "released_person_ids",
            "hit_ids",
            "fields_requested",
            "fields_withheld",
            "legal_basis",
            "reasons",
        )
        with engine.begin() as connection:
            connection.execute(insert(LedgerEntry), [{**{key: [] for key in lists}, **forged}])
        engine.dispose()
        result = runner.invoke(app, ["audit", "verify"])
        assert result.exit_code == 1
        assert json.loads(result.stdout)["first_broken"]["seq"] == 1


class TestPolicyBundle:
    POLICIES = Path(__file__).resolve().parents[2] / "policies"

    def _bundle(self, out: Path, *arguments: str) -> dict[str, Any]:
        result = runner.invoke(
            app, ["policy", "bundle", str(out), "--policy-dir", str(self.POLICIES), *arguments]
        )
        assert result.exit_code == 0, result.output
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    def test_manifest_carries_the_revision_the_hub_records(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("HUB_POLICY_REVISION", raising=False)
        report = self._bundle(tmp_path / "hub.tar.gz")
        recorded = EmbeddedRegoEngine(
            self.POLICIES, revision=announced_revision(self.POLICIES, configured="dev")
        ).revision
        _, manifest = read_bundle(tmp_path / "hub.tar.gz")
        assert manifest == {"revision": recorded, "roots": ["hub"]}
        assert report["revision"] == recorded == content_revision(self.POLICIES)

    def test_announced_revision_wins(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HUB_POLICY_REVISION", "git:0123abcd")
        self._bundle(tmp_path / "hub.tar.gz")
        assert read_bundle(tmp_path / "hub.tar.gz")[1]["revision"] == "git:0123abcd"

    def test_only_policy_modules_with_relative_paths(self, tmp_path: Path) -> None:
        self._bundle(tmp_path / "hub.tar.gz")
        with tarfile.open(tmp_path / "hub.tar.gz", "r:gz") as tar:
            names = tar.getnames()
        modules = sorted(
            path.relative_to(self.POLICIES).as_posix()
            for path in self.POLICIES.rglob("*.rego")
            if not path.name.endswith("_test.rego")
        )
        assert names == [".manifest", *modules]
        assert not any(name.startswith(("/", "..")) for name in names)

    def test_same_policies_same_bytes(self, tmp_path: Path) -> None:
        self._bundle(tmp_path / "a.tar.gz")
        self._bundle(tmp_path / "b.tar.gz")
        assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()

    def test_opa_loads_the_bundle_and_decides(self, tmp_path: Path) -> None:
        self._bundle(tmp_path / "hub.tar.gz")
        modules, _ = read_bundle(tmp_path / "hub.tar.gz")
        name = golden_cases(self.POLICIES)[0]
        testdata = self.POLICIES / "testdata"
        with new_opa_engine(modules) as opa:
            decision = opa.eval_document(
                "hub.authz.decision",
                json.loads((testdata / f"{name}.input.json").read_text("utf-8")),
            )
        assert decision == json.loads((testdata / f"{name}.expected.json").read_text("utf-8"))

    def test_empty_policy_dir_is_an_error(self, tmp_path: Path) -> None:
        result = runner.invoke(
            app, ["policy", "bundle", str(tmp_path / "x.tar.gz"), "--policy-dir", str(tmp_path)]
        )
        assert result.exit_code == 2
        assert "no policy files" in result.stderr


class TestKeysInit:
    def test_creates_every_key_once_private_to_the_owner(self, tmp_path: Path) -> None:
        key_dir = tmp_path / "keys"
        first = runner.invoke(app, ["keys", "init", "--key-dir", str(key_dir)])
        assert first.exit_code == 0, first.output
        files = json.loads(first.stdout)["files"]
        assert len(files) == 3
        contents = {name: (key_dir / name).read_bytes() for name in files}
        for name in files:
            assert (key_dir / name).stat().st_mode & 0o777 == 0o600
        again = runner.invoke(app, ["keys", "init", "--key-dir", str(key_dir)])
        assert again.exit_code == 0, again.output
        assert {name: (key_dir / name).read_bytes() for name in files} == contents
