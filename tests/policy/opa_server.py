"""OPA's Data API on loopback, answered by the real OPA engine (test-only ``opa_bindings``).

The bindings have no HTTP server, so this one speaks the part of the REST API the hub uses:
``POST /v1/data/{path}`` (``{"result": ...}``, ``{}`` when undefined, 500 on an evaluation
error, ``provenance`` with the bundle revision when asked), ``GET /v1/data/{path}``,
``GET /health``. A ``fault`` makes it misbehave for the fail-closed tests.
"""

from __future__ import annotations

import json
import os
import tarfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal, Self
from urllib.parse import parse_qs, urlsplit

import pytest

from hub.policy.bundle import MANIFEST
from hub.policy.engine import policy_files

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from types import TracebackType

try:
    import opa_bindings
except ImportError:  # pragma: no cover - depends on the environment
    opa_bindings = None

Fault = Literal["http_500", "slow", "malformed", "not_json"]
MISSING_BINDINGS = (
    "opa_bindings is not importable: install the test-only OPA engine with "
    '`.venv/bin/pip install --ignore-requires-python --no-deps "opa-golib-python-bindings==0.4.4"` '
    "(or `make dev`)"
)
OPA_VERSION = "opa-golib-python-bindings"  # what provenance.version says


def require_opa_bindings() -> None:
    """Skip locally without the bindings; in CI their absence is a failure."""
    if opa_bindings is not None:
        return
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"CI is set but {MISSING_BINDINGS}", pytrace=False)
    pytest.skip(MISSING_BINDINGS)


def new_opa_engine(modules: Mapping[str, str]) -> Any:
    """A real OPA engine with these modules (skips or fails without the bindings)."""
    require_opa_bindings()
    engine = opa_bindings.OpaEngine()
    for name, source in modules.items():
        engine.add_policy(name, source)
    return engine


def modules_of(policy_dir: Path) -> dict[str, str]:
    """Every policy module (no ``*_test.rego``), as a deployment loads them."""
    return {
        path.relative_to(policy_dir).as_posix(): path.read_text("utf-8")
        for path in policy_files(policy_dir)
    }


def read_bundle(path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Modules and manifest of a bundle, read as ``opa run --bundle`` reads them."""
    modules: dict[str, str] = {}
    manifest: dict[str, Any] = {}
    with tarfile.open(path, mode="r:gz") as tar:
        for member in tar.getmembers():
            handle = tar.extractfile(member)
            if handle is None:
                continue
            name = member.name.lstrip("/")
            if name == MANIFEST:
                manifest = json.loads(handle.read())
            elif name.endswith(".rego"):
                modules[name] = handle.read().decode("utf-8")
    return modules, manifest


class _Handler(BaseHTTPRequestHandler):
    server: _HttpServer
    protocol_version = "HTTP/1.1"  # keep-alive, as OPA
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: pytest shows failures, not access logs."""

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: object) -> None:
        self._send(status, json.dumps(value).encode())

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == "/health":
            self._json(HTTPStatus.OK, {})
        elif url.path.startswith("/v1/data"):
            self._data(url.path, url.query, None)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"code": "resource_not_found"})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if not url.path.startswith("/v1/data"):
            self._json(HTTPStatus.NOT_FOUND, {"code": "resource_not_found"})
            return
        self._data(url.path, url.query, body.get("input") if isinstance(body, dict) else None)

    def _data(self, path: str, query: str, policy_input: object) -> None:
        opa = self.server.opa
        opa.requests += 1
        if opa.fault == "slow":
            opa.release.wait(timeout=10)
        if opa.fault == "http_500":
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"code": "internal_error"})
            return
        if opa.fault == "not_json":
            self._send(HTTPStatus.OK, b"<html>proxy error</html>", "application/json")
            return
        answer = opa.evaluate(path.removeprefix("/v1/data").strip("/"), policy_input)
        status = HTTPStatus.INTERNAL_SERVER_ERROR if "code" in answer else HTTPStatus.OK
        if opa.fault == "malformed" and "result" in answer:
            answer["result"] = {"outcome": "maybe"}
        if status == HTTPStatus.OK and "provenance" in parse_qs(query, keep_blank_values=True):
            answer["provenance"] = opa.provenance()
        self._json(status, answer)


class _HttpServer(ThreadingHTTPServer):
    opa: OpaDataApiServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout test) is not a server error worth a traceback."""


class OpaDataApiServer:
    """A loopback OPA server on a free port, serving from a thread until ``stop()``."""

    def __init__(
        self,
        modules: Mapping[str, str],
        *,
        revision: str | None = None,
        bundle_name: str = "hub",
    ) -> None:
        self._engine = new_opa_engine(modules)
        self.revision, self.bundle_name = revision, bundle_name
        self.fault: Fault | None = None
        self.requests = 0
        self.release = threading.Event()  # ends a "slow" answer at teardown
        self._http = _HttpServer(("127.0.0.1", 0), _Handler)
        self._http.opa = self
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @classmethod
    def from_bundle(cls, path: Path) -> Self:
        modules, manifest = read_bundle(path)
        return cls(modules, revision=manifest.get("revision"))

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def evaluate(self, path: str, policy_input: object) -> dict[str, Any]:
        try:
            return {"result": self._engine.eval_document(path.replace("/", "."), policy_input)}
        except opa_bindings.OpaUndefinedError:
            return {}
        except opa_bindings.OpaError as error:
            return {"code": "internal_error", "message": error.message}

    def provenance(self) -> dict[str, Any]:
        provenance: dict[str, Any] = {"version": OPA_VERSION}
        if self.revision is not None:
            provenance["bundles"] = {self.bundle_name: {"revision": self.revision}}
        return provenance

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)
        self._engine.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
