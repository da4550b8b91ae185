"""1331/1333 answers from the QueryService's answer (or a refusal), built with lxml."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from adapters.xmeld import codes, names
from adapters.xmeld.build import (
    Party,
    PostalAddress,
    building,
    code,
    header,
    identification,
    root_element,
    sub,
    x,
)
from hub.domain import QueryKind
from hub.serialise.xoev import PersonWriter
from hub.xoev.request import Origin

ANSWER_OF = {
    names.PERSONENSUCHE_ANFRAGE: (names.PERSONENSUCHE_ANTWORT, codes.MESSAGE_CODE_1331),
    names.FREIE_SUCHE_ANFRAGE: (names.FREIE_SUCHE_ANTWORT, codes.MESSAGE_CODE_1333),
}
PRODUCT = "Register Hub"
VENDOR = "Wissenschaftsstadt Darmstadt"
FREITEXT_MAX = 500
# The freitext often quotes a refusal reason, and a reason may quote the refused input
# (a bidi override, a combining mark): the freitext keeps the part of DIN 91379 datatype C
# every Latin-1 and Latin Extended-A text lives in, so the answer stays valid; the rest is "?".
_FREITEXT_SAFE = frozenset(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0xAD), *range(0xAE, 0x17F)]))


def _freitext(text: str) -> str:
    return "".join(c if c in _FREITEXT_SAFE else "?" for c in text[:FREITEXT_MAX])


@dataclass(frozen=True, slots=True)
class Office:
    """The answering Meldebehörde (DVDV kennung ``ags:<AGS>``) and its postal address."""

    ags: str
    city: str
    name: str
    email: str
    street: str
    house_number: str
    postal_code: str
    version: str


def _root(origin: Origin, office: Office) -> etree._Element:
    name, type_code = ANSWER_OF[origin.message]
    root = root_element(name, product=PRODUCT, vendor=VENDOR, version=office.version)
    header(
        root,
        message_uuid=str(uuid.uuid4()),
        type_code=type_code,
        created=datetime.now().astimezone(),
        reader=origin.author,  # the answer goes back to the request's author
        author=Party(kennung=f"ags:{office.ags}", name=office.name, email=office.email),
    )
    address = PostalAddress(
        street=office.street,
        house_number=office.house_number,
        postal_code=office.postal_code,
        city=office.city,
    )
    building(sub(root, "anschrift.autor"), address)
    return root


def _finish(root: etree._Element, origin: Origin) -> etree._Element:
    identification(
        root,
        x("ursprungsnachricht"),
        message_uuid=origin.uuid,
        type_code=origin.type_code,
        created=origin.created,
    )
    return root


def auskunft(
    origin: Origin, office: Office, *, records: Sequence[Mapping[str, Any]]
) -> etree._Element:
    """``auskunft``: 01/02 (person search) or 04 (free search) with persons, else 03."""
    root = _root(origin, office)
    answer = sub(sub(root, x("antwortSuchanfrage")), x("auskunft"))
    kind = QueryKind.FREE if origin.message == names.FREIE_SUCHE_ANFRAGE else QueryKind.PERSON
    if not records:
        status = codes.STATUS_NOT_IDENTIFIED  # no match and Auskunftssperre alike (§34a Abs. 5)
    elif kind == QueryKind.FREE:
        status = codes.STATUS_RESULT_LIST
    elif len(records) == 1:
        status = codes.STATUS_IDENTIFIED
    else:
        status = codes.STATUS_HIT_LIST
    code(answer, x("ergebnisstatus"), status, codes.ERGEBNISSTATUS_LIST)
    writer = PersonWriter(kind=kind, ags=office.ags, city=office.city)
    for record in records:
        writer.person(record.get("fields", {}), answer)
    return _finish(root, origin)


def rueckweisung(
    origin: Origin, office: Office, *, grund: str, freitext: str | None = None
) -> etree._Element:
    root = _root(origin, office)
    refusal = sub(sub(root, x("antwortSuchanfrage")), x("rueckweisung"))
    code(refusal, x("grundDerRueckweisung"), grund, codes.NICHTERSTELLUNG_GRUND_LIST)
    if freitext:
        sub(refusal, x("freitext"), _freitext(freitext))
    return _finish(root, origin)
