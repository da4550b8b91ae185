"""Policy decision micro-benchmarks: engine, compiled RVM program, OPA, OPA over loopback."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import statistics
import time
from pathlib import Path
from typing import Any

import regorus

from hub.policy.engine import EmbeddedRegoEngine, policy_files
from hub.policy.opa_remote import RemoteOpaEngine

REPO = Path(__file__).resolve().parents[1]


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def bench_policy() -> None:
    engine = EmbeddedRegoEngine(REPO / "policies", revision="bench")
    for name in ("wohngeld_request_released", "wohngeld_records_released"):
        policy_input = json.loads(
            (REPO / "policies/testdata" / f"{name}.input.json").read_text("utf-8")
        )
        samples = []
        for _ in range(2_000):
            started = time.perf_counter()
            engine.interpreted(policy_input)
            samples.append(time.perf_counter() - started)
        print(
            f"policy decision ({name}, interpreting engine, decision parsed):"
            f" median {_median_ms(samples)} ms over 2000"
        )


BENCH_POLICY_CASES = (
    "wohngeld_request_released",
    "wohngeld_records_released",
    "free_search_blocked_omitted",
    "gewerbe_protected_city_office_abs6_released",
    "pstr_standesamt_released",
)
DECISION_RULE = "data.hub.authz.decision"


def _time_decisions(decide: Any, input_json: str, rounds: int = 2_000) -> tuple[float, Any]:
    """Median ms of ``decide(input_json)`` (which returns the decision) and its last result."""
    samples = []
    result = None
    for _ in range(rounds):
        started = time.perf_counter()
        result = decide(input_json)
        samples.append(time.perf_counter() - started)
    return _median_ms(samples), result


def _opa_decider(files: list[Path]) -> Any:
    """The real OPA engine (test-only wheel opa-golib-python-bindings), or None if absent."""
    try:
        from opa_bindings import OpaEngine  # noqa: PLC0415 - optional, installed by `make dev`
    except ImportError:
        return None
    opa = OpaEngine()
    for path in files:
        opa.add_policy(str(path.relative_to(REPO / "policies")), path.read_text("utf-8"))
    return lambda input_json: opa.eval_document("hub.authz.decision", json.loads(input_json))


def bench_compiled_policy() -> None:
    """The same policy compiled to a regorus RVM program, next to the plain engine (and OPA)."""
    files = policy_files(REPO / "policies")
    modules = [
        (str(path.relative_to(REPO / "policies")), path.read_text("utf-8")) for path in files
    ]
    program = regorus.Program.compile_from_modules("{}", modules, [DECISION_RULE])
    vm = regorus.Rvm()
    vm.load_program(program)
    vm.set_data_json("{}")
    engine = regorus.Engine()  # the interpreting engine over the same modules
    for name, text in modules:
        engine.add_policy(name, text)

    def plain(input_json: str) -> Any:
        engine.set_input_json(input_json)
        return json.loads(engine.eval_rule_as_json(DECISION_RULE))

    def compiled(input_json: str) -> Any:
        vm.set_input_json(input_json)
        return json.loads(vm.execute_entry_point(DECISION_RULE))

    opa = _opa_decider(files)
    for name in BENCH_POLICY_CASES:
        input_json = (REPO / "policies/testdata" / f"{name}.input.json").read_text("utf-8")
        plain_ms, expected = _time_decisions(plain, input_json)
        rvm_ms, actual = _time_decisions(compiled, input_json)
        figures = f"engine {plain_ms} ms, compiled RVM {rvm_ms} ms"
        if opa is not None:
            opa_ms, on_opa = _time_decisions(opa, input_json)
            figures += f", OPA {opa_ms} ms"
            if on_opa != expected:
                print(f"!!! MISMATCH ({name}): OPA {on_opa!r} != engine {expected!r}")
        print(f"policy decision ({name}): median {figures} over 2000")
        if actual != expected:
            print(f"!!! MISMATCH ({name}): compiled RVM {actual!r} != engine {expected!r}")


async def _time_remote(url: str, input_json: str, rounds: int) -> float:
    engine = await RemoteOpaEngine.connect(url, revision="bench", request_timeout=5.0)
    try:
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            await engine.decide(json.loads(input_json))
            samples.append(time.perf_counter() - started)
    finally:
        await engine.aclose()
    return _median_ms(samples)


def bench_opa_remote() -> None:
    """The ``opa`` backend over loopback, against the test server that wraps the OPA engine."""
    if importlib.util.find_spec("opa_bindings") is None:
        return  # test-only wheel, installed by `make dev`
    from tests.fixtures.opa_server import OpaDataApiServer, modules_of  # noqa: PLC0415

    with OpaDataApiServer(modules_of(REPO / "policies"), revision="bench") as server:
        for name in BENCH_POLICY_CASES:
            input_json = (REPO / "policies/testdata" / f"{name}.input.json").read_text("utf-8")
            median = asyncio.run(_time_remote(server.url, input_json, 500))
            print(
                f"policy decision ({name}): opa backend over loopback median {median} ms over 500"
            )
