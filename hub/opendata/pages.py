"""The HTML landing pages of ``/open/`` (German, no JavaScript)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from governance.opendata.models import AggregateDefinition, AggregatePublication
from hub.monitor.rendering import render


def render_index(
    definitions: Sequence[AggregateDefinition], latest: Mapping[str, AggregatePublication]
) -> str:
    return render("open_index.html", definitions=definitions, latest=latest)


def render_aggregate(
    definition: AggregateDefinition, publications: Sequence[AggregatePublication]
) -> str:
    return render("open_aggregate.html", definition=definition, publications=publications)
