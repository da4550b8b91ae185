"""The change feed of the SQL mirrors on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from adapters.errors import ImportRejected
from adapters.melderegister.tables import MrAddress, MrPerson, MrPersonName
from adapters.sql.applying import BatchOrigin
from adapters.sql.feed import MirrorFeed
from adapters.sql.feed_tables import MirrorAhead
from tests.fixtures.changes import delete, upsert
from tests.fixtures.factories import (
    blocked,
    business,
    entry,
    gewerberegister,
    import_entries,
    import_persons,
    melderegister,
    person,
    personenstandsregister,
)

FILE = BatchOrigin(source="file", actor="cli:test")


@pytest.fixture
def opened() -> Iterator[list[Any]]:
    """Adapters a test opens, closed after it (the feed keeps a blocking engine)."""
    adapters: list[Any] = []
    yield adapters
    for adapter in adapters:
        asyncio.run(adapter.close())


def _open(opened: list[Any], adapter: Any) -> MirrorFeed:
    opened.append(adapter)
    feed: MirrorFeed = adapter.change_feed()
    return feed


def _apply(feed: MirrorFeed, lines: list[str], **options: Any) -> Any:
    return feed.apply(feed.parse(lines), origin=FILE, **options)


def _people(feed: MirrorFeed) -> dict[str, dict[str, Any]]:
    with feed._mirror.sync_engine().connect() as connection:
        rows = connection.execute(select(MrPerson.person_id, MrPerson.record))
        return dict(rows.all())


def _count(feed: MirrorFeed, column: Any) -> int:
    with feed._mirror.sync_engine().connect() as connection:
        return len(connection.execute(select(column)).all())


class TestApply:
    def test_upsert_and_delete_apply_in_seq_order(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        import_persons(clean_database, [person("P-1"), person("P-2", name="Groß")])
        feed = _open(opened, melderegister(clean_database))
        lines = [
            delete(3, "P-2"),  # out of order in the file: applied by seq
            upsert(1, person("P-3", name="Neumann")),
            upsert(2, person("P-1", name="Meier")),
        ]
        summary = _apply(feed, lines)
        people = _people(feed)
        assert set(people) == {"P-1", "P-3"}
        assert people["P-1"]["name"] == "Meier"
        assert (summary.upserts, summary.deletes, summary.last_seq) == (2, 1, 3)
        # search rows follow the record: no name or address row of P-2 is left
        assert _count(feed, MrPersonName.id) == 2
        assert _count(feed, MrAddress.id) == 2

    def test_a_batch_applied_again_changes_nothing(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        feed = _open(opened, melderegister(clean_database))
        lines = [upsert(1, person("P-1")), upsert(2, person("P-1", name="Meier"))]
        _apply(feed, lines)
        again = _apply(feed, lines)
        stale = _apply(feed, [upsert(1, person("P-1", name="Alt"))])  # seq already applied
        assert (again.upserts, again.skipped, again.last_seq) == (0, 2, 2)
        assert (stale.upserts, stale.skipped, stale.last_seq) == (0, 1, 2)
        assert _people(feed)["P-1"]["name"] == "Meier"

    def test_bad_lines_are_named_and_nothing_is_applied(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        feed = _open(opened, melderegister(clean_database))
        bad_record = person("P-2", birth={"date": "17.05.1980", "place": None, "country": "DE"})
        lines = [
            upsert(1, person("P-1")),
            upsert(2, bad_record),
            json.dumps({"op": "move", "seq": 3, "changed_at": "2026-12-06T10:00:00Z"}),
            delete(1, "P-1"),
            '{"op": "delete", "seq": 5, "changed_at": "2026-12-06T10:00:00", "key": "P-1"}',
        ]
        with pytest.raises(ImportRejected) as rejected:
            feed.parse(lines)
        errors = dict(rejected.value.errors)
        assert set(errors) == {2, 3, 4, 5}
        assert "record.birth.date" in errors[2]
        assert "17.05.1980" not in errors[2]  # no value is echoed
        assert "seq: 1 already on line 1" in errors[4]
        assert "changed_at" in errors[5]  # a time without zone is not a point in time
        assert _people(feed) == {}

    def test_a_file_resumes_after_the_last_committed_chunk(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        feed = _open(opened, melderegister(clean_database))
        lines = [upsert(seq, person(f"P-{seq}")) for seq in range(1, 11)]
        _apply(feed, lines[:6], chunk_size=4)  # the run that "crashed" after line 6
        summary = _apply(feed, lines, chunk_size=4)
        assert (summary.upserts, summary.skipped, summary.last_seq) == (4, 6, 10)
        assert set(_people(feed)) == {f"P-{seq}" for seq in range(1, 11)}


class TestProtectionFirst:
    def test_a_sperre_commits_before_the_changes_queued_ahead(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        import_persons(clean_database, [person("P-1")])
        feed = _open(opened, melderegister(clean_database))
        filler = [upsert(seq, person(f"P-{seq}")) for seq in range(2, 8)]
        lines = [
            upsert(1, person("P-1", name="Alt")),  # older state of P-1, superseded below
            *filler,
            upsert(8, person("P-1", blocks=blocked())),
        ]
        summary = _apply(feed, lines, chunk_size=3)
        logs = feed.log_rows()
        assert logs[0]["protection_first"] == 1
        assert (logs[0]["seq_from"], logs[0]["seq_to"]) == (8, 8)  # the Sperre went first
        assert summary.protection_first == 1
        assert (summary.upserts, summary.skipped) == (7, 1)
        # The older change of P-1 never overwrote the Sperre applied ahead of it.
        assert _people(feed)["P-1"]["blocks"]["auskunftssperre"] is not None
        with feed._mirror.sync_engine().connect() as connection:
            assert connection.execute(select(MirrorAhead.seq)).all() == []  # passed: cleared

    def test_a_lifted_sperre_is_an_ordinary_change(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        import_persons(clean_database, [person("P-1", blocks=blocked())])
        feed = _open(opened, melderegister(clean_database))
        summary = _apply(feed, [upsert(1, person("P-1"))])
        assert summary.protection_first == 0

    def test_a_bedingter_sperrvermerk_and_flagged_address_widen(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        import_persons(clean_database, [person("P-1")])
        feed = _open(opened, melderegister(clean_database))
        flagged = person("P-1", blocks={"auskunftssperre": None, "bedingter_sperrvermerk": True})
        assert _apply(feed, [upsert(1, flagged)]).protection_first == 1
        assert _apply(feed, [upsert(2, flagged)]).protection_first == 0  # nothing new

    def test_personenstand_sperrvermerk_and_stilllegung(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        import_entries(clean_database, [entry("E-1")])
        feed = _open(opened, personenstandsregister(clean_database))
        lines = [upsert(1, entry("E-1", sperrvermerk=True)), upsert(2, entry("E-2"))]
        summary = feed.apply(feed.parse(lines), origin=FILE)
        assert (summary.protection_first, summary.upserts) == (1, 2)
        again = feed.parse([upsert(3, entry("E-1", sperrvermerk=True, stillgelegt=True))])
        assert feed.apply(again, origin=FILE).protection_first == 1


class TestOtherRegisters:
    def test_gewerberegister_upsert_and_delete(
        self, clean_database: str, opened: list[Any]
    ) -> None:
        feed = _open(opened, gewerberegister(clean_database))
        lines = [upsert(1, business("B-1")), upsert(2, business("B-2")), delete(3, "B-1")]
        summary = feed.apply(feed.parse(lines), origin=FILE)
        assert (summary.upserts, summary.deletes, summary.last_seq) == (2, 1, 3)


class TestReload:
    def test_reload_swaps_the_copy_and_counts(self, clean_database: str, opened: list[Any]) -> None:
        import_persons(clean_database, [person("P-1"), person("P-2"), person("P-3")])
        feed = _open(opened, melderegister(clean_database))
        export = [
            json.dumps(person("P-1")),  # unchanged
            json.dumps(person("P-2", name="Meier")),  # changed
            json.dumps(person("P-4")),  # added; P-3 removed
        ]
        summary = feed.reload(export, origin=FILE, seq=500, exported_at=None)
        assert (summary.added, summary.changed, summary.removed, summary.unchanged) == (1, 1, 1, 1)
        people = _people(feed)
        assert set(people) == {"P-1", "P-2", "P-4"}
        assert people["P-2"]["name"] == "Meier"
        assert summary.last_seq == 500
        # later changes continue from the export's seq
        assert _apply(feed, [upsert(500, person("P-9")), upsert(501, person("P-5"))]).upserts == 1

    def test_a_bad_export_changes_nothing(self, clean_database: str, opened: list[Any]) -> None:
        import_persons(clean_database, [person("P-1")])
        feed = _open(opened, melderegister(clean_database))
        with pytest.raises(ImportRejected) as rejected:
            feed.reload([json.dumps(person("P-2")), "{}"], origin=FILE, seq=None, exported_at=None)
        assert [line for line, _ in rejected.value.errors] == [2]
        assert set(_people(feed)) == {"P-1"}
