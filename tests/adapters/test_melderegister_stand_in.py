"""A search that finds nobody spends what finding a protected person spends (BMG §34a Abs. 5).

The time is measured in ``make bench --only neutral``; these tests hold the steps: the
search's filter judges the stand-in as it judges a found person, every check of the filter
runs, and the related persons' query for nobody reads (and decodes) as for one person.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from adapters.base import SearchRequest
from adapters.melderegister import names, repository, stand_in
from adapters.melderegister.lookup import parse_person_lookup
from adapters.melderegister.rows import PersonRow
from adapters.melderegister.store import person_row
from tests.fixtures.factories import blocked, import_persons, melderegister, person

KEYS = {"name": "Groß", "given_names": "Erika", "birth_date": "1980-05-17"}


def _search(keys: dict[str, str], *, fields: frozenset[str] = frozenset()) -> SearchRequest:
    return SearchRequest(
        dataset="persons", kind="person", keys=keys, request_id="r-1", max_hits=10, fields=fields
    )


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"given_names_match": 0, "spend_as_read": 0}
    matching, reading = names.given_names_match, stand_in.spend_as_read

    def counting_match(*args: object, **kwargs: object) -> bool:
        calls["given_names_match"] += 1
        return matching(*args, **kwargs)  # type: ignore[arg-type]

    def counting_read() -> None:
        calls["spend_as_read"] += 1
        reading()

    monkeypatch.setattr(repository, "given_names_match", counting_match)
    monkeypatch.setattr(repository, "spend_as_read", counting_read, raising=False)
    return calls


async def _counts(database: str, keys: dict[str, str], calls: dict[str, int]) -> dict[str, int]:
    adapter = melderegister(database)
    for name in calls:
        calls[name] = 0
    try:
        await adapter.search(_search(keys, fields=frozenset({"name", "spouse"})))
    finally:
        await adapter.close()
    return dict(calls)


async def test_nobody_and_a_blocked_person_run_the_same_filter_and_reads(
    clean_database: str, counted: dict[str, int]
) -> None:
    import_persons(
        clean_database,
        [person("P-2", name="Groß", given_names=("Erika",), blocks=blocked())],
    )
    protected = await _counts(clean_database, KEYS, counted)
    nobody = await _counts(clean_database, {**KEYS, "name": "Niemandsname"}, counted)
    assert protected["given_names_match"] >= 1  # each pass judged the blocked person
    assert protected["spend_as_read"] >= 1  # the related read for nobody (no spouse) read alike
    assert nobody == protected


def test_the_filter_runs_every_check_whatever_fails_first(counted: dict[str, int]) -> None:
    lookup = parse_person_lookup({**KEYS, "birth_place": "Kassel"})
    row = person_row(person("P-9", name="Groß", given_names=("Erika",)))  # born in Darmstadt
    found = PersonRow(**{column.name: row[column.name] for column in fields(PersonRow)})
    kept = repository._keep(found, lookup, phonetic=False)
    assert not kept  # the birth place does not match ...
    assert counted["given_names_match"] == 1  # ... and the given names were compared all the same
