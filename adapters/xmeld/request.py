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
from adapters.xmeld.build import (
    Party,
    PostalAddress,
    building,
    code,
    day,
    header,
    house_number,
    reach,
    root_element,
    sub,
    to_bytes,
    x,
)
from adapters.xmeld.names import PERSONENSUCHE_ANFRAGE

# Party and PostalAddress are build_1330's parameter types: callers may take them from here.
__all__ = ["BuiltRequest", "Party", "PostalAddress", "Requester", "ags_of", "build_1330"]

AGS_LENGTH = 8


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
        return to_bytes(self.document)


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
    data = sub(parent, x("auswahldaten"))
    _search_name(data, keys)
    _search_address(data, keys, remote_ags=remote_ags)
    _search_life_events(data, keys)


def _search_name(data: etree._Element, keys: Mapping[str, str]) -> None:
    outer = sub(data, x("name"))
    name = sub(outer, x("name"))
    family = _first(keys, "name", "prev_names")
    given = _first(keys, "given_names")
    artist = _first(keys, "religious_artist_name")
    if family and given:
        both = sub(name, x("nachnameUndVornamen"))
        sub(sub(both, x("vornamen")), "name", given)
        sub(sub(both, x("nachname")), "name", family)
    elif artist:
        sub(name, x("ordensOderKuenstlername"), artist)
    else:  # BMG §38 Abs. 1: a Personensuche needs name and given names
        raise InvalidLookup("name and given_names are required", member="name")


def _search_address(data: etree._Element, keys: Mapping[str, str], *, remote_ags: str) -> None:
    address = sub(data, x("anschrift"))
    # The Wohnort is the remote municipality itself (its AGS, grund 14 otherwise).
    code(address, "gemeindeschluessel", remote_ags, codes.AGS_LIST)
    number = _first(keys, "house_number")
    if number and not house_number(address, number):
        # Dropping the key would widen the search: refuse instead.
        raise InvalidLookup("house_number has no XMeld form", member="house_number")
    if postal_code := _first(keys, "postal_code"):
        sub(address, "postleitzahl", postal_code)
    if street := _first(keys, "street"):
        sub(address, "strasse", street)


def _search_life_events(data: etree._Element, keys: Mapping[str, str]) -> None:
    if birth_date := _first(keys, "birth_date"):
        day(sub(data, x("geburtsdatum")), x("geburtsdatum"), birth_date)
    if birth_place := _first(keys, "birth_place"):
        # A bare place name is the inland form; abroad needs a Staat the keys lack.
        sub(sub(data, x("geburtsort")), x("geburtsort.inland"), birth_place)
    if sex := _first(keys, "sex"):
        code(data, x("geschlecht"), sex, codes.GESCHLECHT_LIST)
    if death_date := _first(keys, "death_date"):
        sub(data, x("sterbetag"), death_date)
    if death_place := _first(keys, "death_place"):
        sub(sub(data, x("sterbeort")), x("sterbeort.inland"), death_place)
    if azr_no := _first(keys, "azr_no"):
        sub(data, x("azrNummer"), azr_no)


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
    root = root_element(
        PERSONENSUCHE_ANFRAGE,
        product="Register-Hub",
        vendor=requester.authority_name,
        version=product_version,
    )
    header(
        root,
        message_uuid=message_uuid,
        type_code=codes.MESSAGE_CODE_1330,
        created=created,
        reader=reader,
        author=author,
    )
    building(sub(root, "anschrift.autor"), requester.address)

    office = sub(root, x("datenAbrufendeStelle"))
    sub(office, x("sicherheitsbehoerde"), "true" if requester.security_authority else "false")
    entitled = sub(office, x("abrufberechtigteStelle"))
    reach(entitled, x("erreichbarkeit"), requester.email)
    building(sub(entitled, x("anschrift")), requester.address)
    sub(entitled, x("behoerdenname"), requester.authority_name)
    sub(office, x("aktenzeichen"), requester.case_reference)
    sub(office, x("anlassDesAbrufs"), requester.purpose)
    sub(office, x("kennung"), requester.user_id)

    profile = sub(root, x("suchprofil"))
    _auswahldaten(profile, keys, remote_ags=ags_of(reader.kennung))
    control = sub(root, x("steuerungsinformationen"))
    for requested_code in requested:
        code(control, x("anforderungselement"), requested_code, codes.ANFORDERUNGSELEMENT_LIST)
    # The hub opens its own task for blocked persons; the remote need not notify by post.
    sub(control, x("verzichtAufMitteilung"), "true" if waive_notice else "false")
    return BuiltRequest(message_uuid=message_uuid, created=created, document=root)
