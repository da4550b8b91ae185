"""Discover adapters through the ``hub.adapters`` entry-point group and validate their specs.

Any failure aborts start-up: a register that is configured but broken must not silently
disappear from the hub.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
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
    if not spec.xoev_standard.strip() or not spec.xoev_version.strip():
        raise AdapterLoadError(f"{spec.id}: XÖV standard and version must both be named")
    for dataset in spec.datasets:
        if not dataset.xoev_message:
            raise AdapterLoadError(f"{spec.id}.{dataset.name}: no xoev_message")
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


def source_variant(
    adapter_class: type[RegisterAdapter], register_settings: Mapping[str, Any]
) -> type[RegisterAdapter]:
    """The class serving the register from the configured ``source`` (default: the entry point).

    An entry-point class lists its alternatives as ``sources = {"xmeld": "module:Class"}``;
    a variant serves the same register (same spec id) from elsewhere, e.g. a remote office.
    """
    source = register_settings.get("source")
    register_id = adapter_class.spec.id
    variants: Mapping[str, str] = getattr(adapter_class, "sources", {})
    if source is None or source not in variants:
        if source is not None and source != getattr(adapter_class, "source_name", None):
            raise AdapterLoadError(f"adapter {register_id!r}: unknown source {source!r}")
        return adapter_class
    module_name, _, class_name = variants[source].partition(":")
    variant = getattr(import_module(module_name), class_name, None)
    spec = getattr(variant, "spec", None)
    if variant is None or not isinstance(spec, RegisterSpec) or spec.id != register_id:
        raise AdapterLoadError(
            f"adapter {register_id!r}: source {source!r} serves another register"
        )
    validate_spec(spec)
    return variant  # type: ignore[no-any-return]


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
        raw = dict(settings.get(register_id, {}))
        adapter_class = source_variant(adapter_class, raw)
        if "source" not in adapter_class.Settings.model_fields:
            raw.pop("source", None)  # the default source's settings need not know the switch
        try:
            adapter_settings = adapter_class.Settings.model_validate(raw)
        except ValidationError as error:
            raise AdapterLoadError(f"adapter {register_id!r}: invalid settings: {error}") from error
        adapters[register_id] = adapter_class.create(adapter_settings, context=context)
    return MappingProxyType(adapters)
