"""The conformance suite every register adapter passes (after singer-sdk get_tap_test_class).

One line per adapter in a test module::

    TestMelderegisterConformance = conformance_suite(MelderegisterAdapter, case=MELDE_CASE)

The suite runs against real data in real tables: the test session must provide a
``clean_database`` fixture yielding the URL of an empty, migrated database (the hub's
``tests/conftest.py`` does, once per backend). Nothing of the adapter is mocked.
"""

# ruff: noqa: S101 - a test suite asserts

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from adapters.base import (
    AdapterContext,
    DatasetSpec,
    FetchedRecord,
    FetchRequest,
    Hit,
    RegisterAdapter,
    SearchRequest,
    SubjectFetch,
    SupportsDemoData,
    SupportsImport,
)
from adapters.errors import (
    ImportRejected,
    InvalidLookup,
    RecordNotFound,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyMatches,
)
from adapters.registry import validate_spec

SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
LEGAL_REFERENCE = re.compile(r"§|\bArt\.\s*\d|\bAnlage\s+\d")  # BMG §3, GewAnzV Anlage 1
STANDARD_NAME = re.compile(r"^X\w+$")  # a name only, e.g. "XMeld"
STANDARD_VERSION = re.compile(r"^\d[\w.\-]*$")  # e.g. "25.11a", "2.2", "1.x"
UNKNOWN_KEY = "conformance_unknown_key"
VANISHED_ID = "conformance-vanished-subject"

Records = Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class StripCase:
    """A sample subject whose related person of ``role`` is blocked and shows in ``field``."""

    subject_id: str
    role: str
    field: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ConformanceCase:
    """The per-adapter inputs of the suite.

    Attributes:
        sample_records: records in the adapter's import format; their
            references resolve among themselves.
        id_key: member of a record holding the subject id (e.g. ``person_id``).
        lookup_for: lookup keys that find the given sample record.
        shared_lookup: lookup keys that find at least two sample records.
        unreachable_settings: settings under which ``check`` cannot reach the register.
        settings: settings for the reachable register (validated by the adapter's Settings).
        kind: search kind the lookups use.
        strip: a related-person case, when the register has related persons.
        load: stores the samples for adapters without ``SupportsImport`` (database URL, records).
        today: the fixed "today" handed to the adapter and to demo data.
        demo_size: population size for ``demo_lines``.
    """

    sample_records: Records
    id_key: str
    lookup_for: Callable[[Mapping[str, Any]], Mapping[str, str]]
    shared_lookup: Mapping[str, str]
    unreachable_settings: Mapping[str, Any]
    settings: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "person"
    strip: StripCase | None = None
    load: Callable[[str, Records], None] | None = None
    today: date = date(2026, 1, 15)
    demo_size: int = 48


def _lines(records: Records) -> list[str]:
    return [json.dumps(record, ensure_ascii=False) for record in records]


