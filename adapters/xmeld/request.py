"""Build a ``datenabruf.personensuche.suchanfrage.1330`` from a hub person search.

The hub's match keys become ``auswahldaten``; the released/requested field IDs become
``anforderungselement`` codes (table in ``adapters.xmeld.codes``); purpose, case reference
and user travel in ``datenAbrufendeStelle`` as ``codes`` documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from adapters.errors import InvalidLookup
from adapters.xmeld import codes
from adapters.xmeld.names import PERSONENSUCHE_ANFRAGE, XMELD_NS, XMELD_STANDARD, XMELD_VERSION

_X = f"{{{XMELD_NS}}}"
_NSMAP = {"xmeld": XMELD_NS}
GEMEINDE_LIST_VERSION = "2025-09-30"  # Gemeindeverzeichnis version the AGS is taken from
SEX_LIST_VERSION = "1"  # xinneres geschlecht/1
VERZEICHNISDIENST_VERSION = "3"
KANAL_VERSION = "3"
KANAL_EMAIL = "01"
AGS_LENGTH = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A DVDV communication partner (``autor`` or ``leser``)."""

    kennung: str
    name: str
    email: str | None = None  # the author needs one (erreichbarkeit), a reader may omit it


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    street: str
    house_number: str
    postal_code: str
    city: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Requester:
    """The asking office and the request's accountability data (BMG §40 Abs. 1)."""

    authority_name: str
    address: PostalAddress
    email: str
    purpose: str
    case_reference: str
    user_id: str
    security_authority: bool = False


@dataclass(frozen=True, slots=True)
class BuiltRequest:
    message_uuid: str
    created: datetime
    document: etree._Element

    def to_bytes(self) -> bytes:
        return bytes(etree.tostring(self.document, xml_declaration=True, encoding="UTF-8"))


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _code(
    parent: etree._Element,
    tag: str,
    value: str,
    *,
    list_uri: str | None = None,
    version: str | None = None,
) -> etree._Element:
    element = _sub(parent, tag)
    if list_uri is not None:
        element.set("listURI", list_uri)
    if version is not None:
        element.set("listVersionID", version)
    _sub(element, "code", value)
    return element


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    element = _sub(parent, tag)
    _code(element, "verzeichnisdienst", "DVDV", version=VERZEICHNISDIENST_VERSION)
    _sub(element, "kennung", party.kennung)
    _sub(element, "name", party.name)
    if party.email:
        _reach(element, "erreichbarkeit", party.email)


def _reach(parent: etree._Element, tag: str, email: str) -> None:
    reach = _sub(parent, tag)
    _code(reach, "kanal", KANAL_EMAIL, version=KANAL_VERSION)
    _sub(reach, "kennung", email)


def _building(parent: etree._Element, address: PostalAddress) -> None:
    building = _sub(parent, "gebaeude")
    _sub(building, "hausnummer", address.house_number)
    _sub(building, "postleitzahl", address.postal_code)
    _sub(building, "strasse", address.street)
    _sub(building, "wohnort", address.city)


def ags_of(kennung: str) -> str:
    """The AGS of a Meldebehörde's DVDV kennung ``ags:06411000``."""
    prefix, _, ags = kennung.partition(":")
    if prefix != "ags" or not ags.isdigit() or len(ags) != AGS_LENGTH:
        raise ValueError(f"not a Meldebehörde kennung: {kennung!r}")
    return ags


