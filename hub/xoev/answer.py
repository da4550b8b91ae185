"""1331/1333 answers from the QueryService's answer (or a refusal), built with lxml."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from adapters.xmeld import names
from hub.serialise.xoev import PersonWriter, code, sub, x
from hub.xoev.request import Origin

ANSWER_OF = {
    names.PERSONENSUCHE_ANFRAGE: (names.PERSONENSUCHE_ANTWORT, "1331"),
    names.FREIE_SUCHE_ANFRAGE: (names.FREIE_SUCHE_ANTWORT, "1333"),
}
PRODUCT = "Register Hub"
VENDOR = "Wissenschaftsstadt Darmstadt"
FREITEXT_MAX = 500


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


def _identification(parent: etree._Element, tag: str, *, msg_id: str, code_: str, at: str) -> None:
    node = sub(parent, tag)
    sub(node, "nachrichtenUUID", msg_id)
    code(node, "nachrichtentyp", code_, (names.MESSAGE_TYPE_LIST, names.XMELD_VERSION))
    sub(node, "erstellungszeitpunkt", at)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def _root(origin: Origin, office: Office) -> tuple[etree._Element, str]:
    name, type_code = ANSWER_OF[origin.message]
    root = etree.Element(x(name), nsmap={"xmeld": names.XMELD_NS})
    for attribute, value in (
        ("produkt", PRODUCT),
        ("produkthersteller", VENDOR),
        ("produktversion", office.version),
        ("standard", names.XMELD_STANDARD),
        ("version", names.XMELD_VERSION),
    ):
        root.set(attribute, value)
    head = sub(root, "nachrichtenkopf.g2g")
    _identification(
        head, "identifikation.nachricht", msg_id=str(uuid.uuid4()), code_=type_code, at=_now()
    )
    leser = sub(head, "leser")
    code(
        leser,
        "verzeichnisdienst",
        origin.author.directory,
        (names.VERZEICHNISDIENST_LIST[0], origin.author.directory_version),
    )
    sub(leser, "kennung", origin.author.kennung)
    sub(leser, "name", origin.author.name)
    autor = sub(head, "autor")
    code(autor, "verzeichnisdienst", "DVDV", names.VERZEICHNISDIENST_LIST)
    sub(autor, "kennung", f"ags:{office.ags}")
    sub(autor, "name", office.name)
    reach = sub(autor, "erreichbarkeit")
    code(reach, "kanal", "01", names.ERREICHBARKEIT_LIST)  # 01 = E-Mail
    sub(reach, "kennung", office.email)
    building = sub(sub(root, "anschrift.autor"), "gebaeude")
    sub(building, "hausnummer", office.house_number)
    sub(building, "postleitzahl", office.postal_code)
    sub(building, "strasse", office.street)
    sub(building, "wohnort", office.city)
    return root, type_code


def _finish(root: etree._Element, origin: Origin) -> etree._Element:
    _identification(
        root,
        x("ursprungsnachricht"),
        msg_id=origin.uuid,
        code_=origin.type_code,
        at=origin.created,
    )
    return root


def auskunft(
    origin: Origin, office: Office, *, records: Sequence[Mapping[str, Any]]
) -> etree._Element:
    """``auskunft``: 01/02 (person search) or 04 (free search) with persons, else 03."""
    root, _ = _root(origin, office)
    answer = sub(sub(root, x("antwortSuchanfrage")), x("auskunft"))
    kind = "free" if origin.message == names.FREIE_SUCHE_ANFRAGE else "person"
    if not records:
        status = "03"  # no match and Auskunftssperre alike (BMG §34a Abs. 5)
    elif kind == "free":
        status = "04"
    else:
        status = "01" if len(records) == 1 else "02"
    code(answer, x("ergebnisstatus"), status, names.ERGEBNISSTATUS_LIST)
    writer = PersonWriter(kind=kind, ags=office.ags, city=office.city)
    for record in records:
        writer.person(record.get("fields", {}), answer)
    return _finish(root, origin)


def rueckweisung(
    origin: Origin, office: Office, *, grund: str, freitext: str | None = None
) -> etree._Element:
    root, _ = _root(origin, office)
    refusal = sub(sub(root, x("antwortSuchanfrage")), x("rueckweisung"))
    code(refusal, x("grundDerRueckweisung"), grund, names.NICHTERSTELLUNG_GRUND_LIST)
    if freitext:
        sub(refusal, x("freitext"), freitext[:FREITEXT_MAX])
    return _finish(root, origin)


def to_bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
