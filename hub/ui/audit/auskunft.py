"""A person's request for information (DSGVO Art. 15, BMG §10): find, list, write the letter.

The person is found through the ordinary query path (hub.query.service), as the Meldebehörde
with the purpose ``betroffenenauskunft``, so the lookup is decided by the policy and recorded
in the ledger like any other. Their disclosures are the citizen view of GET
/v1/audit/persons (hub.audit.ledger.reads.citizen_view: §34 Abs. 4 recipients and non-automated
transfers left out), itself recorded as a read. Names typed here are sent to the register
only; nothing of them is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from governance.catalogue import Catalogue
from hub.audit.ledger import reads
from hub.audit.ledger.reads import ReadNote
from hub.auth.dependencies import Principal
from hub.auth.scopes import REGISTER_QUERY
from hub.domain import Outcome, QueryKind
from hub.query.schemas import QueryRequest, UserRef
from hub.query.service import QueryService
from hub.ui.audit.repository import field_titles
from hub.ui.audit.service import WORKBENCH, Reader, record_read
from hub.ui.i18n import gettext as _
from hub.ui.i18n import parse_day

PURPOSE = "betroffenenauskunft"
AUTHORITY = "meldebehoerde"  # answers Art. 15 requests about the Melderegister (BMG §10 Abs. 1)
REGISTER = "melderegister"
IDENTITY_FIELDS = ("name", "given_names", "doctor", "birth", "addresses")
LIMITS = {"name": 200, "given_names": 200, "birth_date": 10, "case": 200}


@dataclass(kw_only=True)
class RequestForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def parse_request(form: Mapping[str, str]) -> RequestForm:
    parsed = RequestForm(values={name: str(form.get(name, "")).strip() for name in LIMITS})
    labels = {
        "name": _("Surname"),
        "given_names": _("Given names"),
        "birth_date": _("Date of birth"),
        "case": _("Case reference"),
    }
    for name, bound in LIMITS.items():
        value = parsed.values[name]
        if not value:
            parsed.errors.append(_("%(name)s: required") % {"name": labels[name]})
        elif len(value) > bound:
            parsed.errors.append(
                _("%(name)s: at most %(count)d characters") % {"name": labels[name], "count": bound}
            )
    if parsed.values["birth_date"] and not parsed.errors:
        try:
            parsed.values["birth_iso"] = parse_day(parsed.values["birth_date"]).isoformat()
        except ValueError:
            parsed.errors.append(
                _("%(name)s: not a date (DD.MM.YYYY)") % {"name": labels["birth_date"]}
            )
    return parsed


@dataclass(kw_only=True)
class Answer:
    """What the letter needs; ``person`` None when nobody (or not one person) was found."""

    outcome: str
    found: int = 0
    person: dict[str, Any] | None = None
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    field_titles: dict[str, str] = field(default_factory=dict)
    written_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def _query(form: RequestForm, username: str) -> QueryRequest:
    return QueryRequest(
        kind=QueryKind.PERSON,
        purpose=PURPOSE,
        case_reference=form.values["case"],
        user=UserRef(id=username),
        match={
            "name": form.values["name"],
            "given_names": form.values["given_names"],
            "birth_date": form.values["birth_iso"],
        },
        fields=list(IDENTITY_FIELDS),
    )


async def answer(
    session: AsyncSession,
    reader: Reader,
    *,
    queries: QueryService,
    catalogue: Catalogue,
    form: RequestForm,
) -> Answer:
    """Find the person (a ledgered query), then read their disclosures (a ledgered read).

    Raises HubError when the query was refused (recorded by the query path); a form the
    query schema refuses (a character it does not accept) is a form error, not a query.
    """
    try:
        request = _query(form, reader.username)
    except ValidationError:
        form.errors.append(_("Name or given names: characters the register does not accept."))
        return Answer(outcome=Outcome.INVALID)
    principal = Principal(
        client_id=reader.principal.client_id,
        authority=AUTHORITY,
        scopes=frozenset({REGISTER_QUERY}),
        trusted_roles=frozenset(),
    )
    record = queries.new_record(
        principal=principal, register=REGISTER, request_id=reader.request_id
    )
    result = await queries.execute(session, principal=principal, record=record, request=request)
    outcome = str(result.body.get("outcome"))
    persons = list(result.released_person_ids)
    if outcome != Outcome.RELEASED or len(persons) != 1:
        return Answer(outcome=outcome, found=len(persons))
    [person_id] = persons
    view = await reads.citizen_view(session, catalogue, register=REGISTER, person_id=person_id)
    titles = await field_titles(session, REGISTER)
    note = ReadNote(
        what=f"{WORKBENCH}.persons",
        filters={"register": REGISTER, "person": person_id},
        person_ids=[person_id],
        legal_basis=reads.CITIZEN_LEGAL_BASIS,
    )
    await record_read(session, reader, note)
    # The register office's own lookups for answering the person are no disclosure to others.
    disclosures = [item for item in view["disclosures"] if item["purpose"] != PURPOSE]
    return Answer(
        outcome=outcome,
        found=1,
        person=result.body["records"][0]["fields"],
        disclosures=disclosures,
        field_titles=titles,
    )
