"""``hub catalogue sync`` (and the sync step of ``hub demo load``): one transaction."""

from __future__ import annotations

from typing import Any

from adapters.registry import available_adapter_classes
from governance.sync import sync_catalogue
from hub.config import Settings
from hub.db import begin_writing, create_sync_engine


def run_sync(settings: Settings) -> dict[str, Any]:
    """Diff every installed adapter's spec against the catalogue; returns the JSON report."""
    specs = [cls.spec for cls in available_adapter_classes().values()]
    engine = create_sync_engine(settings.database_url)
    try:
        with begin_writing(engine) as connection:
            report = sync_catalogue(connection, specs=specs)
    finally:
        engine.dispose()
    return report.as_json()