class AdapterConformance:
    """The contract rules; ``conformance_suite`` binds them to one adapter and its case."""

    adapter_class: ClassVar[type[RegisterAdapter]]
    case: ClassVar[ConformanceCase]

    # -- fixtures -------------------------------------------------------------------------

    @pytest.fixture
    def context(self, clean_database: str) -> AdapterContext:
        return AdapterContext(
            hub_database_url=clean_database,
            municipality_name="Darmstadt",
            today_override=self.case.today.isoformat(),
        )

    def _create(self, settings: Mapping[str, Any], context: AdapterContext) -> RegisterAdapter:
        validated = self.adapter_class.Settings.model_validate(dict(settings))
        return self.adapter_class.create(validated, context=context)

    @pytest.fixture
    async def adapter(self, context: AdapterContext) -> AsyncIterator[RegisterAdapter]:
        adapter = self._create(self.case.settings, context)
        yield adapter
        await adapter.close()

    @pytest.fixture
    def loaded(self, adapter: RegisterAdapter, clean_database: str) -> RegisterAdapter:
        if self.case.load is not None:
            self.case.load(clean_database, self.case.sample_records)
        else:
            assert isinstance(adapter, SupportsImport), "no import: give the case a load hook"
            assert adapter.import_lines(_lines(self.case.sample_records)) == len(
                self.case.sample_records
            )
        return adapter

    # -- helpers --------------------------------------------------------------------------

    @property
    def dataset(self) -> DatasetSpec:
        return self.adapter_class.spec.dataset()

    def _search(
        self,
        keys: Mapping[str, str],
        *,
        max_hits: int = 1000,
        subject_ids: tuple[str, ...] = (),
    ) -> SearchRequest:
        return SearchRequest(
            dataset=self.dataset.name,
            kind=self.case.kind,
            keys=keys,
            request_id="conformance",
            max_hits=max_hits,
            subject_ids=subject_ids,
        )

    def _fetch(
        self, subjects: Sequence[str | SubjectFetch], fields: frozenset[str]
    ) -> FetchRequest:
        return FetchRequest(
            dataset=self.dataset.name,
            subjects=tuple(
                s if isinstance(s, SubjectFetch) else SubjectFetch(subject_id=s) for s in subjects
            ),
            fields=fields,
            request_id="conformance",
            kind=self.case.kind,
        )

    def _ids(self) -> list[str]:
        return [str(record[self.case.id_key]) for record in self.case.sample_records]

    def _assert_no_field_values(self, hit: Hit, keys: Mapping[str, str]) -> None:
        personal = {f.name for f in self.dataset.fields if f.personal}
        assert isinstance(hit.subject_id, str)
        assert isinstance(hit.facts, Mapping)
        text = json.dumps(hit.facts, ensure_ascii=False)  # facts are JSON-serialisable
        assert not personal & set(hit.facts), "facts carry personal field values"
        for key in personal & set(keys):
            assert keys[key] not in text, f"facts echo the value of {key!r}"

    # -- the spec -------------------------------------------------------------------------

    def test_spec_is_valid(self) -> None:
        spec = self.adapter_class.spec
        validate_spec(spec)
        assert SLUG.match(spec.id), spec.id
        assert spec.title.strip()
        assert spec.operator.strip()
        names = [dataset.name for dataset in spec.datasets]
        assert len(set(names)) == len(names), "dataset names must be unique"
        for dataset in spec.datasets:
            assert SLUG.match(dataset.name), dataset.name
            fields = dataset.field_names()
            assert fields, f"{dataset.name}: no fields"
            assert len(set(fields)) == len(fields), f"{dataset.name}: duplicate field names"
            assert all(SLUG.match(name) for name in fields), fields
            keys = dataset.lookup_keys
            assert keys, f"{dataset.name}: no lookup keys declared"
            assert len(set(keys)) == len(keys), f"{dataset.name}: duplicate lookup keys"
            assert all(SLUG.match(key) for key in keys), keys

    def test_every_field_has_xoev_element_and_legal_reference(self) -> None:
        for dataset in self.adapter_class.spec.datasets:
            assert dataset.xoev_message.strip(), f"{dataset.name}: no xoev_message"
            for spec in dataset.fields:
                assert spec.xoev_element.strip(), f"{spec.name}: no xoev_element"
                assert LEGAL_REFERENCE.search(spec.description), (
                    f"{spec.name}: description names no legal reference"
                )

    def test_register_names_xoev_standard_and_version(self) -> None:
        spec = self.adapter_class.spec
        assert STANDARD_NAME.match(spec.xoev_standard), spec.xoev_standard
        assert STANDARD_VERSION.match(spec.xoev_version), spec.xoev_version

    def test_sample_lookups_use_declared_keys(self) -> None:
        declared = set(self.dataset.lookup_keys)
        assert set(self.case.shared_lookup) <= declared
        for record in self.case.sample_records:
            assert set(self.case.lookup_for(record)) <= declared

    # -- create, check, close -------------------------------------------------------------

    def test_created_from_its_settings(self, adapter: RegisterAdapter) -> None:
        assert issubclass(self.adapter_class.Settings, BaseModel)
        assert isinstance(adapter, self.adapter_class)
        assert isinstance(adapter, RegisterAdapter)

    async def test_check_succeeds_on_a_reachable_register(self, adapter: RegisterAdapter) -> None:
        await adapter.check()

    async def test_check_raises_on_an_unreachable_register(self, context: AdapterContext) -> None:
        adapter = self._create(self.case.unreachable_settings, context)
        try:
            with pytest.raises((RegisterUnavailable, RegisterTimeout)):
                await adapter.check()
        finally:
            await adapter.close()

    async def test_close_is_idempotent(self, context: AdapterContext) -> None:
        adapter = self._create(self.case.settings, context)
        await adapter.check()
        await adapter.close()
        await adapter.close()

    # -- search ---------------------------------------------------------------------------

    async def test_search_finds_samples_with_facts_only(self, loaded: RegisterAdapter) -> None:
        for record in self.case.sample_records:
            keys = self.case.lookup_for(record)
            hits = await loaded.search(self._search(keys))
            assert record[self.case.id_key] in [hit.subject_id for hit in hits], keys
            for hit in hits:
                self._assert_no_field_values(hit, keys)

    async def test_search_is_bounded_by_max_hits(self, loaded: RegisterAdapter) -> None:
        hits = await loaded.search(self._search(self.case.shared_lookup))
        assert len(hits) >= 2, "shared_lookup must find at least two samples"  # noqa: PLR2004
        bounded = await loaded.search(self._search(self.case.shared_lookup, max_hits=len(hits)))
        assert len(bounded) == len(hits)
        with pytest.raises(TooManyMatches):
            await loaded.search(self._search(self.case.shared_lookup, max_hits=len(hits) - 1))

    async def test_search_refuses_wildcards_naming_the_member(
        self, loaded: RegisterAdapter
    ) -> None:
        keys = self.case.lookup_for(self.case.sample_records[0])
        for key, value in keys.items():
            for wildcard in ("*", "%"):
                with pytest.raises(InvalidLookup) as caught:
                    await loaded.search(self._search({**keys, key: f"{value}{wildcard}"}))
                assert caught.value.member == key

    async def test_search_refuses_unknown_keys_naming_the_member(
        self, loaded: RegisterAdapter
    ) -> None:
        keys = {**self.case.lookup_for(self.case.sample_records[0]), UNKNOWN_KEY: "x"}
        with pytest.raises(InvalidLookup) as caught:
            await loaded.search(self._search(keys))
        assert caught.value.member == UNKNOWN_KEY

    async def test_search_by_subject_ids_returns_exactly_those(
        self, loaded: RegisterAdapter
    ) -> None:
        ids = self._ids()
        wanted = (ids[-1], VANISHED_ID, ids[0])
        hits = await loaded.search(self._search({}, subject_ids=wanted))
        assert [hit.subject_id for hit in hits] == [ids[-1], ids[0]]
        for hit in hits:
            self._assert_no_field_values(hit, {})

    # -- fetch ----------------------------------------------------------------------------

    async def test_fetch_returns_only_requested_fields_and_subjects(
        self, loaded: RegisterAdapter
    ) -> None:
        ids = self._ids()
        names = self.dataset.field_names()
        some = frozenset({names[0], names[-1]})
        records = await loaded.fetch(self._fetch([ids[-1], ids[0]], some))
        assert [r.subject_id for r in records] == [ids[-1], ids[0]]
        assert all(isinstance(r, FetchedRecord) and set(r.fields) == some for r in records)
        everything = await loaded.fetch(self._fetch([ids[0]], frozenset(names)))
        assert set(everything[0].fields) == set(names), "every declared field can be fetched"
        json.dumps([dict(r.fields) for r in everything], ensure_ascii=False)
        unknown = await loaded.fetch(self._fetch([ids[0]], frozenset({UNKNOWN_KEY})))
        assert dict(unknown[0].fields) == {}

    async def test_fetch_strips_blocked_related_persons(self, loaded: RegisterAdapter) -> None:
        strip = self.case.strip
        if strip is None:
            pytest.skip("the register has no related persons")
        fields = frozenset({strip.field})
        plain = await loaded.fetch(self._fetch([strip.subject_id], fields))
        assert plain[0].fields[strip.field], "the case's related person must show unstripped"
        subject = SubjectFetch(subject_id=strip.subject_id, strip_related=frozenset({strip.role}))
        stripped = await loaded.fetch(self._fetch([subject], fields))
        assert not stripped[0].fields[strip.field]

    async def test_fetch_of_a_vanished_subject_raises_record_not_found(
        self, loaded: RegisterAdapter
    ) -> None:
        with pytest.raises(RecordNotFound):
            await loaded.fetch(self._fetch([self._ids()[0], VANISHED_ID], frozenset()))

    # -- import and demo data -------------------------------------------------------------

    async def test_import_is_all_or_nothing_with_line_numbers(
        self, adapter: RegisterAdapter
    ) -> None:
        if not isinstance(adapter, SupportsImport):
            pytest.skip("the adapter does not import records")
        good = _lines(self.case.sample_records)
        bad = [json.dumps({self.case.id_key: "conformance-bad"}), "{not json"]
        with pytest.raises(ImportRejected) as caught:
            adapter.import_lines([*good, *bad])
        assert [number for number, _ in caught.value.errors] == [len(good) + 1, len(good) + 2]
        assert all(message for _, message in caught.value.errors)
        hits = await adapter.search(self._search({}, subject_ids=tuple(self._ids())))
        assert hits == [], "a rejected import must store nothing"

    async def test_demo_data_is_deterministic_and_imports(self, adapter: RegisterAdapter) -> None:
        if not isinstance(adapter, SupportsDemoData):
            pytest.skip("the adapter has no demo data")
        size, today = self.case.demo_size, self.case.today
        lines = list(adapter.demo_lines(size=size, seed=7, today=today))
        assert lines, "demo data is empty"
        assert lines == list(adapter.demo_lines(size=size, seed=7, today=today))
        if not isinstance(adapter, SupportsImport):
            return
        assert adapter.import_lines(lines) == len(lines)
        ids = tuple(str(json.loads(line)[self.case.id_key]) for line in lines[:3])
        hits = await adapter.search(self._search({}, subject_ids=ids))
        assert [hit.subject_id for hit in hits] == list(ids)


def conformance_suite(
    adapter_class: type[RegisterAdapter], *, case: ConformanceCase
) -> type[AdapterConformance]:
    """A pytest test class checking every contract rule for ``adapter_class``.

    Assign it to a ``Test...`` name in a test module so pytest collects it.
    """
    name = f"Test{adapter_class.__name__}Conformance"
    return type(name, (AdapterConformance,), {"adapter_class": adapter_class, "case": case})
