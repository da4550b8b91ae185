"""A person's request for information: found through the ledgered query
path, their disclosures as the citizen view shows them, a German letter. Both databases."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hub.ui.audit.auskunft import PURPOSE
from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.workbench import Clock, append, csrf_of, make_account, record, sign_in

REQUEST = {"name": "Müller", "given_names": "Anna", "birth_date": "17.05.1980", "case": "A15-7"}


@pytest.fixture
def persons(clean_database: str) -> None:
    """P-1 and P-2 in the Melderegister, imported before the hub starts."""
    import_persons(clean_database, [person("P-1"), person("P-2", name="Schulz")])


@pytest.fixture
async def disclosures(persons: None, ui_app: FastAPI, clock: Clock) -> None:
    """P-1's ledger: one disclosure the person may see, three the letter must leave out."""
    sessions = ui_app.state.sessionmaker
    await append(sessions, clock, record("seen", authority="sozialamt"))
    await append(
        sessions,
        clock,
        record(
            "police",
            authority="polizei",
            authority_category="security_authority",
            purpose="gefahrenabwehr",
        ),
    )
    await append(sessions, clock, record("manual", outcome="manual", released_person_ids=[]))
    await append(
        sessions,
        clock,
        record("other", hit_person_ids=["P-2"], released_person_ids=["P-2"]),
    )


async def signed_in(app: FastAPI, client: httpx.AsyncClient, *, roles: list[str]) -> str:
    password = await make_account(app, "auskunft.user", roles=roles, office="meldebehoerde")
    signed = await sign_in(client, "auskunft.user", password, next_url="/ui/audit/auskunft")
    assert signed.status_code == 303
    return csrf_of((await client.get("/ui/audit/auskunft")).text)


def rows(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}">([^<]*)</td>', html)


def entries(database_url: str, **wanted: Any) -> list[dict[str, Any]]:
    return [
        row
        for row in ledger_rows(database_url)
        if all(row[key] == value for key, value in wanted.items())
    ]


@pytest.mark.parametrize("roles", [["dpo"], ["register_office"]])
async def test_the_letter_lists_what_the_person_may_see_and_both_steps_are_ledgered(
    disclosures: None,  # first: the persons are imported before the hub starts
    ui_app: FastAPI,
    browser: httpx.AsyncClient,
    clean_database: str,
    roles: list[str],
) -> None:
    csrf = await signed_in(ui_app, browser, roles=roles)
    page = await browser.post("/ui/audit/auskunft", data={**REQUEST, "csrf_token": csrf})
    assert page.status_code == 200, page.text
    html = page.text
    assert 'id="letter"' in html
    assert 'lang="de"' in html
    assert "Anna Müller" in html
    assert "Rheinstraße 12" in html
    assert rows(html, "l-recipient") == [
        "Wissenschaftsstadt Darmstadt, Sozialamt (SGB XII, AsylbLG)"
    ]  # no police, no manual transfer, nobody else's
    assert rows(html, "l-purpose") == ["Sozialhilfe (SGB XII)"]
    [released] = rows(html, "l-fields")
    assert "addresses" not in released  # field titles, not codes
    assert "§ 34 Absatz 4 Satz 1" in html
    assert "§ 10 Abs. 1 BMG" in html
    assert "Art. 15 Abs. 1 DSGVO" in html
    [lookup] = entries(clean_database, purpose=PURPOSE)
    assert lookup["register"] == "melderegister"
    assert lookup["authority"] == "meldebehoerde"
    assert lookup["outcome"] == "released"
    assert lookup["user_id"] == "auskunft.user"
    assert lookup["case_reference"] == "A15-7"
    assert lookup["released_person_ids"] == ["P-1"]
    [read] = entries(clean_database, register="audit")
    assert read["fields_requested"] == ["ui.persons"]
    assert read["hit_person_ids"] == ["P-1"]
    assert read["legal_basis"] == ["BMG §10", "BMG §11", "DSGVO Art. 15"]
    expected = "datenschutzbeauftragter" if roles == ["dpo"] else "meldebehoerde"
    assert read["authority"] == expected
    # The register office's own lookup is no disclosure: a second request lists the same.
    again = await browser.post("/ui/audit/auskunft", data={**REQUEST, "csrf_token": csrf})
    assert rows(again.text, "l-recipient") == rows(html, "l-recipient")


async def test_nobody_found_gives_no_letter_and_no_read(
    disclosures: None, ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
) -> None:
    csrf = await signed_in(ui_app, browser, roles=["dpo"])
    unknown = {**REQUEST, "name": "Niemand", "csrf_token": csrf}
    page = await browser.post("/ui/audit/auskunft", data=unknown)
    assert 'id="auskunft-none"' in page.text
    assert 'id="letter"' not in page.text
    [lookup] = entries(clean_database, purpose=PURPOSE)
    assert lookup["outcome"] == "neutral"
    assert entries(clean_database, register="audit") == []


async def test_form_errors_are_named_and_nothing_is_queried(
    ui_app: FastAPI, browser: httpx.AsyncClient, clean_database: str
) -> None:
    csrf = await signed_in(ui_app, browser, roles=["dpo"])
    page = await browser.post(
        "/ui/audit/auskunft",
        data={**REQUEST, "birth_date": "31.02.1980", "case": "", "csrf_token": csrf},
    )
    assert page.status_code == 400
    assert "Aktenzeichen: Angabe fehlt" in page.text
    assert entries(clean_database, purpose=PURPOSE) == []
    forged = await browser.post("/ui/audit/auskunft", data={**REQUEST, "csrf_token": "forged"})
    assert forged.status_code in {400, 403}
    assert entries(clean_database, purpose=PURPOSE) == []


async def test_other_roles_are_not_let_in(ui_app: FastAPI, browser: httpx.AsyncClient) -> None:
    password = await make_account(ui_app, "steward.lang", roles=["steward"])
    await sign_in(browser, "steward.lang", password, next_url="/ui/catalogue")
    page = await browser.get("/ui/audit/auskunft")
    assert page.status_code == 403
