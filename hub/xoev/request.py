"""1330/1332 (already safely parsed) → the JSON API's QueryRequest, plus what the answer echoes.

Search data become the register's match keys (BMG §38 Abs. 1). A search criterion the hub
cannot apply is refused (``XMeldRefusal``), never dropped: dropping one would widen the
search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pydantic import ValidationError

from adapters.xmeld import codes, names
from adapters.xmeld.build import Party
from hub.errors import InvalidQuery, MalformedRequest
from hub.query.schemas import QueryRequest
from hub.serialise.xoev import SERVED_FIELDS

_X = {"x": names.XMELD_NS}
KIND_OF_MESSAGE: dict[str, codes.SearchKind] = {
    names.PERSONENSUCHE_ANFRAGE: "person",
    names.FREIE_SUCHE_ANFRAGE: "free",
}

# Leaf paths below auswahldaten (local names) → match key; "" = accepted, not a search key.
_PERSON_KEYS = {
    "name/name/nachnameUndVornamen/nachname/name": "name",
    "name/name/nachnameUndVornamen/vornamen/name": "given_names",
    "name/name/ordensOderKuenstlername": "religious_artist_name",
    "name/phonetik": "",  # the hub searches exactly: narrower, never wider
    "anschrift/gemeindeschluessel/code": "ags",
    "anschrift/hausnummer": "house_number",
    "anschrift/hausnummerBuchstabeZusatzziffer": "house_suffix",
    "anschrift/postleitzahl": "postal_code",
    "anschrift/strasse": "street",
    "geburtsdatum/geburtsdatum/teilbekanntesDatum/jahrMonatTag": "birth_date",
    "geburtsort/geburtsort.inland": "birth_place",
    "geburtsort/geburtsort.ausland/geburtsort": "birth_place",
    "geschlecht/code": "sex",
    "sterbetag": "death_date",
    "sterbeort/sterbeort.inland": "death_place",
    "sterbeort/sterbeort.ausland/sterbeort": "death_place",
    "azrNummer": "azr_no",
}
_INLAND = "wohnung/anschrift/anschrift.inland/"
_FREE_KEYS = {
    "name/name/nachnameUndVornamen/nachname/name": "name",
    "name/name/nachnameUndVornamen/vornamen/name": "given_names",
    "name/name/ordensOderKuenstlername": "religious_artist_name",
    "name/phonetik": "",
    _INLAND + "gemeindeschluessel/code": "ags",
    _INLAND + "hausnummerOderHausnummernbereich/hausnummer": "house_number",
    _INLAND + "hausnummerOderHausnummernbereich/hausnummer/hausnummer": "house_number",
    _INLAND
    + "hausnummerOderHausnummernbereich/hausnummer/hausnummerBuchstabeZusatzziffer": "house_suffix",
    _INLAND + "postleitzahl": "postal_code",
    _INLAND + "strasse": "street",
    _INLAND + "wohnort": "city",
    "geburtsdaten/geburtstag/geburtsdatum/geburtsdatum/teilbekanntesDatum/jahrMonatTag": (
        "birth_date"
    ),
    "geburtsdaten/geburtsort": "birth_place",
    "geschlecht/code": "sex",
    "staatsangehoerigkeit/code": "nationality",
    "sterbedaten/sterbetag": "death_date",
    "sterbedaten/sterbeort": "death_place",
}


class XMeldRefusal(InvalidQuery):
    """A request the hub answers with ``rueckweisung`` and the given grund code."""

    def __init__(self, detail: str, *, grund: str) -> None:
        super().__init__(detail, grund=grund)
        self.grund = grund


@dataclass(frozen=True, slots=True)
class Origin:
    """What the answer echoes: the request's identification and its author."""

    message: str
    uuid: str
    type_code: str
    created: str
    author: Party


@dataclass(slots=True)
class ParsedRequest:
    query: QueryRequest
    unserved_codes: list[str] = field(default_factory=list)


def message_of(root: etree._Element) -> str:
    """The message name (1330 or 1332), or 400 for anything else."""
    qname = etree.QName(root)
    if qname.namespace != names.XMELD_NS or qname.localname not in KIND_OF_MESSAGE:
        detail = "only XMeld 25.11a datenabruf.personensuche.suchanfrage.1330 and "
        raise MalformedRequest(detail + "datenabruf.freieSuche.suchanfrage.1332 are accepted")
    return str(qname.localname)


def _required(parent: etree._Element | None, path: str) -> str:
    node = None if parent is None else parent.find(path, _X)
    text = (node.text or "").strip() if node is not None else ""
    if not text:
        raise MalformedRequest(f"the message header lacks {path}")
    return text


def read_origin(root: etree._Element, message: str) -> Origin:
    """The header fields the answer needs; 400 if they cannot be read."""
    head = root.find("nachrichtenkopf.g2g")
    ident = None if head is None else head.find("identifikation.nachricht")
    author = None if head is None else head.find("autor")
    directory = None if author is None else author.find("verzeichnisdienst")
    return Origin(
        message=message,
        uuid=_required(ident, "nachrichtenUUID"),
        type_code=_required(ident, "nachrichtentyp/code"),
        created=_required(ident, "erstellungszeitpunkt"),
        author=Party(
            kennung=_required(author, "kennung"),
            name=_required(author, "name"),
            directory=_required(author, "verzeichnisdienst/code"),
            directory_version=(directory.get("listVersionID") if directory is not None else None)
            or codes.VERZEICHNISDIENST_LIST.version,
        ),
    )


