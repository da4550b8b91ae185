"""XMeld 25.11a schema validation against the official files in a configured directory.

The schema directory mirrors the schemas' absolute import locations (``www.osci.de/...``,
``xoev.de/...``) below one or more roots; building the schema takes seconds, so it is built
once per process and directory and then shared.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import xmlschema
from lxml import etree

from adapters.errors import AdapterError

MAIN_SCHEMA = "www.osci.de/xmeld2511a/xinneres.xmeld.xsd"
_lock = threading.Lock()
_cache: dict[tuple[Path, ...], XMeldSchema] = {}


class SchemaUnavailable(AdapterError):
    """The configured directory holds no XMeld 25.11a schema."""


@dataclass(frozen=True, slots=True)
class SchemaViolation:
    path: str
    reason: str


def schema_roots(schema_dir: Path) -> tuple[Path, ...]:
    """``schema_dir`` itself and each sub-folder that holds a mirrored host folder."""
    candidates = [schema_dir, *sorted(p for p in schema_dir.iterdir() if p.is_dir())]
    return tuple(
        root
        for root in candidates
        if any((root / host).is_dir() for host in ("www.osci.de", "xoev.de"))
    )


class XMeldSchema:
    def __init__(self, roots: tuple[Path, ...]) -> None:
        main = next((root / MAIN_SCHEMA for root in roots if (root / MAIN_SCHEMA).is_file()), None)
        if main is None:
            raise SchemaUnavailable(f"no {MAIN_SCHEMA} below {', '.join(map(str, roots))}")
        self._roots = roots

        def uri_mapper(uri: str) -> str:
            for prefix in ("https://", "http://"):
                if uri.startswith(prefix):
                    relative = uri[len(prefix) :]
                    for root in roots:
                        if (root / relative).is_file():
                            return (root / relative).as_uri()
            return uri

        try:
            self._schema = xmlschema.XMLSchema(str(main), uri_mapper=uri_mapper)
        except (xmlschema.XMLSchemaException, OSError) as error:
            raise SchemaUnavailable(f"the XMeld schema could not be built: {error}") from error

    def violations(self, element: etree._Element, *, limit: int = 20) -> list[SchemaViolation]:
        """Schema errors of an (already safely parsed) message; empty when it is valid."""
        found = []
        for error in self._schema.iter_errors(element):
            found.append(SchemaViolation(path=error.path or "/", reason=error.reason or str(error)))
            if len(found) >= limit:
                break
        return found


def load_schema(schema_dir: Path) -> XMeldSchema:
    """The process-wide schema for ``schema_dir`` (built on first use)."""
    roots = schema_roots(schema_dir.resolve())
    with _lock:
        schema = _cache.get(roots)
        if schema is None:
            schema = XMeldSchema(roots)
            _cache[roots] = schema
        return schema
