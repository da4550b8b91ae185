"""The Melderegister adapter's free search, data confirmation and free-search fetch."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from adapters.base import FetchRequest, SearchRequest, SubjectFetch
from adapters.errors import InvalidLookup, TooManyMatches
from adapters.melderegister.lookup import parse_free_lookup
from tests.fixtures.factories import blocked, import_persons, melderegister, person


def search(kind: str, keys: Mapping[str, str], *, max_hits: int = 1000) -> SearchRequest:
    return SearchRequest(
        dataset="persons", kind=kind, keys=keys, request_id="r-1", max_hits=max_hits
    )


@pytest.fixture
def register(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person("P-1", nationality=["DE", "TR"]),
            person("P-2", name="Groß", given_names=("Erika",), blocks=blocked()),
            person("P-3", name="Yilmaz", street="Luisenstraße", house_number="5"),
        ],
    )
    return clean_database


class TestFreeLookup:
    def test_needs_a_criterion(self) -> None:
        with pytest.raises(InvalidLookup):
            parse_free_lookup({})

    @pytest.mark.parametrize(
        ("keys", "member"),
        [
            ({"street": "Rhein*"}, "street"),
            ({"name": "M_ller"}, "name"),
            ({"auskunftssperre": "ja"}, "auskunftssperre"),
            ({"postal_code": "6428"}, "postal_code"),
        ],
    )
    def test_refuses_bad_criteria(self, keys: dict[str, str], member: str) -> None:
        with pytest.raises(InvalidLookup) as caught:
            parse_free_lookup(keys)
        assert caught.value.member == member


class TestFreeSearch:
    async def test_finds_every_resident_including_blocked_ones(self, register: str) -> None:
        adapter = melderegister(register)
        try:
            hits = await adapter.search(search("free", {"street": "Rheinstraße"}))
        finally:
            await adapter.close()
        assert [hit.subject_id for hit in hits] == ["P-1", "P-2"]
        assert hits[1].facts["auskunftssperre"] == {"basis": "antrag", "initiator": "meldebehoerde"}

    async def test_matches_names_exactly_and_nationality(self, register: str) -> None:
        adapter = melderegister(register)
        try:
            phonetic = await adapter.search(search("free", {"name": "Möller"}))
            turkish = await adapter.search(search("free", {"nationality": "tr"}))
        finally:
            await adapter.close()
        assert phonetic == []
        assert [hit.subject_id for hit in turkish] == ["P-1"]

    @pytest.mark.parametrize(
        ("keys", "expected"),
        [
            # Without a birth date the name and address rows pick the persons (IN) ...
            ({"name": "Groß", "street": "Rheinstraße"}, ["P-2"]),
            ({"name": "Groß", "street": "Luisenstraße"}, []),
            ({"name": "Müller", "house_number": "12"}, ["P-1"]),
            # ... with one each person it picks is checked for them (EXISTS): same answers.
            ({"name": "Groß", "street": "Rheinstraße", "birth_date": "1980-05-17"}, ["P-2"]),
            ({"name": "Groß", "street": "Luisenstraße", "birth_date": "1980-05-17"}, []),
            ({"name": "Groß", "street": "Rheinstraße", "birth_date": "1980-05-18"}, []),
        ],
    )
    async def test_names_and_addresses_combine_with_or_without_a_birth_date(
        self, register: str, keys: dict[str, str], expected: list[str]
    ) -> None:
        adapter = melderegister(register)
        try:
            hits = await adapter.search(search("free", keys))
        finally:
            await adapter.close()
        assert [hit.subject_id for hit in hits] == expected

    async def test_more_matches_than_allowed_raise(self, register: str) -> None:
        adapter = melderegister(register)
        try:
            with pytest.raises(TooManyMatches):
                await adapter.search(search("free", {"city": "Darmstadt"}, max_hits=2))
        finally:
            await adapter.close()

    async def test_fetch_after_free_search_keeps_main_address_and_einzugsdatum(
        self, register: str
    ) -> None:
        adapter = melderegister(register)
        try:
            [record] = await adapter.fetch(
                FetchRequest(
                    dataset="persons",
                    subjects=(SubjectFetch(subject_id="P-1"),),
                    fields=frozenset({"addresses", "move_dates"}),
                    request_id="r-1",
                    kind="free",
                )
            )
        finally:
            await adapter.close()
        assert record.fields["move_dates"] == {"moved_in": "2015-04-01"}
        [address] = record.fields["addresses"]
        assert "moved_in" not in address and address["kind"] == "haupt"


class TestConfirmSearch:
    async def test_compares_exactly(self, register: str) -> None:
        adapter = melderegister(register)
        keys = {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"}
        try:
            exact = await adapter.search(search("confirm", keys))
            phonetic = await adapter.search(search("confirm", {**keys, "name": "Möller"}))
            person_search = await adapter.search(search("person", {**keys, "name": "Möller"}))
        finally:
            await adapter.close()
        assert [hit.subject_id for hit in exact] == ["P-1"]
        assert phonetic == []
        assert [hit.subject_id for hit in person_search] == ["P-1"]