def _first(keys: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = (keys.get(name) or "").strip()
        if value:
            return value
    return None


def _auswahldaten(parent: etree._Element, keys: Mapping[str, str], *, remote_ags: str) -> None:
    data = _sub(parent, f"{_X}auswahldaten")
    _search_name(data, keys)
    _search_address(data, keys, remote_ags=remote_ags)
    _search_life_events(data, keys)


def _search_name(data: etree._Element, keys: Mapping[str, str]) -> None:
    outer = _sub(data, f"{_X}name")
    name = _sub(outer, f"{_X}name")
    family = _first(keys, "name", "prev_names")
    given = _first(keys, "given_names")
    artist = _first(keys, "religious_artist_name")
    if family and given:
        both = _sub(name, f"{_X}nachnameUndVornamen")
        _sub(_sub(both, f"{_X}vornamen"), "name", given)
        _sub(_sub(both, f"{_X}nachname"), "name", family)
    elif artist:
        _sub(name, f"{_X}ordensOderKuenstlername", artist)
    else:  # BMG §38 Abs. 1: a Personensuche needs name and given names
        raise InvalidLookup("name and given_names are required", member="name")


def _search_address(data: etree._Element, keys: Mapping[str, str], *, remote_ags: str) -> None:
    address = _sub(data, f"{_X}anschrift")
    # The Wohnort is the remote municipality itself (its AGS, grund 14 otherwise).
    _code(address, "gemeindeschluessel", remote_ags, version=GEMEINDE_LIST_VERSION)
    if house_number := _first(keys, "house_number"):
        _sub(address, "hausnummer", house_number)
    if postal_code := _first(keys, "postal_code"):
        _sub(address, "postleitzahl", postal_code)
    if street := _first(keys, "street"):
        _sub(address, "strasse", street)


def _search_life_events(data: etree._Element, keys: Mapping[str, str]) -> None:
    if birth_date := _first(keys, "birth_date"):
        birth = _sub(_sub(data, f"{_X}geburtsdatum"), f"{_X}geburtsdatum")
        _sub(_sub(birth, "teilbekanntesDatum"), "jahrMonatTag", birth_date)
    if birth_place := _first(keys, "birth_place"):
        # A bare place name is the inland form; abroad needs a Staat the keys lack.
        _sub(_sub(data, f"{_X}geburtsort"), f"{_X}geburtsort.inland", birth_place)
    if sex := _first(keys, "sex"):
        _code(data, f"{_X}geschlecht", sex, version=SEX_LIST_VERSION)
    if death_date := _first(keys, "death_date"):
        _sub(data, f"{_X}sterbetag", death_date)
    if death_place := _first(keys, "death_place"):
        _sub(_sub(data, f"{_X}sterbeort"), f"{_X}sterbeort.inland", death_place)
    if azr_no := _first(keys, "azr_no"):
        _sub(data, f"{_X}azrNummer", azr_no)


def build_1330(
    *,
    keys: Mapping[str, str],
    fields: Iterable[str],
    requester: Requester,
    author: Party,
    reader: Party,
    product_version: str = "0.1",
    now: datetime | None = None,
    waive_notice: bool = True,
) -> BuiltRequest:
    """The 1330 for one person search; ``fields`` must already be minimised by policy."""
    requested = codes.codes_for_fields(fields)
    if not requested:  # the schema needs >= 1 anforderungselement; never ask "everything"
        raise InvalidLookup("no field can be requested in XMeld", member="fields")
    message_uuid = str(uuid.uuid4())
    created = (now or datetime.now(UTC)).astimezone()
    root = etree.Element(f"{_X}{PERSONENSUCHE_ANFRAGE}", nsmap=_NSMAP)
    root.set("produkt", "Register-Hub")
    root.set("produkthersteller", requester.authority_name)
    root.set("produktversion", product_version)
    root.set("standard", XMELD_STANDARD)
    root.set("version", XMELD_VERSION)
    header = _sub(root, "nachrichtenkopf.g2g")
    ident = _sub(header, "identifikation.nachricht")
    _sub(ident, "nachrichtenUUID", message_uuid)
    _code(
        ident,
        "nachrichtentyp",
        codes.MESSAGE_CODE_1330,
        list_uri=codes.NACHRICHTENTYP_LIST,
        version=codes.NACHRICHTENTYP_VERSION,
    )
    _sub(ident, "erstellungszeitpunkt", created.isoformat(timespec="milliseconds"))
    _party(header, "leser", reader)
    _party(header, "autor", author)
    _building(_sub(root, "anschrift.autor"), requester.address)

    office = _sub(root, f"{_X}datenAbrufendeStelle")
    _sub(office, f"{_X}sicherheitsbehoerde", "true" if requester.security_authority else "false")
    entitled = _sub(office, f"{_X}abrufberechtigteStelle")
    _reach(entitled, f"{_X}erreichbarkeit", requester.email)
    _building(_sub(entitled, f"{_X}anschrift"), requester.address)
    _sub(entitled, f"{_X}behoerdenname", requester.authority_name)
    _sub(office, f"{_X}aktenzeichen", requester.case_reference)
    _sub(office, f"{_X}anlassDesAbrufs", requester.purpose)
    _sub(office, f"{_X}kennung", requester.user_id)

    profile = _sub(root, f"{_X}suchprofil")
    _auswahldaten(profile, keys, remote_ags=ags_of(reader.kennung))
    control = _sub(root, f"{_X}steuerungsinformationen")
    for code in requested:
        _code(
            control,
            f"{_X}anforderungselement",
            code,
            list_uri=codes.ANFORDERUNGSELEMENT_LIST,
            version=codes.ANFORDERUNGSELEMENT_VERSION,
        )
    # The hub opens its own task for blocked persons; the remote need not notify by post.
    _sub(control, f"{_X}verzichtAufMitteilung", "true" if waive_notice else "false")
    return BuiltRequest(message_uuid=message_uuid, created=created, document=root)
