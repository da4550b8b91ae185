"""A spec must declare what governance reads; the registry refuses one that does not."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from adapters.base import ANY_RECIPIENT, RegisterSpec, RetentionDuty
from adapters.gewerberegister import GewerberegisterAdapter
from adapters.gewerberegister.spec import GEWERBEREGISTER_SPEC
from adapters.registry import (
    AdapterLoadError,
    available_adapter_classes,
    validate_adapter_class,
    validate_spec,
)

GOVERNANCE = GEWERBEREGISTER_SPEC.governance


def with_governance(**changes: Any) -> RegisterSpec:
    return replace(GEWERBEREGISTER_SPEC, governance=replace(GOVERNANCE, **changes))


def test_the_darmstadt_specs_are_valid() -> None:
    for adapter_class in available_adapter_classes().values():
        validate_adapter_class(adapter_class)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"match_keys": {}}, "no match keys"),
        ({"match_keys": {"person": ()}}, "not its lookup keys"),
        ({"match_keys": {"person": ("idnr",)}}, "not its lookup keys"),
        ({"data_subjects": ()}, "no data subjects"),
        ({"admission": {"city_office": "Zulassung"}}, repr(ANY_RECIPIENT)),
    ],
)
def test_incomplete_governance_stops_the_start(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(AdapterLoadError, match=message):
        validate_spec(with_governance(**changes))


class _DutyWithoutItsRule(GewerberegisterAdapter):
    spec = with_governance(
        retention_duties=(RetentionDuty(rule="no_such_rule", title="Löschen", interval_days=30),)
    )


def test_a_retention_duty_must_name_a_rule_of_the_adapter() -> None:
    with pytest.raises(AdapterLoadError, match="no_such_rule"):
        validate_adapter_class(_DutyWithoutItsRule)


def test_admission_falls_back_to_any_recipient() -> None:
    assert GOVERNANCE.admission_for("security_authority") == GOVERNANCE.admission[ANY_RECIPIENT]