def _text(root: etree._Element, path: str) -> str | None:
    node = root.find(path, _X)
    return (node.text or "").strip() if node is not None else None


def _leaves(parent: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in parent.iter():
        if not isinstance(node.tag, str) or len(node):
            continue
        path = []
        current = node
        while current is not parent:
            path.append(etree.QName(current).localname)
            current = current.getparent()
        found["/".join(reversed(path))] = (node.text or "").strip()
    return found


def _match(auswahldaten: etree._Element, *, kind: str, ags: str, city: str) -> dict[str, str]:
    table = _PERSON_KEYS if kind == "person" else _FREE_KEYS
    raw: dict[str, str] = {}
    for path, value in _leaves(auswahldaten).items():
        key = table.get(path)
        if key is None:
            raise XMeldRefusal(
                f"the search criterion {path} is not supported", grund=codes.GRUND_OTHER
            )
        if key:
            raw[key] = value
    found_ags = raw.pop("ags", None)
    if found_ags is not None:
        if found_ags != ags:
            raise XMeldRefusal(
                "the search area is not this Meldebehörde's", grund=codes.GRUND_OUT_OF_AREA
            )
        raw.setdefault("city", city)
    suffix = raw.pop("house_suffix", None)
    if suffix and "house_number" in raw:
        raw["house_number"] = f"{raw['house_number']} {suffix}"
    if "nationality" in raw:
        iso = codes.DESTATIS_TO_NATIONALITY.get(raw["nationality"])
        if iso is None:
            raise XMeldRefusal(
                "the Staatsangehörigkeit code is not supported", grund=codes.GRUND_OTHER
            )
        raw["nationality"] = iso
    return {key: value for key, value in raw.items() if value}


def _check_area(root: etree._Element, *, ags: str) -> None:
    """Free search: the suchbereich (Land, Bezirk, Kreis or AGS) must contain this municipality."""
    area = root.find("x:steuerungsinformationen/x:suchbereich", _X)
    code = _text(area, "*/code") if area is not None else None
    if code is None or not ags.startswith(code):
        raise XMeldRefusal(
            "the search area is not this Meldebehörde's", grund=codes.GRUND_OUT_OF_AREA
        )


def _requested(root: etree._Element, kind: codes.SearchKind) -> tuple[list[str], list[str]]:
    """Requested field IDs, and the codes whose field the hub cannot answer in XMeld."""
    fields: list[str] = []
    unserved: list[str] = []
    for node in root.iterfind("x:steuerungsinformationen/x:anforderungselement/code", _X):
        code = (node.text or "").strip()
        field_id = codes.field_of_code(code, kind=kind)
        if field_id is None or field_id not in SERVED_FIELDS:
            unserved.append(code)
        elif field_id not in fields:
            fields.append(field_id)
    return fields, unserved


def to_query(root: etree._Element, *, message: str, ags: str, city: str) -> ParsedRequest:
    """The QueryRequest the message stands for; ``XMeldRefusal`` if it cannot be served."""
    kind = KIND_OF_MESSAGE[message]
    profile = root.find("x:suchprofil", _X)
    if profile is not None and profile.find("x:identifikationsmerkmal", _X) is not None:
        # The hub hands out no Identifikationsmerkmale, so none can be valid.
        raise XMeldRefusal("unknown Identifikationsmerkmal", grund=codes.GRUND_UNKNOWN_IDENTIFIER)
    auswahldaten = None if profile is None else profile.find("x:auswahldaten", _X)
    if auswahldaten is None:
        raise XMeldRefusal("the message carries no auswahldaten", grund=codes.GRUND_MIN_CRITERIA)
    if kind == "free":
        _check_area(root, ags=ags)
    match = _match(auswahldaten, kind=kind, ags=ags, city=city)
    fields, unserved = _requested(root, kind)
    waive = _text(root, "x:steuerungsinformationen/x:verzichtAufMitteilung")
    body: dict[str, Any] = {
        "kind": kind,
        "purpose": _text(root, "x:datenAbrufendeStelle/x:anlassDesAbrufs") or None,
        "case_reference": _text(root, "x:datenAbrufendeStelle/x:aktenzeichen") or None,
        "user": {"id": _text(root, "x:datenAbrufendeStelle/x:kennung") or None, "roles": []},
        "match": match,
        "fields": fields,
        "waive_follow_up": waive in {"true", "1"},
    }
    try:
        return _validated(body, unserved)
    except XMeldRefusal:
        if body["purpose"] is None:
            raise
    # A free-text anlass (e.g. "Personenüberprüfung") is no catalogue purpose: the request
    # goes on without one and the policy refuses it (a purpose is mandatory: BMG §40 Abs. 1 Nr. 5).
    return _validated({**body, "purpose": None}, unserved)


def _validated(body: dict[str, Any], unserved: list[str]) -> ParsedRequest:
    try:
        return ParsedRequest(query=QueryRequest.model_validate(body), unserved_codes=unserved)
    except ValidationError as error:
        detail = "; ".join("/".join(map(str, e["loc"])) + ": " + e["msg"] for e in error.errors())
        raise XMeldRefusal(detail, grund=codes.GRUND_OTHER) from error
