"""The Kubernetes manifests and the compose file: real commands, safe defaults."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from sqlalchemy.engine import make_url

from hub.cli import app as cli_app
from hub.config import Settings

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"


def _documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _k8s_documents() -> list[dict[str, Any]]:
    kustomization = _documents(K8S / "kustomization.yaml")[0]
    return [doc for name in kustomization["resources"] for doc in _documents(K8S / name)]


def _pod_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in _k8s_documents():
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind in {"Deployment", "Job"}:
            yield name, doc["spec"]["template"]["spec"]
        elif kind == "CronJob":
            yield name, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _containers() -> Iterator[tuple[str, dict[str, Any]]]:
    for name, spec in _pod_specs():
        for container in [*spec.get("initContainers", []), *spec["containers"]]:
            yield f"{name}/{container['name']}", container


def _hub_commands() -> Iterator[list[str]]:
    for _, container in _containers():
        command = container.get("command", [])
        if command[:1] == ["hub"]:
            yield command
    for service in _documents(DEPLOY / "compose.yaml")[0]["services"].values():
        command = service.get("command")
        if isinstance(command, str):
            command = shlex.split(command)
        if command and command[0] == "hub":
            yield command


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item.get("value", "") for item in container.get("env", [])}


class TestManifests:
    def test_kustomization_lists_every_manifest(self) -> None:
        listed = set(_documents(K8S / "kustomization.yaml")[0]["resources"])
        on_disk = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
        assert listed == on_disk

    def test_the_hub_runs_with_an_opa_sidecar_on_loopback(self) -> None:
        deployment = next(d for d in _k8s_documents() if d["kind"] == "Deployment")
        containers = {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}
        config = next(d for d in _k8s_documents() if d["kind"] == "ConfigMap")["data"]
        assert config["HUB_POLICY_ENGINE"] == "opa"
        assert config["HUB_OPA_URL"].startswith("http://127.0.0.1:")
        assert "--addr=127.0.0.1:8181" in containers["opa"]["args"]
        init = deployment["spec"]["template"]["spec"]["initContainers"][0]
        assert init["command"][:3] == ["hub", "policy", "bundle"]

    def test_postgres_is_highly_available(self) -> None:
        cluster = next(d for d in _k8s_documents() if d["kind"] == "Cluster")
        assert cluster["spec"]["instances"] >= 3
        assert cluster["spec"]["minSyncReplicas"] >= 1

    def test_only_the_purge_job_logs_in_with_the_purge_role(self) -> None:
        logins = {
            name: _env(container)["HUB_DATABASE_URL"].split("//")[1].split("@")[0]
            for name, container in _containers()
            if "HUB_DATABASE_URL" in _env(container)
        }
        assert logins.pop("audit-purge/audit-purge") == "hub_purge"
        assert logins.pop("hub-migrate/migrate") == "hub"  # the schema owner
        assert set(logins.values()) == {"hub_serve"}

    @pytest.mark.parametrize("name_container", list(_containers()), ids=lambda item: item[0])
    def test_containers_are_locked_down(self, name_container: tuple[str, dict[str, Any]]) -> None:
        _, container = name_container
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False
        assert security["readOnlyRootFilesystem"] is True
        assert security["capabilities"]["drop"] == ["ALL"]
        assert {"cpu", "memory"} <= set(container["resources"]["limits"])
        image = container["image"]
        assert ":" in image
        assert not image.endswith(":latest")

    def test_pods_run_as_non_root(self) -> None:
        for _, spec in _pod_specs():
            assert spec["securityContext"]["runAsNonRoot"] is True

    def test_probes_ask_the_hub_itself(self) -> None:
        deployment = next(d for d in _k8s_documents() if d["kind"] == "Deployment")
        containers = {c["name"]: c for c in deployment["spec"]["template"]["spec"]["containers"]}
        hub = containers["hub"]
        assert hub["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert hub["livenessProbe"]["httpGet"]["path"] == "/healthz"
        compose_hub = _documents(DEPLOY / "compose.yaml")[0]["services"]["hub"]
        assert "/readyz" in " ".join(compose_hub["healthcheck"]["test"])
        assert "HEALTHCHECK" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")

    def test_database_passwords_are_files_not_environment(self, tmp_path: Path) -> None:
        for name, container in _containers():
            for item in container.get("env", []):
                assert "secretKeyRef" not in item.get("valueFrom", {}), name
        secret = tmp_path / "password"
        secret.write_text("s3cret/@:x\n", encoding="utf-8")
        settings = Settings(
            database_url="postgresql+psycopg://hub_serve@hub-db-rw:5432/hub",
            database_password_file=secret,
        )
        assert make_url(settings.database_url).password == "s3cret/@:x"

    def test_configured_settings_exist(self) -> None:
        config = next(d for d in _k8s_documents() if d["kind"] == "ConfigMap")["data"]
        fields = {name.upper() for name in Settings.model_fields}
        for key in config:
            assert key.removeprefix("HUB_") in fields, key


@pytest.mark.parametrize("command", list(_hub_commands()), ids=" ".join)
def test_deployed_commands_exist(command: list[str]) -> None:
    """Walk the CLI's command tree by the words of the command, then parse its options."""
    node = _command_named(command)
    node.make_context(node.name or "hub", list(_options(command)))  # raises on unknown options


def _command_named(command: list[str]) -> Any:
    """The command the words of ``command`` name (typer ships its own click: duck-typed)."""
    node: Any = typer.main.get_command(cli_app)
    args = command[1:]
    while hasattr(node, "commands"):  # a group
        assert args, f"{command} stops at a command group"
        sub = node.commands.get(args[0])
        assert sub is not None, f"{' '.join(command)}: no command {args[0]!r}"
        node, args = sub, args[1:]
    return node


def _options(command: list[str]) -> list[str]:
    node: Any = typer.main.get_command(cli_app)
    args = command[1:]
    while hasattr(node, "commands"):
        node, args = node.commands[args[0]], args[1:]
    return args


def test_the_command_walk_refuses_what_the_cli_does_not_know() -> None:
    """The walk above must be able to fail: an unknown command or option is refused."""
    with pytest.raises(AssertionError, match="no command"):
        _command_named(["hub", "db", "sideways"])
    node = _command_named(["hub", "db", "upgrade"])
    with pytest.raises(Exception, match="bogus"):
        node.make_context("upgrade", ["--bogus"])


def _checkov() -> str:
    """``make dev`` installs it in .tools/checkov; missing: a skip locally, a failure in CI."""
    for candidate in (REPO / ".tools" / "checkov" / "bin" / "checkov", shutil.which("checkov")):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    message = "checkov not installed: run make dev (it installs checkov==3.3.30 in .tools/)"
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(message)
    pytest.skip(message)


def test_checkov_finds_nothing_unaccepted_in_deploy() -> None:
    """Every check passes or is skipped in the manifest with its reason (checkov.io/skipN)."""
    scan = subprocess.run(  # noqa: S603
        [
            _checkov(),
            "--directory",
            str(DEPLOY),
            "--framework",
            "kubernetes",
            "dockerfile",
            "--skip-download",  # no guideline look-ups on the network
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    reports = json.loads(scan.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    assert {report["check_type"] for report in reports} == {"kubernetes", "dockerfile"}
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in reports
        for check in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert sum(report["summary"]["passed"] for report in reports) > 600  # it did scan
    for report in reports:
        for check in report["results"]["skipped_checks"]:
            assert len(check["check_result"].get("suppress_comment", "")) > 20, check["check_id"]
