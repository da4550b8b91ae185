"""Discover adapters through the ``hub.adapters`` entry-point group and validate their specs.

Any failure aborts start-up: a register that is configured but broken must not silently
disappear from the hub.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import lru_cache
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError
from sqlalchemy import MetaData

from adapters.base import ANY_RECIPIENT, AdapterContext, RegisterAdapter, RegisterSpec

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
    _validate_governance(spec)


def _validate_governance(spec: RegisterSpec) -> None:
    governance = spec.governance
    if not governance.match_keys:
        raise AdapterLoadError(f"{spec.id}: declares no match keys for any query kind")
    lookup_keys = {key for dataset in spec.datasets for key in dataset.lookup_keys}
    for kind, keys in governance.match_keys.items():
        if not keys or not set(keys) <= lookup_keys:
            raise AdapterLoadError(f"{spec.id}: match keys of {kind!r} are not its lookup keys")
    if not governance.data_subjects:
        raise AdapterLoadError(f"{spec.id}: names no data subjects (DSGVO Art. 30)")
    if ANY_RECIPIENT not in governance.admission:
        raise AdapterLoadError(f"{spec.id}: no admission for {ANY_RECIPIENT!r} recipients")


def validate_adapter_class(adapter_class: type[RegisterAdapter]) -> None:
    """Its spec, and that every retention duty it declares names one of its rules."""
    spec = adapter_class.spec
    validate_spec(spec)
    rules: Mapping[str, object] = getattr(adapter_class, "retention_rules", {})
    for duty in spec.governance.retention_duties:
        if duty.rule not in rules:
            raise AdapterLoadError(f"{spec.id}: retention duty names unknown rule {duty.rule!r}")


def _adapter_entry_points() -> tuple[EntryPoint, ...]:
    """The group's entry points, kept per import path (as ``installed_specs`` is).

    Scanning every installed distribution's metadata takes about 10 ms and each app start and
    settings object asks; a distribution added to ``sys.path`` is still seen.
    """
    return _entry_points_on(tuple(sys.path))


@lru_cache(maxsize=4)
def _entry_points_on(_path: tuple[str, ...]) -> tuple[EntryPoint, ...]:
    return tuple(entry_points(group=ENTRY_POINT_GROUP))


def available_adapter_classes() -> dict[str, type[RegisterAdapter]]:
    classes: dict[str, type[RegisterAdapter]] = {}
    for entry_point in _adapter_entry_points():
        adapter_class = entry_point.load()
        spec = getattr(adapter_class, "spec", None)
        if not isinstance(spec, RegisterSpec) or spec.id != entry_point.name:
            raise AdapterLoadError(f"entry point {entry_point.name!r} does not match its spec id")
        validate_adapter_class(adapter_class)
        classes[entry_point.name] = adapter_class
    return classes


def mirror_metadata() -> list[MetaData]:
    """The table metadata of every installed adapter that keeps a mirror (``mirror_metadata``).

    Loading the entry points imports each adapter's table modules, so the metadata is
    complete; Alembic compares the database against these (migrations/env.py).
    """
    found: list[MetaData] = []
    for adapter_class in available_adapter_classes().values():
        metadata = getattr(adapter_class, "mirror_metadata", None)
        if isinstance(metadata, MetaData) and all(metadata is not seen for seen in found):
            found.append(metadata)
    return found


def mirror_migrations() -> list[Path]:
    """Alembic version folders that installed adapters ship for their own tables.

    A register installed as a package brings its tables as a migration branch of its own
    (``mirror_migrations = Path(...)`` on the adapter class); the hub's Alembic config adds
    each folder to ``version_locations`` (hub/kit/migrate.py).
    """
    folders: list[Path] = []
    for adapter_class in available_adapter_classes().values():
        folder = getattr(adapter_class, "mirror_migrations", None)
        if isinstance(folder, Path) and folder not in folders:
            folders.append(folder)
    return folders


def installed_adapter_names() -> list[str]:
    """Entry-point names of every installed adapter, sorted (the default of what is served)."""
    return sorted({entry_point.name for entry_point in _adapter_entry_points()})


def installed_specs() -> Mapping[str, RegisterSpec]:
    """The specs of every installed adapter (enabled or not), by register id.

    For readers without the running hub's adapters at hand (ledger retention, Art. 30
    records, the catalogue's law check). Scanning the entry points takes milliseconds, so
    the result is kept, per import path: a distribution added to ``sys.path`` is seen.
    """
    return _specs_on(tuple(sys.path))


@lru_cache(maxsize=4)
def _specs_on(_path: tuple[str, ...]) -> Mapping[str, RegisterSpec]:
    return MappingProxyType(
        {name: adapter.spec for name, adapter in available_adapter_classes().items()}
    )


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
