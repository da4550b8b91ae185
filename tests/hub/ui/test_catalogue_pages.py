"""/ui/catalogue over ASGI: who may open and write it, reasons, CSRF, refusals shown in place."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from adapters.sql.applying import BatchOrigin
from governance.models import Duty, FieldRelease, PurposeAllowance
from hub.ui.i18n import BERLIN
from tests.fixtures.changes import upsert
from tests.fixtures.factories import melderegister, person
from tests.fixtures.ledger import tamper
from tests.fixtures.workbench import csrf_of, make_account, sign_in

DATASET = "/ui/catalogue/datasets/melderegister/persons"


async def _steward(ui_app: FastAPI, browser: httpx.AsyncClient) -> str:
    password = await make_account(ui_app, "s.stewart", roles=["steward"])
    signed = await sign_in(browser, "s.stewart", password, next_url="/ui/catalogue")
    assert signed.status_code == 303
    page = await browser.get(DATASET)
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


async def test_signed_out_is_sent_to_login(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/ui/catalogue/duties")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=/ui/catalogue/duties"


async def test_dpo_cannot_open_or_edit_the_catalogue(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    password = await make_account(ui_app, "d.po", roles=["dpo"])
    await sign_in(browser, "d.po", password)
    assert (await browser.get("/ui/catalogue")).status_code == 403
    audit = await browser.get("/ui/audit")
    posted = await browser.post(
        f"{DATASET}/fields/name/release",
        data={"action": "revoke", "reason": "not mine", "csrf_token": csrf_of(audit.text)},
    )
    assert posted.status_code == 403
    views = await browser.get("/ui/catalogue/history")
    assert views.status_code == 403


async def test_steward_revokes_with_reason_and_history_names_them(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    csrf = await _steward(ui_app, browser)
    posted = await browser.post(
        f"{DATASET}/fields/name/release",
        data={"action": "revoke", "reason": "Prüfung läuft", "csrf_token": csrf},
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{DATASET}?done=revoked#field-name"
    page = await browser.get(DATASET)
    assert 'id="field-name" data-field="name" class="status-revoked' in page.text
    history = await browser.get("/ui/catalogue/history", params={"target": "field:"})
    assert history.status_code == 200
    first_row = history.text.split('<tr data-change-id="', 2)[1]
    assert '<td class="actor">s.stewart</td>' in first_row
    assert '<td class="action">field.revoke</td>' in first_row
    assert '<td class="reason">Prüfung läuft</td>' in first_row


async def test_release_without_reason_is_refused_and_nothing_changes(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    csrf = await _steward(ui_app, browser)
    posted = await browser.post(
        f"{DATASET}/fields/name/release",
        data={"action": "revoke", "reason": "  ", "csrf_token": csrf},
    )
    assert posted.status_code == 422
    assert 'id="error-message"' in posted.text
    assert "name: Begründung: zu kurz (mindestens 3 Zeichen)" in posted.text
    assert 'data-field="name" class="status-approved' in posted.text
    history = await browser.get("/ui/catalogue/history")
    assert "field.revoke" not in history.text


async def test_service_refusal_is_shown_on_the_page(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    csrf = await _steward(ui_app, browser)
    posted = await browser.post(
        f"{DATASET}/fields/nosuchfield/release",
        data={"action": "approve", "reason": "gibt es nicht", "csrf_token": csrf},
    )
    assert posted.status_code == 404
    assert "the catalogue has no field melderegister/nosuchfield" in posted.text
    assert 'id="error-message"' in posted.text


async def test_write_without_csrf_token_is_refused(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    await _steward(ui_app, browser)
    posted = await browser.post(
        f"{DATASET}/owner",
        data={"owner_office": "Irgendwer", "reason": "Umzug", "csrf_token": "forged"},
    )
    assert posted.status_code == 403
    page = await browser.get(DATASET)
    assert "Irgendwer" not in page.text


async def test_owner_and_stewards_are_edited_with_history(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    csrf = await _steward(ui_app, browser)
    owner = await browser.post(
        f"{DATASET}/owner",
        data={"owner_office": "Bürgeramt Nord", "reason": "Neuordnung", "csrf_token": csrf},
    )
    assert owner.status_code == 303
    page = await browser.get(DATASET)
    assert '<strong id="owner-office">Bürgeramt Nord</strong>' in page.text
    steward_ids = [chunk.split('"', 1)[0] for chunk in page.text.split('<tr data-steward-id="')[1:]]
    assert len(steward_ids) == 2
    removed = await browser.post(
        f"{DATASET}/stewards/{steward_ids[1]}/remove",
        data={"reason": "Wechsel", "csrf_token": csrf},
    )
    assert removed.status_code == 303
    page = await browser.get(DATASET)
    assert page.text.count('<tr data-steward-id="') == 1
    history = await browser.get("/ui/catalogue/history", params={"target": "dataset:"})
    actions = [chunk.split("<", 1)[0] for chunk in history.text.split('<td class="action">')[1:]]
    assert actions == ["dataset.steward.delete", "dataset.update"]


async def test_allowance_refused_by_the_law_shows_the_reasons(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    csrf = await _steward(ui_app, browser)
    listing = await browser.get("/ui/catalogue/purposes")
    assert listing.status_code == 200
    assert 'href="/ui/catalogue/purposes/wohngeld_antrag"' in listing.text
    page = await browser.get("/ui/catalogue/purposes/wohngeld_antrag")
    assert 'id="allowance-wohngeld_antrag-wohngeldstelle-melderegister"' in page.text
    posted = await browser.post(
        "/ui/catalogue/purposes/wohngeld_antrag/allowances/wohngeldstelle/melderegister",
        data={"fields": ["name", "elstam"], "reason": "Test", "csrf_token": csrf},
    )
    assert posted.status_code == 422
    assert "the policy withholds" in posted.text
    assert "elstam" in posted.text
    assert 'class="card allowance failed"' in posted.text
    # The edit is kept on the refused page: the steward corrects it instead of starting over.
    assert 'name="fields" value="elstam" class="field-choice" checked' in posted.text
    assert 'name="fields" value="addresses" class="field-choice">' in posted.text


async def test_duties_board_and_done(ui_app: FastAPI, browser: httpx.AsyncClient) -> None:
    csrf = await _steward(ui_app, browser)
    board = await browser.get("/ui/catalogue/duties")
    assert board.status_code == 200
    first = board.text.split('data-duty-id="', 2)[1].split('"', 1)[0]
    refused = await browser.post(
        f"/ui/catalogue/duties/{first}/done", data={"note": " ", "csrf_token": csrf}
    )
    assert refused.status_code == 422
    done = await browser.post(
        f"/ui/catalogue/duties/{first}/done", data={"note": "erledigt", "csrf_token": csrf}
    )
    assert done.status_code == 303
    history = await browser.get("/ui/catalogue/history", params={"target": f"duty:{first}"})
    assert '<td class="action">duty.done</td>' in history.text
    assert '<td class="reason">erledigt</td>' in history.text


async def test_records_and_dcat_for_the_signed_in_steward(
    ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
) -> None:
    await _steward(ui_app, browser)
    records = await browser.get("/ui/catalogue/records")
    assert records.status_code == 200
    assert records.headers["content-type"].startswith("text/html")
    assert "wohngeldstelle" in records.text.lower()
    dcat = await browser.get("/ui/catalogue/dcat.ttl")
    assert dcat.status_code == 200
    assert dcat.headers["content-type"].startswith("text/turtle")
    assert "dcat:Dataset" in dcat.text
    assert "gewerberegister" in dcat.text


async def test_steward_approves_archive_exceptions_of_a_purpose(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    """BMG §13 Abs. 2 S. 4: shown per purpose, ticked by the steward, kept in the history."""
    csrf = await _steward(ui_app, browser)
    page = await browser.get("/ui/catalogue/purposes/waehlerverzeichnis")
    assert 'name="exceptions" value="wahlzwecke" checked' in page.text
    assert "BMG §13 Abs. 2 S. 4 Nr. 2 lit. d" in page.text
    posted = await browser.post(
        "/ui/catalogue/purposes/wohngeld_antrag/archive-exceptions",
        data={
            "exceptions": ["beweisnot", "einwilligung"],
            "reason": "Beweisnot",
            "csrf_token": csrf,
        },
    )
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"].endswith("?done=exceptions#purpose-wohngeld_antrag")
    page = await browser.get("/ui/catalogue/purposes/wohngeld_antrag")
    section = page.text.split('id="purpose-wohngeld_antrag"', 1)[1].split("</section>", 1)[0]
    assert 'value="beweisnot" checked' in section
    assert 'value="einwilligung" checked' in section
    history = await browser.get("/ui/catalogue/history", params={"target": "purpose:"})
    assert '<td class="action">purpose.update</td>' in history.text
    refused = await browser.post(
        "/ui/catalogue/purposes/wohngeld_antrag/archive-exceptions",
        data={"exceptions": ["alles"], "reason": "Test", "csrf_token": csrf},
    )
    assert refused.status_code == 422


async def test_the_dataset_page_shows_the_mirror_state(
    ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
) -> None:
    await _steward(ui_app, browser)
    never = await browser.get(DATASET)
    assert 'id="mirror-state"' in never.text
    assert "Noch keine Änderung eingegangen" in never.text  # German by default
    adapter = melderegister(clean_database)
    feed = adapter.change_feed()
    origin = BatchOrigin(source="file", actor="cli:test")
    old = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    feed.apply(feed.parse([upsert(77, person("P-1"), at=old)]), origin=origin)
    await adapter.close()
    ui_app.state.freshness.forget("melderegister")
    page = await browser.get(DATASET)
    assert "seq <strong>77</strong>" in page.text
    assert "veraltet: Anfragen werden abgelehnt" in page.text
    assert "höchstens 900 s" in page.text


async def test_start_page_puts_the_steward_s_to_do_first(
    ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
) -> None:
    """Overdue duty, unreviewed field, allowance ending soon, allowance the law now refuses."""
    # The page counts days in Berlin time: between 23:00 and 24:00 UTC that is tomorrow already.
    ends = (datetime.now(BERLIN) + timedelta(days=20)).date()
    allowances = PurposeAllowance.__tablename__
    where = "purpose_code = '{}' AND authority_code = '{}'"
    for statement in (
        (
            f"UPDATE {Duty.__tablename__} SET status = 'overdue', due_on = '2026-01-05' "
            f"WHERE id = (SELECT MIN(id) FROM {Duty.__tablename__})"
        ),
        (
            f"UPDATE {FieldRelease.__tablename__} SET status = 'unreviewed' "
            "WHERE register = 'melderegister' AND field = 'doctor'"
        ),
        (
            f"UPDATE {allowances} SET valid_to = '{ends.isoformat()}' "
            f"WHERE {where.format('hundesteuer', 'steueramt')}"
        ),
        # Written past the law check (as an old revision or a changed policy would leave it).
        (
            f'UPDATE {allowances} SET fields = \'["name", "elstam"]\' '
            f"WHERE {where.format('wohngeld_antrag', 'wohngeldstelle')}"
        ),
    ):
        tamper(clean_database, statement)
    await _steward(ui_app, browser)
    page = await browser.get("/ui/catalogue")
    assert page.status_code == 200
    text = page.text
    assert text.index('id="todo"') < text.index('id="completeness"')
    count = re.search(r'id="todo-count">(\d+)<', text)
    assert count is not None
    todo = text[text.index('id="todo"') : text.index('id="completeness"')]
    assert int(count.group(1)) == todo.count("<li ")  # every item counted, none hidden
    duties = re.search(r'<ul id="todo-duties">(.*?)</ul>', text, re.DOTALL)
    assert duties is not None
    assert "überfällig" in duties.group(1)
    assert "05.01.2026" in duties.group(1)
    assert 'data-field="melderegister/doctor"' in text
    expiring = re.search(r'<ul id="todo-expiring">(.*?)</ul>', text, re.DOTALL)
    assert expiring is not None
    assert 'data-allowance="hundesteuer/steueramt/melderegister"' in expiring.group(1)
    assert ends.strftime("%d.%m.%Y") in expiring.group(1)
    assert "noch 20 Tage" in expiring.group(1)
    failing = re.search(r'<ul id="todo-failing">(.*?)</ul>', text, re.DOTALL)
    assert failing is not None
    assert 'data-allowance="wohngeld_antrag/wohngeldstelle/melderegister"' in failing.group(1)
    [wohngeld] = re.findall(
        r'<li data-allowance="wohngeld_antrag/wohngeldstelle/melderegister">(.*?)</li>',
        failing.group(1),
    )
    assert "elstam" in wohngeld
