"""What finding one person costs, spent by a search pass that found nobody (BMG §34a Abs. 5).

A pass that finds a blocked person reads and decodes that person's document and the hub
decides on its facts; a pass that finds nobody would be quicker by that much, and the neutral
answers of the two would differ in time. So a pass that finds nobody decodes a stand-in
document of the same kind, makes a person and its facts of it, and drops them. The stand-in
is one synthetic person (adapters.melderegister.synthetic), never register data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from functools import cache

from adapters.melderegister.mapping import hit_facts
from adapters.melderegister.rows import PersonRow
from adapters.melderegister.store import person_row
from adapters.melderegister.synthetic import population_jsonl

_MADE_ON = date(2026, 1, 1)


@cache
def _document() -> str:
    return next(population_jsonl(persons=1, seed=2026, today=_MADE_ON))


def spend_as_read() -> None:
    """Decode the stand-in's document as a row read from the register would be; keep nothing."""
    json.loads(_document())


def spend_as_found(today: date, keep: Callable[[PersonRow], bool]) -> None:
    """Decode, make and judge the stand-in as a found person would be; keep nothing.

    ``keep``: the search's own filter (places, given names), run on the stand-in as on each
    candidate the database returned; its answer is dropped.
    """
    row = person_row(json.loads(_document()))
    person = PersonRow(**{column.name: row[column.name] for column in fields(PersonRow)})
    keep(person)
    hit_facts(person, {person.person_id: person}, today=today)
