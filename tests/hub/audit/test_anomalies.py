"""Anomaly rules and the DPO's review cases over real ledgers.

Every ledger here is written through ``hub.audit.ledger.service.append``; the ledger clock is frozen
(as in test_audit_api) only to place entries at chosen times.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from hub.audit.ledger import service
from hub.audit.ledger.service import LedgerRecord
from hub.audit.ledger.writer import LedgerWriter
from hub.audit.review import anomalies
from hub.audit.review import service as review_service
from hub.audit.review.anomalies import (
    Event,
    easter_sunday,
    find_bursts,
    hessen_holidays,
    is_office_time,
)
from hub.audit.review.detection_service import Detection
from hub.audit.review.detection_service import detect as detect_cases
from hub.cli import app as cli
from hub.config import AnomalySettings
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import Outcome
from hub.errors import InvalidQuery, ReviewCaseClosed
from hub.models import ReviewCase
from tests.fixtures.hub_app import LedgerClock, freeze_ledger_clock
from tests.fixtures.ledger import ledger_rows, table_rows
from tests.fixtures.tokens import TokenFactory

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY_10 = datetime(2026, 3, 10, 10, 0, tzinfo=BERLIN)  # office hours
SATURDAY_02 = datetime(2026, 3, 14, 2, 0, tzinfo=BERLIN)
EASTER_MONDAY_10 = datetime(2026, 4, 6, 10, 0, tzinfo=BERLIN)  # a Monday, but a holiday
THRESHOLDS = AnomalySettings(
    unrelated_persons=5,
    off_hours_queries=5,
    neutral_per_person=3,
    authorities_per_person=3,
    persons_per_case_reference=4,
    clients_per_case_reference=3,
)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)
UNTIL = datetime(2026, 6, 1, tzinfo=UTC)


def record(**changes: Any) -> LedgerRecord:
    """A released Melderegister query of one person; ``changes`` make it the case at hand."""
    values: dict[str, Any] = {
        "request_id": "r",
        "register": "melderegister",
        "outcome": "released",
        "http_status": 200,
        "client_id": "c-1",
        "authority": "sozialamt",
        "authority_category": "city_office",
        "user_id": "u.one",
        "purpose": "sgb12_leistung",
        "case_reference": "AZ-1",
        "kind": "person",
        "hit_person_ids": ["P-1"],
        "released_person_ids": ["P-1"],
        "fields_requested": ["name"],
        "fields_released": ["name"],
    }
    values.update(changes)
    if "hit_person_ids" in changes and "released_person_ids" not in changes:
        values["released_person_ids"] = list(changes["hit_person_ids"])
    return LedgerRecord(**values)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> LedgerClock:
    return freeze_ledger_clock(monkeypatch)


@pytest.fixture
async def sessions(clean_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_hub_engine(clean_database)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


Ledger = list[tuple[datetime, LedgerRecord]]


async def write(
    sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, entries: Ledger
) -> None:
    """Append in time order (the chain's order), each entry at its time."""
    for at, item in sorted(entries, key=lambda pair: pair[0]):
        clock.at = at.astimezone(UTC)
        try:
            async with sessions() as session:
                await service.append(session, item)
                await session.commit()
        finally:
            clock.at = None


async def detect(sessions: async_sessionmaker[AsyncSession], **window: datetime) -> Detection:
    async with sessions() as session:
        return await detect_cases(
            session,
            since=window.get("since", SINCE),
            until=window.get("until", UNTIL),
            now=datetime.now(UTC),
            thresholds=THRESHOLDS,
        )


def cases(database_url: str, rule: str) -> list[dict[str, Any]]:
    rows = table_rows(database_url, ReviewCase.__table__, order_by=ReviewCase.opened_at)
    return [row for row in rows if row["rule"] == rule]


def minutes(start: datetime, count: int, *, step: int = 1) -> list[datetime]:
    return [start + timedelta(minutes=step * index) for index in range(count)]


class TestPureRules:
    def test_easter_and_hessen_holidays(self) -> None:
        assert easter_sunday(2026) == date(2026, 4, 5)
        assert easter_sunday(2027) == date(2027, 3, 28)
        holidays = hessen_holidays(2026)
        assert date(2026, 4, 3) in holidays  # Karfreitag
        assert date(2026, 6, 4) in holidays  # Fronleichnam (Hessen)
        assert date(2026, 10, 3) in holidays
        assert date(2026, 10, 31) not in holidays  # Reformationstag: not in Hessen
        assert len(holidays) == 10

    def test_office_hours_in_berlin_time(self) -> None:
        hours = AnomalySettings()
        assert is_office_time(TUESDAY_10, hours)
        assert not is_office_time(SATURDAY_02, hours)
        assert not is_office_time(EASTER_MONDAY_10, hours)
        # 06:30 UTC is 07:30 in Berlin in winter: inside; 18:30 UTC is 19:30: outside.
        assert is_office_time(datetime(2026, 3, 10, 6, 30, tzinfo=UTC), hours)
        assert not is_office_time(datetime(2026, 3, 10, 18, 30, tzinfo=UTC), hours)
        no_holidays = AnomalySettings(public_holidays="none")
        assert is_office_time(EASTER_MONDAY_10, no_holidays)

    def test_bursts_need_the_threshold_inside_one_window(self) -> None:
        def events(gaps_minutes: list[int]) -> list[Event]:
            start = datetime(2026, 3, 14, 1, 0, tzinfo=UTC)
            return [
                Event(
                    occurred_at=start + timedelta(minutes=gap),
                    seq=index + 1,
                    entry_id=f"e{index}",
                    subject=("c",),
                    keys=(f"e{index}",),
                )
                for index, gap in enumerate(gaps_minutes)
            ]

        hour = timedelta(hours=1)
        burst = find_bursts(events([0, 10, 20, 30, 40]), window=hour, threshold=5)
        assert [(b.start, b.end, b.observed) for b in burst] == [(0, 4, 5)]
        assert find_bursts(events([0, 10, 20, 30]), window=hour, threshold=5) == []
        # Five events, but never five within one hour.
        assert find_bursts(events([0, 20, 40, 60, 80]), window=hour, threshold=5) == []
        # Two separate bursts stay two findings.
        two = find_bursts(events([0, 1, 2, 300, 301, 302]), window=hour, threshold=3)
        assert [(b.start, b.end) for b in two] == [(0, 2), (3, 5)]


class TestRules:
    async def test_unrelated_persons(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        ledger: Ledger = []
        for index, at in enumerate(minutes(TUESDAY_10, 5)):
            ledger.append(
                (
                    at,
                    record(
                        user_id="u.many",
                        hit_person_ids=[f"P-{index}"],
                        case_reference=f"AZ-{index}",
                    ),
                )
            )
        for index, at in enumerate(minutes(TUESDAY_10, 4)):  # one person short
            ledger.append(
                (
                    at,
                    record(
                        user_id="u.under",
                        hit_person_ids=[f"P-{index}"],
                        case_reference=f"AZ-{index}",
                    ),
                )
            )
        for index, at in enumerate(minutes(TUESDAY_10, 5)):  # one household, one case
            ledger.append(
                (
                    at,
                    record(
                        user_id="u.household", hit_person_ids=[f"P-{index}"], case_reference="AZ-H"
                    ),
                )
            )
        for index, at in enumerate(minutes(TUESDAY_10, 5, step=180)):  # spread over 12 h
            ledger.append(
                (
                    at,
                    record(
                        user_id="u.spread",
                        hit_person_ids=[f"P-{index}"],
                        case_reference=f"AZ-{index}",
                    ),
                )
            )
        for index, at in enumerate(minutes(TUESDAY_10, 5)):  # the ledger's own reads
            ledger.append(
                (
                    at,
                    record(
                        register="audit",
                        kind="read",
                        user_id="u.dpo",
                        hit_person_ids=[f"P-{index}"],
                        case_reference=None,
                    ),
                )
            )
        await write(sessions, clock, ledger)

        detection = await detect(sessions)

        found = cases(clean_database, anomalies.UNRELATED_PERSONS)
        assert [case["subject"] for case in found] == [{"client_id": "c-1", "user_id": "u.many"}]
        case = found[0]
        assert case["observed"] == 5
        assert case["entry_count"] == len(case["entry_ids"]) == 5
        assert case["status"] == "open"
        assert case["subject_kind"] == "user"
        assert case["parameters"]["threshold"] == 5
        assert case["window_start"].replace(tzinfo=UTC) == TUESDAY_10.astimezone(UTC)
        assert "u.many" in case["summary"]
        assert case["case_id"] in {c.case_id for c in detection.opened}
        rows = {row["entry_id"]: row for row in ledger_rows(clean_database)}
        assert {rows[i]["user_id"] for i in case["entry_ids"]} == {"u.many"}

    async def test_off_hours_bulk(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        ledger: Ledger = []
        plan = {
            "c-night": (SATURDAY_02, 5, 1, "released"),
            "c-short": (SATURDAY_02, 4, 1, "released"),
            "c-day": (TUESDAY_10, 6, 1, "released"),
            "c-holiday": (EASTER_MONDAY_10, 5, 1, "denied"),
            "c-spread": (SATURDAY_02, 5, 20, "released"),
            "c-refused": (SATURDAY_02, 5, 1, "forbidden"),
        }
        for client, (start, count, step, outcome) in plan.items():
            for index, at in enumerate(minutes(start, count, step=step)):
                ledger.append(
                    (
                        at,
                        record(
                            client_id=client,
                            user_id="batch",
                            outcome=outcome,
                            hit_person_ids=[f"P-{client}-{index}"],
                        ),
                    )
                )
        await write(sessions, clock, ledger)

        await detect(sessions)

        found = cases(clean_database, anomalies.OFF_HOURS_BULK)
        assert sorted(case["subject"]["client_id"] for case in found) == ["c-holiday", "c-night"]
        assert {case["observed"] for case in found} == {5}
        assert found[0]["parameters"]["office_hours"] == "07:00-19:00"

    async def test_repeated_neutral_answers_for_one_person(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        # A neutral hold keeps the held person in hit_person_ids, released_person_ids empty.
        def neutral(client: str, person_id: str) -> LedgerRecord:
            return record(
                client_id=client,
                outcome="neutral",
                hit_person_ids=[person_id],
                released_person_ids=[],
                fields_released=[],
            )

        ledger: Ledger = [
            (TUESDAY_10, neutral("c-1", "P-B")),
            (TUESDAY_10 + timedelta(days=2), neutral("c-2", "P-B")),
            (TUESDAY_10 + timedelta(days=4), neutral("c-3", "P-B")),
            (TUESDAY_10, neutral("c-1", "P-C")),
            (TUESDAY_10 + timedelta(hours=1), neutral("c-1", "P-C")),
            (TUESDAY_10 + timedelta(hours=2), record(hit_person_ids=["P-C"])),  # released
            (TUESDAY_10, neutral("c-1", "P-D")),  # three, but 8 days apart
            (TUESDAY_10 + timedelta(days=4), neutral("c-1", "P-D")),
            (TUESDAY_10 + timedelta(days=8), neutral("c-1", "P-D")),
        ]
        await write(sessions, clock, ledger)

        await detect(sessions)

        found = cases(clean_database, anomalies.REPEATED_NEUTRAL)
        assert [case["subject"] for case in found] == [
            {"register": "melderegister", "person_id": "P-B"}
        ]
        assert found[0]["subject_kind"] == "person"
        assert found[0]["observed"] == 3

    async def test_one_person_queried_by_many_authorities(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        ledger: Ledger = []
        for index, authority in enumerate(["sozialamt", "jobcenter", "polizei"]):
            at = TUESDAY_10 + timedelta(hours=index)
            ledger.append(
                (
                    at,
                    record(client_id=f"c-{authority}", authority=authority, hit_person_ids=["P-X"]),
                )
            )
        for index, authority in enumerate(["sozialamt", "jobcenter", "jobcenter"]):
            at = TUESDAY_10 + timedelta(hours=index)
            ledger.append(
                (
                    at,
                    record(client_id=f"c-{authority}", authority=authority, hit_person_ids=["P-Y"]),
                )
            )
        await write(sessions, clock, ledger)

        await detect(sessions)

        found = cases(clean_database, anomalies.MANY_AUTHORITIES)
        assert [case["subject"]["person_id"] for case in found] == ["P-X"]
        assert found[0]["observed"] == 3

    async def test_case_references_reused_across_persons(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        ledger: Ledger = []
        for index, at in enumerate(minutes(TUESDAY_10, 4, step=600)):
            ledger.append((at, record(case_reference="AZ-REUSE", hit_person_ids=[f"P-{index}"])))
        for index, at in enumerate(minutes(TUESDAY_10, 3)):
            ledger.append((at, record(case_reference="AZ-3", hit_person_ids=[f"P-{index}"])))
        for index, client in enumerate(["c-a", "c-b", "c-c"]):
            ledger.append(
                (
                    TUESDAY_10,
                    record(
                        client_id=client, case_reference="AZ-SHARED", hit_person_ids=[f"P-S{index}"]
                    ),
                )
            )
        for index, client in enumerate(["c-a", "c-b", "c-b"]):
            ledger.append(
                (
                    TUESDAY_10,
                    record(
                        client_id=client, case_reference="AZ-TWO", hit_person_ids=[f"P-T{index}"]
                    ),
                )
            )
        await write(sessions, clock, ledger)

        await detect(sessions)

        persons = cases(clean_database, anomalies.CASE_REFERENCE_PERSONS)
        assert [case["subject"] for case in persons] == [
            {"client_id": "c-1", "case_reference": "AZ-REUSE"}
        ]
        assert persons[0]["observed"] == 4
        clients = cases(clean_database, anomalies.CASE_REFERENCE_CLIENTS)
        assert [case["subject"] for case in clients] == [{"case_reference": "AZ-SHARED"}]
        assert clients[0]["observed"] == 3


async def _unrelated(
    sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, first: int, count: int
) -> None:
    start = TUESDAY_10 + timedelta(minutes=first)
    ledger: Ledger = [
        (
            at,
            record(
                user_id="u.many",
                hit_person_ids=[f"P-{first + index}"],
                case_reference=f"AZ-{first + index}",
            ),
        )
        for index, at in enumerate(minutes(start, count))
    ]
    await write(sessions, clock, ledger)


class TestReviewCases:
    async def test_detection_is_idempotent_and_extends_the_open_case(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        await _unrelated(sessions, clock, 0, 5)
        assert (await detect(sessions)).as_json() == {"opened": 1, "extended": 0}
        assert (await detect(sessions)).as_json() == {"opened": 0, "extended": 0}

        await _unrelated(sessions, clock, 5, 1)
        assert (await detect(sessions)).as_json() == {"opened": 0, "extended": 1}
        [case] = cases(clean_database, anomalies.UNRELATED_PERSONS)
        assert case["observed"] == 6
        assert case["entry_count"] == len(set(case["entry_ids"])) == 6
        assert case["window_end"].replace(tzinfo=UTC) == (
            TUESDAY_10 + timedelta(minutes=5)
        ).astimezone(UTC)
        # A narrower re-run over part of the span adds nothing either.
        narrower = await detect(sessions, since=TUESDAY_10.astimezone(UTC))
        assert narrower.as_json() == {"opened": 0, "extended": 0}

    async def test_close_with_note_and_refusals(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        await _unrelated(sessions, clock, 0, 5)
        [opened] = (await detect(sessions)).opened
        writer = LedgerWriter(sessions)
        writer.start()
        try:
            async with sessions() as session:
                with pytest.raises(InvalidQuery):
                    await review_service.close_case(
                        session, opened.case_id, closed_by="dpo.k", note="  ", writer=writer
                    )
                closed = await review_service.close_case(
                    session,
                    opened.case_id,
                    closed_by="dpo.k",
                    note="Wohngeld-Sammelprüfung, mit Amtsleitung abgestimmt",
                    writer=writer,
                    request_id="req-close",
                    client_id="ui-workbench",
                )
                with pytest.raises(ReviewCaseClosed):
                    await review_service.close_case(
                        session, opened.case_id, closed_by="dpo.k", note="again", writer=writer
                    )
        finally:
            await writer.stop()

        assert closed["case"]["status"] == "closed"
        assert closed["case"]["closed_by"] == "dpo.k"
        assert closed["case"]["note"] == "Wohngeld-Sammelprüfung, mit Amtsleitung abgestimmt"
        assert [e["entry_id"] for e in closed["entries"]] == opened.entry_ids
        audit = [row for row in ledger_rows(clean_database) if row["register"] == "audit"]
        assert [(row["outcome"], row["http_status"]) for row in audit] == [
            ("invalid", 422),
            ("closed", 200),
            ("conflict", 409),
        ]
        assert all(row["reasons"] == [f"case:{opened.case_id}"] for row in audit)
        assert all("Wohngeld" not in str(row) for row in audit)  # the note stays in the case
        # The reviewed span stays closed; only later activity opens a new case.
        assert (await detect(sessions)).as_json() == {"opened": 0, "extended": 0}
        await _unrelated(sessions, clock, 5, 1)
        assert (await detect(sessions)).as_json() == {"opened": 1, "extended": 0}
        statuses = [case["status"] for case in cases(clean_database, "unrelated_persons")]
        assert statuses == ["closed", "open"]

    async def test_token_refusals_are_not_counted(
        self, sessions: async_sessionmaker[AsyncSession], clock: LedgerClock, clean_database: str
    ) -> None:
        refused: Ledger = [
            (
                at,
                LedgerRecord(
                    request_id="r",
                    register="melderegister",
                    outcome=Outcome(outcome),
                    http_status=status,
                    client_id=client,
                ),
            )
            for outcome, status, client in (
                ("unauthenticated", 401, None),
                ("forbidden", 403, "c-x"),
            )
            for at in minutes(SATURDAY_02, 10)
        ]
        await write(sessions, clock, refused)
        assert (await detect(sessions)).as_json() == {"opened": 0, "extended": 0}


class TestCli:
    async def test_hub_audit_anomalies(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: LedgerClock,
        clean_database: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        await _unrelated(sessions, clock, 0, 5)
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_ANOMALY__UNRELATED_PERSONS", "5")
        runner = CliRunner()
        period = ["--since", "2026-03-01T00:00:00Z", "--until", "2026-04-01T00:00:00+02:00"]
        # The command runs its own event loop, as from cron: not inside the test's loop.
        first = await asyncio.to_thread(runner.invoke, cli, ["audit", "anomalies", *period])
        assert first.exit_code == 0, first.output
        assert json.loads(first.stdout) == {"opened": 1, "extended": 0}
        again = await asyncio.to_thread(runner.invoke, cli, ["audit", "anomalies", *period])
        assert json.loads(again.stdout) == {"opened": 0, "extended": 0}
        backwards = await asyncio.to_thread(
            runner.invoke,
            cli,
            ["audit", "anomalies", "--since", "2026-04-01", "--until", "2026-03-01"],
        )
        assert backwards.exit_code == 2
        assert "until must be later than since" in backwards.output


def test_thresholds_validated() -> None:
    with pytest.raises(ValueError, match="time zone"):
        AnomalySettings(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="ISO weekdays"):
        AnomalySettings(office_days=[0])
    assert AnomalySettings(office_hours_end=time(18)).office_hours_end == time(18)


class TestReviewApi:
    @pytest.fixture
    async def case_id(self, app: FastAPI, clock: LedgerClock) -> str:
        await _unrelated(app.state.sessionmaker, clock, 0, 5)
        [opened] = (await detect(app.state.sessionmaker)).opened
        return opened.case_id

    async def test_list_show_close(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        case_id: str,
        clean_database: str,
    ) -> None:
        token = await token_for("meldebehoerde", scopes=["audit:read"])
        dpo = {"Authorization": f"Bearer {token}", "X-User-Id": "dpo.k"}
        listed = await http.get("/v1/audit/reviews", params={"status": "open"}, headers=dpo)
        assert listed.status_code == 200, listed.text
        assert listed.json()["total"] == 1
        assert listed.json()["next"] is None
        assert [case["id"] for case in listed.json()["cases"]] == [case_id]
        shown = await http.get(f"/v1/audit/reviews/{case_id}", headers=dpo)
        assert shown.status_code == 200
        assert len(shown.json()["entries"]) == 5
        assert {e["user_id"] for e in shown.json()["entries"]} == {"u.many"}

        url = f"/v1/audit/reviews/{case_id}/close"
        empty = await http.post(url, json={"note": ""}, headers=dpo)
        assert empty.status_code == 422
        assert empty.headers["content-type"] == "application/problem+json"
        assert empty.json()["errors"] == [
            {"pointer": "/note", "detail": empty.json()["errors"][0]["detail"]}
        ]
        anonymous = await http.post(
            url, json={"note": "ok"}, headers={"Authorization": dpo["Authorization"]}
        )
        assert anonymous.status_code == 422
        assert "X-User-Id" in anonymous.json()["detail"]
        closed = await http.post(url, json={"note": "geprüft, rechtmäßig"}, headers=dpo)
        assert closed.status_code == 200, closed.text
        assert closed.json()["case"]["closed_by"] == "dpo.k"
        again = await http.post(url, json={"note": "noch einmal"}, headers=dpo)
        assert again.status_code == 409
        assert again.json()["type"].endswith("/review-case-closed")
        missing = await http.get("/v1/audit/reviews/no-such-case", headers=dpo)
        assert missing.status_code == 404
        closed_list = await http.get("/v1/audit/reviews?status=closed", headers=dpo)
        assert closed_list.json()["total"] == 1

        audit = [row for row in ledger_rows(clean_database) if row["register"] == "audit"]
        assert [(row["fields_requested"], row["outcome"]) for row in audit] == [
            (["reviews"], "released"),
            (["reviews.case"], "released"),
            (["reviews.close"], "invalid"),
            (["reviews.close"], "invalid"),
            (["reviews.close"], "closed"),
            (["reviews.close"], "conflict"),
            (["reviews.case"], "not_found"),
            (["reviews"], "released"),
        ]
        assert {row["user_id"] for row in audit} - {None} == {"dpo.k"}

    async def test_scopes(
        self, http: httpx.AsyncClient, token_for: TokenFactory, case_id: str, clean_database: str
    ) -> None:
        before = len(ledger_rows(clean_database))
        assert (await http.get("/v1/audit/reviews")).status_code == 401
        token = await token_for("wohngeldstelle")
        headers = {"Authorization": f"Bearer {token}"}
        for response in (
            await http.get("/v1/audit/reviews", headers=headers),
            await http.get(f"/v1/audit/reviews/{case_id}", headers=headers),
            await http.post(
                f"/v1/audit/reviews/{case_id}/close", json={"note": "x"}, headers=headers
            ),
        ):
            assert response.status_code == 403
            assert response.json()["required_scope"] == "audit:read"
        denied = ledger_rows(clean_database)[before:]
        assert [(row["outcome"], row["http_status"]) for row in denied] == [("denied", 403)] * 3
        [case] = cases(clean_database, anomalies.UNRELATED_PERSONS)
        assert case["status"] == "open"

    async def test_bad_status_and_cursor(
        self, http: httpx.AsyncClient, token_for: TokenFactory, case_id: str
    ) -> None:
        token = await token_for("meldebehoerde", scopes=["audit:read"])
        headers = {"Authorization": f"Bearer {token}"}
        bad = await http.get("/v1/audit/reviews?status=pending", headers=headers)
        assert bad.status_code == 422
        assert bad.headers["content-type"] == "application/problem+json"
        cursor = await http.get("/v1/audit/reviews?cursor=!!", headers=headers)
        assert cursor.status_code == 422
        first = await http.get("/v1/audit/reviews?limit=1", headers=headers)
        assert [case["id"] for case in first.json()["cases"]] == [case_id]
