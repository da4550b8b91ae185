"""``hub policy bundle``: an OPA bundle of ``policies/`` whose manifest names the revision.

The bytes depend only on the policy texts and the revision (sorted entries, fixed mtimes
and owners, gzip header without name or time), so a rebuild can be compared byte for byte.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
from typing import TYPE_CHECKING

from hub.policy.engine import policy_files

if TYPE_CHECKING:
    from pathlib import Path

MANIFEST = ".manifest"
_PACKAGE = re.compile(r"^package\s+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)


def bundle_roots(policy_dir: Path) -> list[str]:
    """Top-level packages of the modules: OPA refuses bundle modules outside the roots."""
    roots = set()
    for path in policy_files(policy_dir):
        match = _PACKAGE.search(path.read_text("utf-8"))
        if match is None:
            raise ValueError(f"{path} declares no package")
        roots.add(match.group(1))
    return sorted(roots)


def _entry(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(content), 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tar.addfile(info, io.BytesIO(content))


def build_bundle(policy_dir: Path, *, revision: str) -> bytes:
    """The gzip tar OPA loads with ``opa run --server --bundle``; test files are left out."""
    files = policy_files(policy_dir)
    if not files:
        raise ValueError(f"no policy files under {policy_dir}")
    manifest = {"revision": revision, "roots": bundle_roots(policy_dir)}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        _entry(tar, MANIFEST, json.dumps(manifest, sort_keys=True).encode())
        for path in files:
            _entry(tar, path.relative_to(policy_dir).as_posix(), path.read_bytes())
    return gzip.compress(raw.getvalue(), mtime=0)


def write_bundle(policy_dir: Path, out: Path, *, revision: str) -> None:
    out.write_bytes(build_bundle(policy_dir, revision=revision))
