"""Every reason code the Rego can emit is decided: shown to callers, or kept in the ledger.

The codes are read from the Rego sources, not from decisions on golden inputs, so that a code
no golden input reaches is caught as well: the ``*reason_basis`` tables (every code has a
norm there, policies/README.md) and every literal the rules put into a reason set. A new
code fails here until it is added to ``CallerReason`` or ``InternalReason``
(hub.policy.reasons); until then the hub keeps it from callers anyway (an allow-list).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from hub.policy.reasons import CallerReason, InternalReason, caller_reasons

POLICIES = Path(__file__).resolve().parents[2] / "policies"
CODE = r"[a-z][a-z0-9_]*"
# Codes the hub adds itself when it withholds what the catalogue did not approve
# (hub.query.minimise); the Rego emits them too.
HUB_CODES = {CallerReason.FIELD_NOT_APPROVED, CallerReason.NO_RELEASABLE_FIELDS}


@cache
def _rego() -> str:
    """The policy's rules (test files left out), without comment lines."""
    texts = [
        path.read_text(encoding="utf-8")
        for path in sorted((POLICIES / "hub").rglob("*.rego"))
        if not path.name.endswith("_test.rego")
    ]
    lines = "\n".join(texts).splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def _bodies(name_pattern: str) -> list[str]:
    """The ``{...}`` of every top-level ``<name> := {`` whose name matches."""
    text, bodies = _rego(), []
    for match in re.finditer(rf"^({name_pattern}) := \{{", text, flags=re.MULTILINE):
        depth, end = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        bodies.append(text[match.end() : end - 1])
    return bodies


def _literals(text: str) -> set[str]:
    return set(re.findall(rf'"({CODE})"', text))


def table_codes() -> set[str]:
    """Codes with a norm in a ``*reason_basis`` table: the keys that map to a list of norms."""
    return {
        code
        for body in _bodies(r"\w*reason_basis")
        for code in re.findall(rf'"({CODE})":\s*\[', body)
    }


def emitted_codes() -> set[str]:
    """Every code the rules put into a reason set, as literals in the Rego."""
    text = _rego()
    codes = set(re.findall(rf'^\w+(?:_reasons|_failures) contains "({CODE})"', text, re.MULTILINE))
    codes |= set(re.findall(rf'\{{"({CODE})" \|', text))  # {"code" | condition}
    for listed in re.findall(r'"reasons":\s*\{([^}|]*)\}', text):  # "reasons": {"code"}
        codes |= _literals(listed)
    for listed in re.findall(r"^\w+_reasons(?:\([^)]*\))? := \{([^}|]*)\}", text, re.MULTILINE):
        codes |= _literals(listed)  # a reason set given whole
    for listed in re.findall(r"some code in \[([^\]]*)\]", text):  # holds
        codes |= _literals(listed)
    for body in _bodies(r"\w+_(?:codes|flags)"):  # fact or hold -> code
        codes |= set(re.findall(rf':\s*"({CODE})"', body))
    # "archive_exception_" + each §13 Abs. 2 S. 4 exception the rules can apply
    exceptions = set(
        re.findall(rf'^archive_exceptions_applied contains "({CODE})"', text, re.MULTILINE)
    )
    for body in re.findall(r"^archive_purpose_exceptions := \{([^}]*)\}", text, re.MULTILINE):
        exceptions |= _literals(body)
    assert "archive_exception_" in text
    return codes | {f"archive_exception_{code}" for code in exceptions}


def test_the_sources_are_read() -> None:
    """A guard on the parsing itself: it finds the codes the rules are known to emit."""
    emitted = emitted_codes()
    assert {"missing_purpose", "field_unknown", "no_match", "auskunftssperre_omitted"} <= emitted
    assert {"pstr_sperrvermerk", "archive_exception_einwilligung"} <= emitted
    assert len(table_codes()) > 50


def test_every_emitted_code_has_a_norm() -> None:
    assert emitted_codes() - table_codes() == set()


def test_every_code_has_a_place_in_the_rules_or_in_the_hub() -> None:
    """A table row nothing emits is a stale row (or a rule the parser above does not know)."""
    assert table_codes() - emitted_codes() - HUB_CODES == set()


def test_every_code_is_either_for_callers_or_internal() -> None:
    caller, internal = set(CallerReason), set(InternalReason)
    assert caller & internal == set()
    undecided = (table_codes() | emitted_codes()) - caller - internal
    assert undecided == set(), (
        f"decide for each: CallerReason or InternalReason (hub.policy.reasons): {undecided}"
    )


def test_no_member_names_a_code_the_policy_does_not_know() -> None:
    assert set(CallerReason) | set(InternalReason) <= table_codes()


def test_every_golden_decision_gives_only_decided_codes() -> None:
    decided = set(CallerReason) | set(InternalReason)
    for path in sorted((POLICIES / "testdata").glob("*.expected.json")):
        reasons = set(json.loads(path.read_text(encoding="utf-8")).get("reasons", []))
        assert reasons <= decided, path.name


def test_callers_see_only_caller_reasons_in_order() -> None:
    reasons = ["missing_user", "auskunftssperre", "a_code_nobody_decided", "field_unknown"]
    assert caller_reasons(reasons) == ["missing_user", "field_unknown"]
