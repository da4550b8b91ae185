"""Gewerbeanmeldungen and -abmeldungen per month and Stadtteil (GewO §14 Abs. 5 statistics)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from tests.fixtures.factories import business, import_businesses
from tests.fixtures.opendata import DECEMBER, approve, publisher

CODE = "gewerbe_meldungen"


async def test_registrations_and_deregistrations_of_the_month(
    session: AsyncSession, clean_database: str, tmp_path: Path
) -> None:
    records = [
        business(f"b-{n:02d}", postal_code="64283", betriebsbeginn="2026-11-03") for n in range(7)
    ]
    records += [
        business(f"b-{n:02d}", postal_code="64285", betriebsbeginn="2026-11-20")
        for n in range(7, 9)
    ]
    records += [
        business(
            f"b-{n:02d}",
            postal_code="64283",
            betriebsbeginn="2001-01-01",
            betriebsende="2026-11-30",
            abmeldegrund="Aufgabe",
        )
        for n in range(9, 15)
    ]
    records.append(business("b-old", betriebsbeginn="2026-10-31"))  # October: not counted
    import_businesses(clean_database, records)
    await approve(session, [CODE])
    made, engine = publisher(clean_database, tmp_path)
    try:
        report = await made.run(today=DECEMBER)
    finally:
        await engine.dispose()
    [result] = report.results
    assert (result["aggregate"], result["reference"], result["outcome"]) == (
        CODE,
        "2026-11",
        "published",
    )
    [path] = (tmp_path / CODE).glob("2026-11.*.csv")
    rows = {
        (row["stadtteil"], row["meldeart"]): row
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    }
    assert list(next(iter(rows.values()))) == [
        "monat",
        "stadtteil",
        "meldeart",
        "anzahl",
        "gesperrt",
    ]
    assert rows[("Bessungen", "Anmeldung")]["gesperrt"] == "1"  # 2 registrations: suppressed
    # ... and Mitte's 7 with it, else 9 (total) - 7 would give Bessungen's 2 back (± noise)
    assert rows[("Mitte", "Anmeldung")]["gesperrt"] == "1"
    assert rows[("Ost", "Anmeldung")]["anzahl"] == "0"
    assert abs(int(rows[("Mitte", "Abmeldung")]["anzahl"]) - 6) <= 2
