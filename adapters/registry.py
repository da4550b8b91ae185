"""Discover adapters through the ``hub.adapters`` entry-point group and validate their specs.

Any failure aborts start-up: a register that is configured but broken must not silently
disappear from the hub.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from adapters.base import AdapterContext, RegisterAdapter, RegisterSpec

ENTRY_POINT_GROUP = "hub.adapters"


class AdapterLoadError(RuntimeError):
    """An enabled adapter is missing, inconsistent or misconfigured."""


def validate_spec(spec: RegisterSpec) -> None:
    if not spec.datasets:
        raise AdapterLoadError(f"{spec.id}: declares no dataset")
    for dataset in spec.datasets:
        names = dataset.field_names()
        if len(set(names)) != len(names):
            raise AdapterLoadError(f"{spec.id}.{dataset.name}: duplicate field names")
        for field in dataset.fields:
            if not field.xoev_element:
                raise AdapterLoadError(f"{spec.id}.{dataset.name}.{field.name}: no xoev_element")


def available_adapter_classes() -> dict[str, type[RegisterAdapter]]:
    classes: dict[str, type[RegisterAdapter]] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        adapter_class = entry_point.load()
        spec = getattr(adapter_class, "spec", None)
        if not isinstance(spec, RegisterSpec) or spec.id != entry_point.name:
            raise AdapterLoadError(f"entry point {entry_point.name!r} does not match its spec id")
        validate_spec(spec)
        classes[entry_point.name] = adapter_class
    return classes


def load_adapters(
    enabled: list[str],
    *,
    settings: Mapping[str, Mapping[str, Any]],
    context: AdapterContext,
) -> Mapping[str, RegisterAdapter]:
    """Instantiate the enabled adapters with their own validated settings."""
    classes = available_adapter_classes()
    adapters: dict[str, RegisterAdapter] = {}
    for register_id in enabled:
        adapter_class = classes.get(register_id)
        if adapter_class is None:
            raise AdapterLoadError(f"adapter {register_id!r} is enabled but not installed")
        try:
            adapter_settings = adapter_class.Settings.model_validate(settings.get(register_id, {}))
        except ValidationError as error:
            raise AdapterLoadError(f"adapter {register_id!r}: invalid settings: {error}") from error
        adapters[register_id] = adapter_class.create(adapter_settings, context=context)
    return MappingProxyType(adapters)
