"""panva's oidc-provider (npm, certified by the OpenID Foundation) as a real IdP for the tests.

``make dev`` installs it into ``.tools/oidc-provider`` from the committed lock file; when that
did not happen the fixture installs it there itself (``npm ci``). Without node the tests that
need it are skipped with that reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.paths import REPO
from tests.fixtures.servers import free_port

ROOT = REPO
SOURCE = ROOT / "tests" / "fixtures" / "oidc_provider"
INSTALLED = ROOT / ".tools" / "oidc-provider"
CLIENT_ID = "register-hub"
CLIENT_SECRET = "a-long-test-secret-for-the-hub-client-0123456789"


@dataclass(frozen=True, slots=True)
class NodeProvider:
    issuer: str


def node_modules() -> Path:
    """The installed oidc-provider, installing it from the lock file when it is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed: the real OIDC provider cannot run")
    lock = (SOURCE / "package-lock.json").read_bytes()
    modules = INSTALLED / "node_modules"
    if (
        (INSTALLED / "package-lock.json").exists()
        and (INSTALLED / "package-lock.json").read_bytes() == lock
        and (modules / "oidc-provider").is_dir()
    ):
        return modules
    INSTALLED.parent.mkdir(parents=True, exist_ok=True)
    # Installed beside, then moved into place: a parallel worker never sees half a tree.
    staging = Path(tempfile.mkdtemp(dir=INSTALLED.parent, prefix="oidc-provider-"))
    for name in ("package.json", "package-lock.json"):
        shutil.copy(SOURCE / name, staging / name)
    subprocess.run(  # noqa: S603
        [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=staging, check=True, timeout=300
    )
    shutil.rmtree(INSTALLED, ignore_errors=True)
    try:
        staging.rename(INSTALLED)
    except OSError:  # another worker was quicker
        shutil.rmtree(staging, ignore_errors=True)
    return modules


@contextmanager
def node_oidc_provider(
    *, redirect_uri: str, post_logout_redirect_uri: str, accounts: dict[str, dict[str, Any]]
) -> Iterator[NodeProvider]:
    """Run the provider on a free loopback port until the block ends."""
    modules = node_modules()
    port = free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [redirect_uri],
        "post_logout_redirect_uris": [post_logout_redirect_uri],
    }
    env = {
        **os.environ,
        "OIDC_PROVIDER_MODULES": str(modules),
        "OIDC_CLIENT": json.dumps(client),
        "OIDC_ACCOUNTS": json.dumps(accounts),
        "NODE_ENV": "test",
    }
    process = subprocess.Popen(  # noqa: S603
        [str(shutil.which("node")), str(SOURCE / "provider.mjs"), str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready = process.stdout.readline().split()
        if ready[:1] != ["listening"]:
            raise RuntimeError(f"the OIDC provider did not start (exit {process.poll()})")
        yield NodeProvider(issuer=ready[1])
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
