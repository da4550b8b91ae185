"""``hub opendata publish``: only approved aggregates, ledgered, idempotent, and unattackable."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.melderegister.records import PersonRecord
from governance.opendata.disclosure import TOTAL, Release
from governance.opendata.models import AggregateDefinition, AggregatePublication
from governance.opendata.statistics import DIMENSIONS, Address, Person, Statistic, resident_cell
from governance.records import Controller, processing_records, render_html
from hub.audit.integrity.verify import verify
from hub.models import LedgerEntry
from hub.opendata.service import PublishReport
from tests.fixtures.opendata import DECEMBER, approve, publisher
from tests.hub.opendata.attacks import derived_small_cells, release_from_csv, revealed_differences

RESIDENT_TABLES = ("einwohner_stadtteil", "einwohner_staatsangehoerigkeit")
CONTROLLER = Controller(
    name="Magistrat der Wissenschaftsstadt Darmstadt",
    address="Luisenplatz 5A, 64283 Darmstadt",
    representative="Der Oberbürgermeister",
    dpo_name="Datenschutzbeauftragte/r",
    dpo_email="datenschutz@example.invalid",
    dpo_address="Luisenplatz 5A, 64283 Darmstadt",
)
NOVEMBER = date(2026, 11, 5)  # publishes Stichtag 2026-10-31 and month 2026-10


async def _run(database_url: str, directory: Path, today: date) -> PublishReport:
    made, engine = publisher(database_url, directory)
    try:
        return await made.run(today=today)
    finally:
        await engine.dispose()


def _files(directory: Path, code: str, reference: str, extension: str = "csv") -> bytes:
    [path] = (directory / code).glob(f"{reference}.*.{extension}")
    return path.read_bytes()


def _persons(records: list[dict[str, Any]]) -> list[Person]:
    found = []
    for raw in records:
        record = PersonRecord.model_validate(raw)
        found.append(
            Person(
                person_id=record.person_id,
                birth_date=record.birth.date,
                sex=record.sex,
                nationality=tuple(record.nationality),
                death_date=None,
                moved_away_date=None,
                addresses=tuple(
                    Address(a.postal_code, a.kind, a.moved_in, a.moved_out)
                    for a in record.addresses
                ),
            )
        )
    return found


def _true_counts(records: list[dict[str, Any]], on: date) -> dict[tuple[str, ...], int]:
    """What the attacker wants: exact counts of every cell and margin (the test knows them)."""
    dimensions = DIMENSIONS[Statistic.RESIDENTS]
    counts: Counter[tuple[str, ...]] = Counter()
    for person in _persons(records):
        cell = resident_cell(person, on)
        if cell is None:
            continue
        for mask in range(2 ** len(dimensions)):
            counts[
                tuple(TOTAL if mask >> i & 1 else cell[d] for i, d in enumerate(dimensions))
            ] += 1
    return dict(counts)


def _release(directory: Path, reference: str) -> Release:
    tables = [DIMENSIONS[Statistic.RESIDENTS], ("stadtteil", "staatsangehoerigkeit")]
    return release_from_csv(
        [_files(directory, code, reference) for code in RESIDENT_TABLES],
        dimensions=DIMENSIONS[Statistic.RESIDENTS],
        tables=tables,
        threshold=5,
    )


@pytest.mark.usefixtures("residents")
class TestPublish:
    async def test_only_approved_aggregates_are_published(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, ["einwohner_stadtteil"], define_only=["bewegungen_stadtteil"])
        report = await _run(clean_database, tmp_path, DECEMBER)
        assert [(r["aggregate"], r["reference"], r["outcome"]) for r in report.results] == [
            ("einwohner_stadtteil", "2026-11-30", "published")
        ]
        assert not (tmp_path / "bewegungen_stadtteil").exists()

    async def test_each_publication_is_a_ledger_entry_without_values(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, [*RESIDENT_TABLES, "bewegungen_stadtteil"])
        report = await _run(clean_database, tmp_path, DECEMBER)
        entries = (
            (await session.execute(select(LedgerEntry).where(LedgerEntry.kind == "opendata")))
            .scalars()
            .all()
        )
        rows = {
            row.aggregate_code: row
            for row in (await session.execute(select(AggregatePublication))).scalars()
        }
        assert {e.purpose for e in entries} == set(rows) == {r["aggregate"] for r in report.results}
        for entry in entries:
            row = rows[str(entry.purpose)]
            assert entry.entry_id == row.ledger_entry_id
            assert entry.outcome == "published"
            assert entry.register == "melderegister"
            definition = await session.get(AggregateDefinition, entry.purpose)
            assert definition is not None
            assert entry.fields_released == definition.dimensions  # names, never values
            assert f"rows:{row.row_count}" in entry.reasons
            assert entry.hit_person_ids == entry.released_person_ids == []
        assert (await verify(session)).ok

    async def test_a_second_run_publishes_nothing_again(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, list(RESIDENT_TABLES))
        await _run(clean_database, tmp_path, DECEMBER)
        again = await _run(clean_database, tmp_path, DECEMBER)
        assert {r["outcome"] for r in again.results} == {"unchanged"}
        count = len((await session.execute(select(LedgerEntry))).scalars().all())
        assert count == len(RESIDENT_TABLES)

    async def test_csv_is_utf8_with_documented_columns(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, ["einwohner_stadtteil"])
        await _run(clean_database, tmp_path, DECEMBER)
        text = _files(tmp_path, "einwohner_stadtteil", "2026-11-30").decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert list(rows[0]) == [
            "stichtag",
            "stadtteil",
            "altersgruppe",
            "geschlecht",
            "staatsangehoerigkeit",
            "anzahl",
            "gesperrt",
        ]
        assert len(rows) == 9 * 8 * 4 * 4  # every category and "Insgesamt", zeros included
        assert any(row["geschlecht"] == "männlich" for row in rows)
        for row in rows:
            assert (row["anzahl"] == "") == (row["gesperrt"] == "1")
            assert row["anzahl"] in {"", "0"} or int(row["anzahl"]) >= 5

    async def test_the_attacker_derives_no_small_count(
        self,
        session: AsyncSession,
        clean_database: str,
        tmp_path: Path,
        residents: list[dict[str, Any]],
    ) -> None:
        """Margins and the second table of the same release recompute no suppressed cell."""
        await approve(session, list(RESIDENT_TABLES))
        await _run(clean_database, tmp_path, DECEMBER)
        release = _release(tmp_path, "2026-11-30")
        truth = _true_counts(residents, date(2026, 11, 30))
        assert any(0 < n < 5 for n in truth.values())  # there is something to protect
        assert derived_small_cells(release, truth) == []

    async def test_differencing_two_months_reveals_no_single_move(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, list(RESIDENT_TABLES))
        await _run(clean_database, tmp_path, NOVEMBER)
        await _run(clean_database, tmp_path, DECEMBER)
        october, november = _release(tmp_path, "2026-10-31"), _release(tmp_path, "2026-11-30")
        assert october.cells != november.cells  # the mover changed something
        assert revealed_differences(october, november) == []

    async def test_a_changed_definition_waits_for_a_new_approval(
        self, session: AsyncSession, clean_database: str, tmp_path: Path
    ) -> None:
        await approve(session, ["einwohner_stadtteil"])
        await approve(session, [], define_only=["einwohner_stadtteil"])  # revision 2, unreviewed
        report = await _run(clean_database, tmp_path, DECEMBER)
        assert report.results == []


class TestProcessingRecords:
    async def test_an_approved_aggregate_has_its_art_30_record(self, session: AsyncSession) -> None:
        await approve(session, ["einwohner_stadtteil"], define_only=["bewegungen_stadtteil"])
        records = await processing_records(
            session, controller=CONTROLLER, on=date(2026, 12, 5), now=datetime.now(UTC)
        )
        [record] = [r for r in records.records if r.recipient["authority"] == "oeffentlichkeit"]
        assert record.id == "melderegister/oeffentlichkeit/einwohner_stadtteil"
        assert record.kinds == ["opendata"]
        assert [c.field for c in record.data_categories] == list(DIMENSIONS[Statistic.RESIDENTS])
        assert {basis.code for basis in record.legal_basis} == {
            "DSGVO Art. 89 Abs. 1",
            "BMG §34 Abs. 1",
        }
        assert "s.steward" in record.toms["approval_reference"]
        assert "Geheimhaltung" in render_html(records)
