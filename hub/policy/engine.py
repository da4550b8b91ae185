"""The policy engine seam: the embedded regorus engine over ``policies/``.

Every failure (no policy, evaluation error, undefined or malformed decision) becomes
:class:`PolicyFailure`; the caller answers 503 and releases nothing (fail closed).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Protocol

import orjson
import regorus
from pydantic import ValidationError

from hub.policy.schemas import Decision

DECISION_RULE = "data.hub.authz.decision"


class PolicyFailure(Exception):
    """No valid decision could be obtained."""


class PolicyEngine(Protocol):
    revision: str  # what the ledger records with each decision

    async def decide(self, policy_input: dict[str, Any]) -> Decision: ...

    async def aclose(self) -> None: ...


def policy_files(policy_dir: Path) -> list[Path]:
    """Policy modules only; ``*_test.rego`` files are for ``hub policy test``."""
    return sorted(
        path for path in policy_dir.rglob("*.rego") if not path.name.endswith("_test.rego")
    )


def content_revision(policy_dir: Path) -> str:
    """A revision derived from the policy texts, for deployments that set none."""
    digest = hashlib.sha256()
    for path in policy_files(policy_dir):
        digest.update(str(path.relative_to(policy_dir)).encode())
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()[:16]}"


def announced_revision(policy_dir: Path, *, configured: str) -> str:
    """``HUB_POLICY_REVISION`` when set, else the content revision of ``policy_dir``.

    The hub records it and ``hub policy bundle`` writes it into the bundle manifest.
    """
    return configured if configured != "dev" else content_revision(policy_dir)


def parse_decision(raw: object) -> Decision:
    try:
        return Decision.model_validate(raw)
    except ValidationError as error:
        raise PolicyFailure("the policy returned a malformed decision") from error


class EmbeddedRegoEngine:
    """regorus in-process, the policy compiled once to an RVM program.

    The compiled program decides four to five times faster than the interpreting engine
    (`make bench`); the golden cases and the API tests check both give the same decisions.
    Neither is thread-safe: they are only used from the event loop.
    """

    def __init__(self, policy_dir: Path, *, revision: str) -> None:
        files = policy_files(policy_dir)
        if not files:
            raise PolicyFailure(f"no policy files under {policy_dir}")
        self.revision = revision
        modules = [(str(path.relative_to(policy_dir)), path.read_text("utf-8")) for path in files]
        self._modules = modules
        # Built on first use: only the agreement tests and the bench ask it, and adding the
        # modules to it costs as much as compiling the program (a tenth of a start-up).
        self._engine: regorus.Engine | None = None
        try:
            program = regorus.Program.compile_from_modules("{}", modules, [DECISION_RULE])
        except Exception as error:
            raise PolicyFailure(f"the policy does not compile: {error}") from error
        self._vm = regorus.Rvm()
        self._vm.load_program(program)
        self._vm.set_data_json("{}")

    async def decide(self, policy_input: dict[str, Any]) -> Decision:
        try:
            # orjson: the input is a few kB, encoded twice per query.
            self._vm.set_input_json(orjson.dumps(policy_input).decode())
            raw = orjson.loads(self._vm.execute_entry_point(DECISION_RULE))
        except Exception as error:
            raise PolicyFailure(f"policy evaluation failed: {error.__class__.__name__}") from error
        return parse_decision(raw).model_copy(update={"revision": self.revision})

    def interpreted(self, policy_input: dict[str, Any]) -> Decision:
        """The same decision by the interpreting engine (for the agreement tests and bench)."""
        if self._vm is None:
            raise PolicyFailure("the policy engine was closed")
        if self._engine is None:
            self._engine = regorus.Engine()
            for name, text in self._modules:
                self._engine.add_policy(name, text)
        self._engine.set_input_json(json.dumps(policy_input))
        raw = json.loads(self._engine.eval_rule_as_json(DECISION_RULE))
        return parse_decision(raw).model_copy(update={"revision": self.revision})

    def close(self) -> None:
        """Drop engine and VM on the event-loop thread that made them.

        regorus objects are "unsendable": freed by the garbage collector on another thread
        (e.g. aiosqlite's worker) they raise instead of being dropped.
        """
        self._engine = None
        self._vm = None

    async def aclose(self) -> None:
        self.close()
