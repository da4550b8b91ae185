"""Duties that run: due/overdue transitions, retention in the mirrored Melderegister, proof."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from adapters.melderegister import MelderegisterAdapter
from adapters.melderegister.tables import MrPerson
from governance import duties as rules
from governance.duties import DutyStatus
from hub.cli import app as cli
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from tests.fixtures.catalogue_api import READ, WRITE, bearer
from tests.fixtures.catalogue_factories import CatalogueBuilder, catalogue
from tests.fixtures.duties import GRACE, MELDE, scheduler_for
from tests.fixtures.factories import import_persons, person
from tests.fixtures.tokens import TokenFactory

TODAY = date(2027, 3, 1)


class TestSchedulingRules:
    def test_scheduled_before_due_date(self) -> None:
        status = rules.status_on(due_on=TODAY, today=TODAY - timedelta(days=1), grace_days=GRACE)
        assert status is DutyStatus.SCHEDULED

    def test_due_on_and_within_grace(self) -> None:
        for offset in (0, GRACE):
            day = TODAY + timedelta(days=offset)
            assert rules.status_on(due_on=TODAY, today=day, grace_days=GRACE) is DutyStatus.DUE

    def test_overdue_after_grace(self) -> None:
        day = TODAY + timedelta(days=GRACE + 1)
        assert rules.status_on(due_on=TODAY, today=day, grace_days=GRACE) is DutyStatus.OVERDUE

    def test_transitions_only_move_forward(self) -> None:
        late = TODAY + timedelta(days=GRACE + 1)
        move = rules.transition(current="scheduled", due_on=TODAY, today=late, grace_days=GRACE)
        assert move is not None
        assert (move.before, move.after) == (DutyStatus.SCHEDULED, DutyStatus.OVERDUE)
        assert move.outcome == "marked_overdue"
        assert rules.transition(current="overdue", due_on=TODAY, today=TODAY, grace_days=0) is None
        assert rules.transition(current="done", due_on=TODAY, today=late, grace_days=0) is None

    def test_recurring_duty_is_next_due_one_interval_after_the_work(self) -> None:
        late = rules.complete(due_on=TODAY, done_on=TODAY + timedelta(days=5), interval_days=30)
        assert (late.status, late.due_on) == (DutyStatus.SCHEDULED, TODAY + timedelta(days=35))
        early = rules.complete(due_on=TODAY, done_on=TODAY - timedelta(days=5), interval_days=30)
        assert early.due_on == TODAY + timedelta(days=30)

    def test_one_off_duty_is_done(self) -> None:
        done = rules.complete(due_on=TODAY, done_on=TODAY, interval_days=None)
        assert done.status is DutyStatus.DONE


def _records(database_url: str) -> dict[str, dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(MrPerson.person_id, MrPerson.record))
            return {row.person_id: dict(row.record) for row in rows}
    finally:
        engine.dispose()


def _gone(day: str) -> dict[str, Any]:
    """Overrides for a person who moved away on ``day`` (no current address)."""
    address = person("x")["addresses"][0] | {"moved_out": day}
    return {"moved_away": {"date": day, "to_city": "Berlin"}, "addresses": [address]}


def _section_3_abs_2_data() -> dict[str, Any]:
    """BMG §3 Abs. 2 data the mirror holds (Nr. 1, 3, 4, 7, 8, 9, 10)."""
    return {
        "vote_excl": {"since": "2020-01-01", "basis": "BWahlG §13"},
        "vbm": "VBM-123",
        "passport_denial": {"since": "2021-02-01", "basis": "PassG §7"},
        "weapons": {
            "kind": "waffenbesitzkarte",
            "authority": "Waffenbehörde",
            "issued": "2019-03-01",
        },
        "explosives": {"kind": "erlaubnis_20", "authority": "RP Darmstadt", "issued": "2018-04-01"},
        "residence_queries": [{"date": "2026-01-10", "requester": "Amtsgericht"}],
        "landlord": {"name": "Hausverwaltung Nord", "address": "Rheinstraße 1, Darmstadt"},
    }


def _document(serial: str, valid_until: date) -> dict[str, str]:
    return {
        "kind": "personalausweis",
        "authority": "Stadt Darmstadt",
        "issued": (valid_until - timedelta(days=3650)).isoformat(),
        "valid_until": valid_until.isoformat(),
        "serial": serial,
    }


class TestStatusMarking:
    async def test_due_and_overdue_are_marked_once_per_day(
        self,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        review = builder.duty(register=MELDE, dataset="person", kind="review", due_on=TODAY)
        late = builder.duty(
            register=MELDE, dataset="person", kind="quality_check", due_on=TODAY - timedelta(40)
        )
        later = builder.duty(
            register=MELDE, dataset="person", kind="open_data", due_on=TODAY + timedelta(1)
        )
        report = await scheduler_for(sessions, register).run(today=TODAY)
        assert builder.duty_row(review).status == "due"
        assert builder.duty_row(late).status == "overdue"
        assert builder.duty_row(later).status == "scheduled"
        assert report.as_json()["counts"] == {"marked_due": 1, "marked_overdue": 1}
        [run] = builder.runs(review)
        assert (run.actor, run.outcome) == ("scheduler", "marked_due")
        assert run.proof["due_on"] == TODAY.isoformat()
        again = await scheduler_for(sessions, register).run(today=TODAY)
        assert again.runs == []
        assert len(builder.runs(review)) == 1

    async def test_a_due_duty_becomes_overdue_after_the_grace_period(
        self,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        review = builder.duty(register=MELDE, dataset="person", kind="review", due_on=TODAY)
        await scheduler_for(sessions, register).run(today=TODAY)
        await scheduler_for(sessions, register).run(today=TODAY + timedelta(days=GRACE + 1))
        assert builder.duty_row(review).status == "overdue"
        assert [run.outcome for run in builder.runs(review)] == ["marked_due", "marked_overdue"]


class TestRetention:
    @pytest.fixture
    def population(self, clean_database: str) -> None:
        long_ago = date(TODAY.year - 2, 6, 30).isoformat()
        last_year = date(TODAY.year - 1, 6, 30).isoformat()
        expired = TODAY - timedelta(days=5 * 366 + 10)
        recent = TODAY - timedelta(days=4 * 365)
        import_persons(
            clean_database,
            [
                person("p-gone", religion="rk", elstam={"k": "v"}, **_gone(long_ago)),
                person("p-gone-late", religion="ev", **_gone(last_year)),
                person(
                    "p-dead",
                    religion="rk",
                    death={"date": long_ago, "place": None, "country": None},
                ),
                person("p-here", religion="rk"),
                person(
                    "p-docs",
                    id_docs=[_document("AB12345", expired), _document("CD67890", recent)],
                ),
            ],
        )

    @pytest.mark.usefixtures("population")
    async def test_religion_rule_deletes_exactly_the_due_data_with_proof(
        self,
        clean_database: str,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        duty = builder.duty(
            register=MELDE,
            dataset="person",
            due_on=TODAY,
            interval_days=30,
            params={"rule": "bmg14_religion_elstam"},
        )
        before = _records(clean_database)
        report = await scheduler_for(sessions, register).run(today=TODAY)
        after = _records(clean_database)
        assert after["p-gone"]["religion"] is None
        assert after["p-gone"]["elstam"] is None
        assert after["p-dead"]["religion"] is None
        for kept in ("p-gone-late", "p-here"):
            assert after[kept] == before[kept]
        assert {
            key: value
            for key, value in after["p-gone"].items()
            if key not in {"religion", "elstam"}
        } == {
            key: value
            for key, value in before["p-gone"].items()
            if key not in {"religion", "elstam"}
        }
        assert [run["outcome"] for run in report.runs] == ["marked_due", "done"]
        done = builder.runs(duty)[-1]
        assert done.outcome == "done"
        assert done.proof["rule"] == "bmg14_religion_elstam"
        assert done.proof["cutoff"] == date(TODAY.year - 1, 1, 1).isoformat()
        assert (done.proof["changed"], done.proof["removed"]) == (2, 3)
        assert done.proof["legal_reference"] == "BMG §14 Abs. 2"
        assert "rk" not in str(done.proof)
        state = builder.duty_row(duty)
        assert (state.status, state.due_on) == ("scheduled", TODAY + timedelta(days=30))
        again = await scheduler_for(sessions, register).run(today=TODAY)
        assert again.runs == []
        assert len(builder.runs(duty)) == 2

    @pytest.mark.usefixtures("population")
    async def test_id_document_rule_drops_only_documents_expired_five_years(
        self,
        clean_database: str,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        duty = builder.duty(
            register=MELDE, dataset="person", due_on=TODAY, params={"rule": "bmg14_id_docs"}
        )
        await scheduler_for(sessions, register).run(today=TODAY)
        documents = _records(clean_database)["p-docs"]["id_docs"]
        assert [document["serial"] for document in documents] == ["CD67890"]
        done = builder.runs(duty)[-1]
        assert (done.outcome, done.proof["removed"], done.proof["unit"]) == (
            "done",
            1,
            "id_documents",
        )
        assert done.proof["examined"] == 5
        assert builder.duty_row(duty).status == "done"

    async def test_other_data_rule_clears_what_13_abs1_does_not_keep_after_30_days(
        self,
        clean_database: str,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        def day(days_ago: int) -> str:
            return (TODAY - timedelta(days=days_ago)).isoformat()

        def dead(days_ago: int) -> dict[str, Any]:
            return {"death": {"date": day(days_ago), "place": None, "country": None}}

        import_persons(
            clean_database,
            [
                person("p-dead-30", **dead(30), **_section_3_abs_2_data()),
                person("p-dead-29", **dead(29), **_section_3_abs_2_data()),
                person("p-gone-30", **_gone(day(30)), **_section_3_abs_2_data()),
                person("p-gone-29", **_gone(day(29)), **_section_3_abs_2_data()),
                person("p-here", **_section_3_abs_2_data()),
            ],
        )
        duty = builder.duty(
            register=MELDE,
            dataset="person",
            due_on=TODAY,
            interval_days=1,
            params={"rule": "bmg14_other_data"},
        )
        before = _records(clean_database)
        await scheduler_for(sessions, register).run(today=TODAY)
        after = _records(clean_database)
        death_cleared: dict[str, Any] = {
            "vbm": None,
            "passport_denial": None,
            "weapons": None,
            "explosives": None,
            "residence_queries": [],
            "landlord": None,
        }
        assert after["p-dead-30"] == before["p-dead-30"] | death_cleared
        # After a Wegzug §13 Abs. 1 S. 3 keeps the Nr. 4, 7, 8 facts; Nr. 9 has its own limit.
        assert after["p-gone-30"] == before["p-gone-30"] | {"vbm": None, "landlord": None}
        for kept in ("p-dead-29", "p-gone-29", "p-here"):
            assert after[kept] == before[kept]
        # §13 Abs. 1 data and the Wahlrecht data (§13 Abs. 1 S. 2) stay.
        assert after["p-dead-30"]["vote_excl"] == before["p-dead-30"]["vote_excl"]
        done = builder.runs(duty)[-1]
        assert done.outcome == "done"
        assert done.proof["rule"] == "bmg14_other_data"
        assert done.proof["legal_reference"] == "BMG §14 Abs. 2 S. 4"
        assert done.proof["cutoff"] == day(30)
        assert (done.proof["changed"], done.proof["removed"], done.proof["unit"]) == (
            2,
            8,
            "fields_cleared",
        )
        assert "Hausverwaltung" not in str(done.proof)
        assert builder.duty_row(duty).due_on == TODAY + timedelta(days=1)
        again = await scheduler_for(sessions, register).run(today=TODAY + timedelta(days=1))
        assert [run["outcome"] for run in again.runs] == ["marked_due", "done"]
        # A day later the two 29-day cases are due; the cleared ones are not counted again.
        next_day = builder.runs(duty)[-1].proof
        assert (next_day["changed"], next_day["removed"]) == (2, 8)
        assert _records(clean_database)["p-dead-29"] == before["p-dead-29"] | death_cleared

    @pytest.mark.usefixtures("population")
    async def test_concurrent_runs_execute_a_duty_once(
        self,
        clean_database: str,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        duty = builder.duty(
            register=MELDE, dataset="person", due_on=TODAY, params={"rule": "bmg14_id_docs"}
        )
        other_engine = create_hub_engine(clean_database)
        try:
            first = scheduler_for(sessions, register)
            second = scheduler_for(create_sessionmaker(other_engine), register)
            await asyncio.gather(first.run(today=TODAY), second.run(today=TODAY))
        finally:
            await other_engine.dispose()
        outcomes = [run.outcome for run in builder.runs(duty)]
        assert sorted(outcomes) == ["done", "marked_due"], [r.proof for r in builder.runs(duty)]

    async def test_unmirrored_register_or_unknown_rule_is_left_to_the_steward(
        self,
        builder: CatalogueBuilder,
        sessions: async_sessionmaker[AsyncSession],
        register: MelderegisterAdapter,
    ) -> None:
        foreign = builder.duty(
            register="fremdregister", dataset="eintraege", due_on=TODAY, params={"rule": "x"}
        )
        unknown = builder.duty(
            register=MELDE, dataset="person", due_on=TODAY, params={"rule": "no_such_rule"}
        )
        bare = builder.duty(register=MELDE, dataset="person", due_on=TODAY)
        await scheduler_for(sessions, register).run(today=TODAY)
        reasons = {
            duty: builder.runs(duty)[-1].proof["reason"] for duty in (foreign, unknown, bare)
        }
        assert reasons == {foreign: "not_mirrored", unknown: "rule_not_supported", bare: "no_rule"}
        for duty in (foreign, unknown, bare):
            assert builder.duty_row(duty).status == "due"
            assert [run.outcome for run in builder.runs(duty)] == ["marked_due", "manual"]
        await scheduler_for(sessions, register).run(today=TODAY)
        assert len(builder.runs(foreign)) == 2  # once a day
        await scheduler_for(sessions, register).run(today=TODAY + timedelta(days=1))
        assert [run.outcome for run in builder.runs(foreign)][-1] == "manual"
        assert len(builder.runs(foreign)) == 3


class TestCommand:
    def test_duties_run_from_cron_prints_a_report(
        self,
        builder: CatalogueBuilder,
        clean_database: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        duty = builder.duty(register=MELDE, dataset="person", kind="review", due_on=TODAY)
        result = CliRunner().invoke(cli, ["duties", "run", "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        assert '"marked_due": 1' in result.output
        assert builder.duty_row(duty).status == "due"
        bad = CliRunner().invoke(cli, ["duties", "run", "--today", "01.03.2027"])
        assert bad.exit_code == 2


class TestDoneApi:
    async def test_steward_marks_a_duty_done_with_history(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        with catalogue(clean_database) as built:
            built.register("testregister")
            built.dataset("testregister", "daten")
            duty = built.duty(
                register="testregister",
                dataset="daten",
                kind="review",
                due_on=TODAY,
                interval_days=365,
            )
            steward = await token_for("meldebehoerde", scopes=WRITE)
            response = await http.post(
                f"/v1/catalogue/duties/{duty}/done",
                json={"note": "Jahresprüfung erledigt"},
                headers=bearer(steward),
            )
            assert response.status_code == 200, response.text
            body = response.json()
            assert body["status"] == "scheduled"
            [run] = built.runs(duty)
            assert run.outcome == "done"
            assert run.actor.startswith("meldebehoerde")
            [change] = built.changes(f"duty:{duty}")
            assert change["action"] == "duty.done"
            assert change["reason"] == "Jahresprüfung erledigt"
            assert change["revision"] == body["revision"]
            assert built.duty_row(duty).due_on == date.fromisoformat(body["due_on"])

    async def test_done_needs_write_scope_a_note_and_a_known_open_duty(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        with catalogue(clean_database) as built:
            built.register("testregister")
            built.dataset("testregister", "daten")
            duty = built.duty(register="testregister", dataset="daten", kind="review", due_on=TODAY)
            reader = await token_for("meldebehoerde", scopes=READ)
            writer = await token_for("meldebehoerde", scopes=WRITE)
            url = f"/v1/catalogue/duties/{duty}/done"
            refused = await http.post(url, json={"note": "x"}, headers=bearer(reader))
            assert refused.status_code == 403
            assert refused.headers["content-type"].startswith("application/problem+json")
            blank = await http.post(url, json={"note": "  "}, headers=bearer(writer))
            assert blank.status_code == 422
            unknown = await http.post(
                "/v1/catalogue/duties/999999/done", json={"note": "x"}, headers=bearer(writer)
            )
            assert unknown.status_code == 404
            assert unknown.json()["type"].endswith("/duty-not-found")
            first = await http.post(url, json={"note": "erledigt"}, headers=bearer(writer))
            assert first.status_code == 200
            second = await http.post(url, json={"note": "nochmal"}, headers=bearer(writer))
            assert second.status_code == 409
            assert built.runs(duty)[0].outcome == "done"
            assert len(built.runs(duty)) == 1
