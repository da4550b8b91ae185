"""The DPO's ledger search for daily work: paging, sorting, filters, exports,
the chain check in the background. Over a real ledger, on both databases."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from hub.audit.ledger.reads import ENTRY_COLUMNS
from hub.domain import Outcome
from hub.ui.audit import service as audit_service
from hub.ui.audit.forms import OUTCOME_LABELS
from hub.ui.audit.verify_jobs import VerifyJobs
from tests.fixtures.ledger import ledger_rows, tamper
from tests.fixtures.workbench import Clock, append, csrf_of, make_account, record, sign_in

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def cells(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}"[^>]*>([^<]*)</td>', html)


def link(html: str, element_id: str) -> str | None:
    found = re.search(rf'id="{element_id}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def dpo_reads(database_url: str) -> list[dict[str, Any]]:
    return [row for row in ledger_rows(database_url) if row["register"] == "audit"]


@pytest.fixture
async def dpo(ui_app: FastAPI, browser: httpx.AsyncClient) -> httpx.AsyncClient:
    password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
    assert (await sign_in(browser, "dpo.weber", password)).status_code == 303
    return browser


@pytest.fixture
async def sixty(ui_app: FastAPI, clock: Clock) -> list[str]:
    """60 entries one minute apart over three days (20 a day), users u.e00 (oldest) … u.e59."""
    labels = []
    for index in range(60):
        at = NOON - timedelta(days=2 - index // 20, minutes=-(index % 20))
        label = f"e{index:02d}"
        authority = ("sozialamt", "jugendamt", "wohngeldstelle")[index % 3]
        await append(ui_app.state.sessionmaker, clock, record(label, authority=authority), at=at)
        labels.append(f"u.{label}")
    return labels


class TestPaging:
    async def test_newest_first_last_previous_and_first(
        self, dpo: httpx.AsyncClient, sixty: list[str]
    ) -> None:
        newest = sixty[::-1]
        first = await dpo.get("/ui/audit", params={"limit": "25"})
        assert cells(first.text, "user") == newest[:25]  # today at once, no clicking
        assert link(first.text, "previous-page") is None
        last_url = link(first.text, "last-page")
        assert last_url is not None
        last = await dpo.get(last_url)
        assert cells(last.text, "user") == newest[-25:]
        assert link(last.text, "next-page") is None
        previous_url = link(last.text, "previous-page")
        assert previous_url is not None
        middle = await dpo.get(previous_url)
        assert cells(middle.text, "user") == newest[10:35]
        following = await dpo.get(str(link(middle.text, "next-page")))
        assert cells(following.text, "user") == newest[35:60]
        back = await dpo.get(str(link(middle.text, "first-page")))
        assert cells(back.text, "user") == newest[:25]

    async def test_jump_to_a_day_in_both_directions(
        self, dpo: httpx.AsyncClient, sixty: list[str]
    ) -> None:
        day = (NOON - timedelta(days=1)).strftime("%d.%m.%Y")
        newest = await dpo.get("/ui/audit", params={"at": day, "limit": "25"})
        assert cells(newest.text, "user")[:20] == sixty[20:40][::-1]
        assert link(newest.text, "previous-page") is not None  # today is before it
        oldest = await dpo.get("/ui/audit", params={"at": day, "dir": "asc", "limit": "25"})
        assert cells(oldest.text, "user")[:20] == sixty[20:40]
        refused = await dpo.get("/ui/audit", params={"at": "gestern"})
        assert refused.status_code == 400
        assert "Gehe zu Tag: kein Datum (TT.MM.JJJJ)" in refused.text

    async def test_a_forged_cursor_is_refused_by_name(self, dpo: httpx.AsyncClient) -> None:
        page = await dpo.get("/ui/audit", params={"cursor": "bm90LWEtY3Vyc29y"})
        assert page.status_code == 400
        assert "Seite: keine Seite dieser Suche." in page.text


class TestSorting:
    async def test_each_column_sorts_and_pages_without_gaps(
        self, dpo: httpx.AsyncClient, sixty: list[str]
    ) -> None:
        seen: list[str] = []
        url: str | None = "/ui/audit?sort=authority&dir=asc&limit=25"
        while url is not None:
            page = await dpo.get(url)
            assert 'aria-sort="ascending"' in page.text
            seen += re.findall(r'<td class="authority" data-code="([^"]*)"', page.text)
            url = link(page.text, "next-page")
        assert seen == ["jugendamt"] * 20 + ["sozialamt"] * 20 + ["wohngeldstelle"] * 20
        for key in ("time", "purpose", "outcome", "register"):
            page = await dpo.get("/ui/audit", params={"sort": key, "dir": "desc"})
            assert page.status_code == 200
            assert f'id="sort-{key}"' in page.text
        wrong = await dpo.get("/ui/audit", params={"sort": "entry_hash"})
        assert wrong.status_code == 400


class TestFilters:
    async def test_case_reference_column_and_filter_ignore_case(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock
    ) -> None:
        await append(ui_app.state.sessionmaker, clock, record("c1", case_reference="WG-2026-0042"))
        await append(ui_app.state.sessionmaker, clock, record("c2", case_reference="WG-2026-0043"))
        page = await dpo.get("/ui/audit", params={"case": "wg-2026-0042"})
        assert cells(page.text, "case") == ["WG-2026-0042"]
        assert cells(page.text, "user") == ["u.c1"]

    async def test_choices_are_the_catalogue_s_titles_matched_in_any_case(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        await append(
            ui_app.state.sessionmaker,
            clock,
            record("w1", authority="wohngeldstelle", purpose="wohngeld_antrag"),
        )
        await append(ui_app.state.sessionmaker, clock, record("s1"))
        form = await dpo.get("/ui/audit")
        assert '<option value="wohngeld_antrag" >Wohngeldantrag</option>' in form.text
        assert '<option value="melderegister" >' in form.text
        for typed in ("WOHNGELD_ANTRAG", "wohngeldantrag"):
            page = await dpo.get("/ui/audit", params={"purpose": typed})
            assert cells(page.text, "user") == ["u.w1"]
            assert '<option value="wohngeld_antrag" selected>' in page.text
        unknown = await dpo.get("/ui/audit", params={"purpose": "wohngeld"})
        assert unknown.status_code == 400
        assert "Zweck: wählen Sie einen Eintrag der Liste." in unknown.text
        reads = dpo_reads(clean_database)
        assert "filter:purpose=wohngeld_antrag" in reads[-1]["reasons"]

    def test_every_outcome_has_a_label_in_the_enum_s_order(self) -> None:
        # A new Outcome member without a label would be missing from the outcome filter.
        assert list(OUTCOME_LABELS) == list(Outcome)

    async def test_every_outcome_is_offered(self, dpo: httpx.AsyncClient) -> None:
        page = await dpo.get("/ui/audit")
        offered = re.findall(r'<option value="(\w+)" >', page.text.split('id="f-outcome"')[1])
        assert offered[: len(OUTCOME_LABELS)] == list(OUTCOME_LABELS)
        for outcome in ("unauthenticated", "forbidden", "upstream_error", "refused_aggregated"):
            assert outcome in offered

    async def test_the_filters_stay_in_the_address(
        self, dpo: httpx.AsyncClient, sixty: list[str]
    ) -> None:
        page = await dpo.get("/ui/audit", params={"authority": "jugendamt", "limit": "25"})
        following = link(page.text, "next-page")
        assert following is None  # 20 Jugendamt entries: one page
        sort = parse_qs(urlsplit(str(link(page.text, "sort-time"))).query)
        assert sort["authority"] == ["jugendamt"]
        assert sort["dir"] == ["asc"]  # the heading turns the current order round


class TestExports:
    async def test_csv_of_the_whole_result_is_recorded_as_a_read(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, sixty: list[str], clean_database: str
    ) -> None:
        page = await dpo.get("/ui/audit", params={"authority": "sozialamt", "limit": "25"})
        exported = await dpo.get(str(link(page.text, "export-csv")))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.text)))
        assert rows[0] == list(ENTRY_COLUMNS)
        assert len(rows) == 1 + 20  # the whole result, not the page shown
        assert {row[ENTRY_COLUMNS.index("authority")] for row in rows[1:]} == {"sozialamt"}
        read = dpo_reads(clean_database)[-1]
        assert read["fields_requested"] == ["ui.entries.csv"]
        assert "filter:authority=sozialamt" in read["reasons"]
        assert read["user_id"] == "dpo.weber"

    async def test_signed_json_verifies_with_the_hub_s_key_and_a_changed_byte_fails(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, sixty: list[str], clean_database: str
    ) -> None:
        exported = await dpo.get("/ui/audit/export.json", params={"authority": "jugendamt"})
        assert exported.status_code == 200
        body = exported.json()
        keys = KeySet.import_key_set((await dpo.get("/.well-known/jwks.json")).json())
        signed = jws.deserialize_compact(body["jws"], keys, algorithms=["ES256"])
        document = json.loads(signed.payload)
        assert document["total"] == body["total"] == 20
        assert document["filters"] == {"authority": "jugendamt", "reads": "excluded"}
        assert document["exported_by"] == "ui-workbench:dpo.weber"
        assert {entry["authority"] for entry in document["entries"]} == {"jugendamt"}
        header, payload, signature = body["jws"].split(".")
        tampered = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
        with pytest.raises(JoseError):
            jws.deserialize_compact(f"{header}.{tampered}.{signature}", keys, algorithms=["ES256"])
        assert dpo_reads(clean_database)[-1]["fields_requested"] == ["ui.entries.export"]

    async def test_an_export_beyond_the_bound_is_refused_and_recorded(
        self,
        dpo: httpx.AsyncClient,
        sixty: list[str],
        clean_database: str,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(audit_service, "MAX_EXPORT", 59)
        refused = await dpo.get("/ui/audit/export.json")
        assert refused.status_code == 400
        assert "Export: 60 Einträge; höchstens 59 auf einmal." in refused.text
        read = dpo_reads(clean_database)[-1]
        assert (read["fields_requested"], read["outcome"]) == (["ui.entries.export"], "denied")

    async def test_an_export_with_bad_filters_reads_nothing(
        self, dpo: httpx.AsyncClient, clean_database: str
    ) -> None:
        refused = await dpo.get("/ui/audit/export.csv", params={"from": "gestern"})
        assert refused.status_code == 400
        assert dpo_reads(clean_database) == []


class TestVerificationInTheBackground:
    async def test_starts_at_once_reports_progress_then_the_result(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        for label in ("v1", "v2", "v3"):
            await append(ui_app.state.sessionmaker, clock, record(label))
        page = await dpo.get("/ui/audit/chain")
        started = await dpo.post(
            "/ui/audit/chain/runs",
            data={"csrf_token": csrf_of(page.text)},
            headers={"HX-Request": "true"},
        )
        # The answer comes before the walk: a fragment that polls its progress.
        assert 'id="chain-progress"' in started.text
        job_id = re.search(r'data-job="([^"]+)"', started.text)
        assert job_id is not None
        assert f'hx-get="/ui/audit/chain/runs/{job_id.group(1)}"' in started.text
        assert 'hx-trigger="every 1s"' in started.text
        job = ui_app.state.verify_jobs.get(job_id.group(1))
        await job.task
        done = await dpo.get(f"/ui/audit/chain/runs/{job_id.group(1)}")
        assert 'data-ok="true"' in done.text
        assert '<strong id="chain-entries">4</strong>' in done.text  # and the read that started it
        assert "hx-trigger" not in done.text  # finished: no more polling
        assert [r["fields_requested"] for r in dpo_reads(clean_database)] == [["ui.verify"]]

    async def test_a_tampered_entry_is_named_and_no_csrf_no_run(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        for label in ("t1", "t2", "t3"):
            await append(ui_app.state.sessionmaker, clock, record(label))
        refused = await dpo.post("/ui/audit/chain/runs", data={"csrf_token": "forged"})
        assert refused.status_code in {400, 403}
        assert dpo_reads(clean_database) == []
        tamper(clean_database, "UPDATE ledger_entries SET purpose = 'hundesteuer' WHERE seq = 2")
        page = await dpo.get("/ui/audit/chain")
        started = await dpo.post("/ui/audit/chain/runs", data={"csrf_token": csrf_of(page.text)})
        assert started.status_code == 303
        job_id = started.headers["location"].split("job=")[1]
        await ui_app.state.verify_jobs.get(job_id).task
        done = await dpo.get(started.headers["location"])
        assert 'data-ok="false"' in done.text
        assert '<strong id="broken-seq">2</strong>' in done.text
        forgotten = await dpo.get("/ui/audit/chain/runs/00000000-0000-0000-0000-000000000000")
        assert 'id="chain-missing"' in forgotten.text


async def test_a_second_start_joins_the_running_verification(ui_app: FastAPI, clock: Clock) -> None:
    await append(ui_app.state.sessionmaker, clock, record("j1"))
    jobs = VerifyJobs()
    key_dir = ui_app.state.settings.key_dir
    first = await jobs.start(ui_app.state.sessionmaker, key_dir=key_dir, started_by="dpo.a")
    second = await jobs.start(ui_app.state.sessionmaker, key_dir=key_dir, started_by="dpo.b")
    assert second is first  # nothing was walked twice
    assert first.task is not None
    await first.task
    assert first.report == {"ok": True, "entries": 1}
    third = await jobs.start(ui_app.state.sessionmaker, key_dir=key_dir, started_by="dpo.b")
    assert third is not first  # the first is done: a new walk
    assert third.task is not None
    await third.task
