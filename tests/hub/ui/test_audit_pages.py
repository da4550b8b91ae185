"""/ui/audit over a real ledger: search, entry detail, chain status, cases, charts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from hub.models import LedgerEntry, LedgerPersonRef
from tests.fixtures.ledger import ledger_rows, table_rows, tamper
from tests.fixtures.workbench import (
    Clock,
    append,
    csrf_of,
    make_account,
    open_case,
    record,
    sign_in,
    verified,
)

TODAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


def cells(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}"[^>]*>([^<]*)</td>', html)


def codes(html: str, css_class: str) -> list[str]:
    """The codes behind the titles a column shows (``data-code``)."""
    return re.findall(rf'<td class="{css_class}[^"]*" data-code="([^"]*)"', html)


@pytest.fixture
async def dpo(ui_app: FastAPI, browser: httpx.AsyncClient) -> httpx.AsyncClient:
    password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
    assert (await sign_in(browser, "dpo.weber", password)).status_code == 303
    return browser


class TestSearch:
    async def test_filters_show_exactly_the_matching_entries_and_are_ledgered(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        await append(ui_app.state.sessionmaker, clock, record("a1", authority="sozialamt"))
        await append(
            ui_app.state.sessionmaker,
            clock,
            record("a2", authority="jugendamt", purpose="sgb8_hilfe"),
        )
        await append(
            ui_app.state.sessionmaker, clock, record("a3", authority="sozialamt", outcome="denied")
        )
        page = await dpo.get("/ui/audit", params={"authority": "sozialamt"})
        assert page.status_code == 200
        assert codes(page.text, "authority") == ["sozialamt", "sozialamt"]  # newest first
        # Catalogue titles instead of codes, German words instead of outcome codes.
        assert (
            cells(page.text, "authority")
            == ["Wissenschaftsstadt Darmstadt, Sozialamt (SGB XII, AsylbLG)"] * 2
        )
        assert "Sozialhilfe (SGB XII)" in cells(page.text, "purpose")[0]
        assert cells(page.text, "user") == ["u.a3", "u.a1"]
        assert codes(page.text, "outcome") == ["denied", "released"]
        assert re.findall(r'outcome-\w+" data-code="\w+">([^<]+)<', page.text) == [
            "abgelehnt",
            "übermittelt",
        ]
        assert cells(page.text, "fields") == ["name, addresses", "name, addresses"]
        assert "<strong>2</strong> passende Einträge" in page.text
        reads = [row for row in ledger_rows(clean_database) if row["register"] == "audit"]
        assert [row["user_id"] for row in reads] == ["dpo.weber"]
        assert reads[0]["fields_requested"] == ["ui.entries"]
        assert reads[0]["reasons"] == ["filter:authority=sozialamt", "filter:reads=excluded"]
        assert reads[0]["client_id"] == "ui-workbench"

    async def test_htmx_gets_only_the_result_table(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock
    ) -> None:
        await append(ui_app.state.sessionmaker, clock, record("b1"))
        page = await dpo.get(
            "/ui/audit",
            params={"person": "P-1"},
            headers={"HX-Request": "true", "HX-Target": "results"},
        )
        assert page.text.lstrip().startswith('<section id="results"')
        assert cells(page.text, "user") == ["u.b1"]

    async def test_day_range_and_paging(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock
    ) -> None:
        for index in range(27):
            at = TODAY - timedelta(days=1, seconds=-index)
            await append(ui_app.state.sessionmaker, clock, record(f"p{index:02d}"), at=at)
        await append(ui_app.state.sessionmaker, clock, record("old"), at=TODAY - timedelta(days=5))
        day = (TODAY - timedelta(days=1)).date().strftime("%d.%m.%Y")  # typed the German way
        first = await dpo.get("/ui/audit", params={"from": day, "to": day, "limit": "25"})
        assert "<strong>27</strong> passende Einträge" in first.text
        assert len(cells(first.text, "user")) == 25
        following = re.search(r'id="next-page" href="([^"]+)"', first.text)
        assert following is not None
        second = await dpo.get(following.group(1).replace("&amp;", "&"))
        assert cells(second.text, "user") == ["u.p01", "u.p00"]  # newest first

    async def test_bad_filters_are_named_and_nothing_is_read(
        self, dpo: httpx.AsyncClient, clean_database: str
    ) -> None:
        page = await dpo.get("/ui/audit", params={"from": "yesterday", "limit": "7"})
        assert page.status_code == 400
        assert "Von: kein Datum (TT.MM.JJJJ)" in page.text
        assert "Pro Seite: eines von 25, 50, 100" in page.text
        assert [r for r in ledger_rows(clean_database) if r["register"] == "audit"] == []


class TestPersonSearch:
    async def test_disclosures_apart_from_the_dpo_s_own_reads(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        await append(ui_app.state.sessionmaker, clock, record("d1"))  # about P-1
        for _ in range(3):  # each search is recorded as a read about P-1
            page = await dpo.get("/ui/audit", params={"person": "P-1"})
            assert cells(page.text, "user") == ["u.d1"]
            assert "<strong>1</strong> passender Eintrag" in page.text
        reads = await dpo.get("/ui/audit", params={"person": "P-1", "scope": "reads"})
        assert codes(reads.text, "register") == ["audit"] * 3
        assert set(cells(reads.text, "user")) == {"dpo.weber"}
        both = await dpo.get("/ui/audit", params={"person": "P-1", "scope": "all"})
        assert len(cells(both.text, "user")) == 5
        refs = table_rows(clean_database, LedgerPersonRef.__table__)
        assert sorted(ref["register"] for ref in refs) == ["audit"] * 5 + ["melderegister"]

    @pytest.mark.parametrize("typed", ["Müller", "Schmidt"])
    async def test_what_is_no_person_id_is_refused_before_it_is_stored(
        self,
        ui_app: FastAPI,
        dpo: httpx.AsyncClient,
        clock: Clock,
        clean_database: str,
        typed: str,
    ) -> None:
        await append(ui_app.state.sessionmaker, clock, record("n1"))
        page = await dpo.get("/ui/audit", params={"person": typed})
        assert page.status_code == 400
        assert 'id="filter-errors"' in page.text
        assert 'id="entries"' not in page.text
        rows = ledger_rows(clean_database)
        assert typed not in str(rows)
        assert typed not in str(table_rows(clean_database, LedgerPersonRef.__table__))
        reads = [row for row in rows if row["register"] == "audit"]
        if typed == "Müller":  # not even the form of an id: nothing read, nothing recorded
            assert reads == []
        else:  # an id no disclosure knows: the refused read is recorded without it
            assert [(r["outcome"], r["hit_person_ids"]) for r in reads] == [("denied", [])]
            assert "filter:person=refused" in reads[0]["reasons"]


class TestEntryDetail:
    async def test_shows_reasons_legal_basis_revisions_and_hashes(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        entry_id = await append(ui_app.state.sessionmaker, clock, record("e1"))
        page = await dpo.get(f"/ui/audit/entries/{entry_id}")
        assert page.status_code == 200
        html = page.text
        assert "<li>purpose_allowed</li>" in html
        assert "<li>field_not_allowed:religion</li>" in html
        assert "<li>BMG §37</li>" in html
        assert "<li>SGB XII §118</li>" in html
        assert '<dd id="d-policy">rev-test</dd>' in html
        assert '<dd id="d-catalogue">7</dd>' in html
        [row] = [r for r in ledger_rows(clean_database) if r["entry_id"] == entry_id]
        assert row["entry_hash"] in html
        assert '<ul id="d-fields-withheld"><li>religion</li></ul>' in html

    async def test_unknown_entry_is_404(self, dpo: httpx.AsyncClient) -> None:
        page = await dpo.get("/ui/audit/entries/00000000-0000-0000-0000-000000000000")
        assert page.status_code == 404
        assert "Protokolleintrag nicht gefunden" in page.text


class TestChainStatus:
    async def test_ok_then_tampered_names_the_broken_seq(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        for label in ("c1", "c2", "c3"):
            await append(ui_app.state.sessionmaker, clock, record(label))
        page = await verified(ui_app, dpo)
        assert 'data-ok="true"' in page
        assert '<strong id="chain-entries">4</strong>' in page  # and the read that started it
        table = LedgerEntry.__tablename__
        tamper(clean_database, f"UPDATE {table} SET purpose = 'hundesteuer' WHERE seq = 2")
        page = await verified(ui_app, dpo)
        assert 'data-ok="false"' in page
        assert '<strong id="broken-seq">2</strong>' in page
        assert "entry altered" in page


class TestReviewCases:
    async def test_list_open_close_with_note(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock, clean_database: str
    ) -> None:
        entry_ids = [
            await append(ui_app.state.sessionmaker, clock, record(f"r{n}")) for n in range(3)
        ]
        case_id = await open_case(ui_app.state.sessionmaker, entry_ids=entry_ids)
        listing = await dpo.get("/ui/audit/cases")
        assert f'data-case-id="{case_id}"' in listing.text
        detail = await dpo.get(f"/ui/audit/cases/{case_id}")
        assert "u.bulk queried 3 unrelated persons" in detail.text
        refused = await dpo.post(
            f"/ui/audit/cases/{case_id}/close",
            data={"note": "  ", "csrf_token": csrf_of(detail.text)},
        )
        assert refused.status_code == 422
        assert "a closing note is required" in refused.text
        forged = await dpo.post(
            f"/ui/audit/cases/{case_id}/close", data={"note": "ok", "csrf_token": "nope"}
        )
        assert forged.status_code == 403
        closed = await dpo.post(
            f"/ui/audit/cases/{case_id}/close",
            data={"note": "Checked with Sozialamt: lawful", "csrf_token": csrf_of(detail.text)},
        )
        assert closed.status_code == 303
        page = await dpo.get(closed.headers["location"])
        assert '<dd id="case-status">abgeschlossen</dd>' in page.text
        assert '<span id="case-closed-by">dpo.weber</span>' in page.text
        assert "Checked with Sozialamt: lawful" in page.text
        closes = [r for r in ledger_rows(clean_database) if r["kind"] == "review"]
        assert [r["outcome"] for r in closes] == ["invalid", "closed"]
        assert closes[-1]["user_id"] == "dpo.weber"
        assert "lawful" not in str(closes)  # the note stays in the case


class TestCharts:
    async def test_one_bar_segment_per_day_and_authority_with_counts(
        self, ui_app: FastAPI, dpo: httpx.AsyncClient, clock: Clock
    ) -> None:
        yesterday = TODAY - timedelta(days=1)
        for label, authority, at in (
            ("k1", "sozialamt", yesterday),
            ("k2", "sozialamt", yesterday),
            ("k3", "jugendamt", yesterday),
            ("k4", "sozialamt", TODAY),
        ):
            await append(
                ui_app.state.sessionmaker, clock, record(label, authority=authority), at=at
            )
        await append(ui_app.state.sessionmaker, clock, record("k5", outcome="denied"), at=TODAY)
        start = (TODAY - timedelta(days=2)).date().isoformat()
        page = await dpo.get("/ui/audit/charts", params={"from": start})
        assert page.status_code == 200
        bars = re.findall(
            r'<rect class="bar"[^>]*data-day="([^"]+)" data-series="([^"]+)" data-count="(\d+)"',
            page.text,
        )
        day1, day2 = yesterday.date().isoformat(), TODAY.date().isoformat()
        assert sorted(bars) == sorted(
            [
                (day1, "sozialamt", "2"),
                (day1, "jugendamt", "1"),
                (day2, "sozialamt", "2"),
                (day1, "released", "3"),
                (day2, "released", "1"),
                (day2, "denied", "1"),
            ]
        )
        german1 = yesterday.date().strftime("%d.%m.%Y")
        sozialamt = "Wissenschaftsstadt Darmstadt, Sozialamt (SGB XII, AsylbLG)"
        title = f"<title>{german1} · {sozialamt}: 2</title>"
        assert title in page.text
        row = rf"<th scope=\"row\">{german1}</th><td>2</td><td>1</td><td>3</td>"
        assert re.search(row, page.text)
