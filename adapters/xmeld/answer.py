"""Parse a ``datenabruf.personensuche.antwort.1331`` into the hub's Melderegister values.

Values take the JSON shapes of ``adapters.melderegister.mapping`` (the import
format). Facts follow ``adapters.xmeld.codes``: what the answer does not state stays unknown
(the key is left out), which the Melderegister policy reads as "hold".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from adapters.errors import UpstreamContractError
from adapters.melderegister.mapping import dated_addresses
from adapters.xmeld import answer_details as details
from adapters.xmeld import codes
from adapters.xmeld.names import PERSONENSUCHE_ANTWORT, XMELD_NS
from adapters.xmeld.read import NS as _NS
from adapters.xmeld.read import boolean as _bool
from adapters.xmeld.read import code as _code
from adapters.xmeld.read import date as _date
from adapters.xmeld.read import find as _find
from adapters.xmeld.read import name_text as _name_text
from adapters.xmeld.read import text as _text
from adapters.xmeld.read import xpath as _x

_X = f"{{{XMELD_NS}}}"
_SEX = {"m": "m", "w": "w", "d": "d", "x": "x"}


@dataclass(frozen=True, slots=True)
class Rejection:
    code: str
    text: str | None


@dataclass(frozen=True, slots=True)
class AnsweredPerson:
    """One ``person`` of an auskunft: every value the answer carries and the policy facts."""

    identifier: str | None
    values: dict[str, Any]
    facts: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Answer1331:
    message_uuid: str | None
    origin_uuid: str | None
    status: str | None
    rejections: tuple[Rejection, ...] = ()
    persons: tuple[AnsweredPerson, ...] = field(default_factory=tuple)

    @property
    def neutral(self) -> bool:
        """Not identified or Auskunftssperre: the remote already applied its law."""
        return self.status == codes.STATUS_NOT_IDENTIFIED


def _nationality(code: str | None) -> str | None:
    """ISO 3166 for the Destatis codes of the shared table; any other code as sent."""
    return None if code is None else codes.DESTATIS_TO_NATIONALITY.get(code, code)


def _address(wohnung: etree._Element) -> tuple[dict[str, Any] | None, bool | None]:
    """One dwelling in the import shape, and its bedingter Sperrvermerk."""
    inland = _find(wohnung, "anschrift/anschrift.inland")
    current = _bool(_find(wohnung, "wohnung.aktuell"))
    moved_in = _date(_find(wohnung, "datumDesBeziehens"))
    moved_out = _date(_find(wohnung, "datumDesAuszugs"))
    status = _code(_find(wohnung, "statusderwohnung")) or ""
    kind = codes.DWELLING_KIND_OF_STATUS.get(status, "haupt")
    if inland is None:
        return None, None
    meldeanschrift = _find(inland, "anschrift.inland")
    target = meldeanschrift if meldeanschrift is not None else inland
    number = _text(target, "hausnummer")
    suffix = _text(target, "hausnummerBuchstabeZusatzziffer")
    address = {
        "street": _text(target, "strasse"),
        "house_number": f"{number}{suffix}" if number and suffix else number,
        "postal_code": _text(target, "postleitzahl"),
        "city": _text(target, "wohnort"),
        "kind": kind,
        "moved_in": moved_in,
        "moved_out": moved_out if current is False else None,
    }
    return address, _bool(_find(inland, "bedingterSperrvermerk"))


def _names(data: etree._Element) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = _find(data, "name")
    if name is None:
        return values
    family = _name_text(_find(name, "familienname.unstrukturiert/nachname"))
    if family is not None:
        values["name"] = family
    earlier = [
        _name_text(_find(node, "frueherer.familienname"))
        for node in name.findall(_x("frueherer.familienname"), _NS)
    ]
    birth_name = _name_text(_find(name, "geburtsname.unstrukturiert"))
    prev = [item for item in [birth_name, *earlier] if item]
    if prev or birth_name is not None or earlier:
        values["prev_names"] = list(dict.fromkeys(prev))
    given = _name_text(_find(name, "vornamen/vornamen"))
    if given is not None:
        values["given_names"] = given.split()
    doctor = _find(name, "doktorgrad")
    if doctor is not None:
        values["doctor"] = _text(doctor) or _text(doctor, "code") or None
    artist = _text(_find(name, "kuenstlername")) or _text(_find(name, "ordensname"))
    if artist is not None:
        values["religious_artist_name"] = artist
    return values


def _related(node: etree._Element) -> dict[str, Any]:
    """A spouse, child or legal representative in the shape of ``related_summary``."""
    name = _find(node, "name")
    natural = None if name is None else _find(name, "nameNatuerlichePerson")
    if natural is not None:  # a gesetzlicherVertreter's name holds one more level
        name = natural
    family = given = None
    if name is not None:
        for candidate in ("familienname", "nachname", "familienname.unstrukturiert/nachname"):
            family = family or _name_text(_find(name, candidate)) or _text(_find(name, candidate))
        for candidate in ("vornamen", "vornamen/vornamen"):
            given = given or _name_text(_find(name, candidate)) or _text(_find(name, candidate))
    addresses: list[Mapping[str, Any]] = []
    for wohnung in [*node.findall(_x("wohnung"), _NS), *node.findall(_x("anschrift"), _NS)]:
        address, _ = _address(wohnung)
        if address is not None:
            addresses.append(address)
    return {
        "name": family,
        "given_names": given.split() if given else [],
        "doctor": None if name is None else _text(_find(name, "doktorgrad")),
        "birth_date": _date(_find(node, "geburt/geburtsdatum")),
        "sex": _SEX.get(_code(_find(node, "geschlecht")) or ""),
        "addresses": dated_addresses(addresses, dates=False),  # current ones, undated
        "death_date": _date(_find(node, "sterbetag/sterbetag")) or _date(_find(node, "sterbetag")),
        # A remote answer never says whether a related person is blocked: unknown.
        "blocks": None,
    }


def _identity(data: etree._Element, values: dict[str, Any]) -> None:
    values.update(_names(data))
    birth = _find(data, "geburtsangaben/geburt")
    if birth is not None:
        values["birth"] = {
            "date": _date(_find(birth, "geburtsdatum")),
            "place": _text(_find(birth, "geburtsort")),
            "country": _nationality(_code(_find(birth, "geburtsortStaat"))) or "DE",
        }
    sex = _code(_find(data, "geschlecht"))
    if sex is not None:
        values["sex"] = _SEX.get(sex, sex)
    nationalities = data.findall(_x("staatsangehoerigkeit"), _NS)
    if nationalities:
        values["nationality"] = [n for n in map(_nationality, map(_code, nationalities)) if n]
    marital = _find(data, "familienstand/familienstand")
    if marital is not None:
        status = _code(_find(marital, "familienstand"))
        values["marital"] = {
            "status": codes.CODE_TO_MARITAL.get(status or "", status),
            "since": _date(_find(marital, "datumBeginn")),
        }
    death = _find(data, "sterbedaten/tod")
    if death is not None:
        values["death"] = {
            "date": _date(_find(death, "sterbetag")),
            "place": _text(_find(death, "sterbeort")),
            "country": _nationality(_code(_find(death, "sterbeortStaat"))) or "DE",
        }


def _dwellings(data: etree._Element, values: dict[str, Any]) -> list[bool | None]:
    """Addresses, move dates and landlord; returns each inland address's Sperrvermerk."""
    dwellings = data.findall(_x("wohnung"), _NS)
    if not dwellings:
        return []
    addresses, sperrvermerke = [], []
    for wohnung in dwellings:
        address, sperrvermerk = _address(wohnung)
        if address is not None:
            addresses.append(address)
            sperrvermerke.append(sperrvermerk)
    values["addresses"] = addresses
    values["move_dates"] = details.move_dates(data, dwellings)
    landlord = details.landlord(dwellings)
    if landlord is not None:
        values["landlord"] = landlord
    return sperrvermerke


def _documents_and_permits(data: etree._Element, values: dict[str, Any]) -> None:
    found = {
        "id_docs": details.id_documents(data),
        "weapons": details.weapons(data),
        "explosives": details.explosives(data),
    }
    values.update({field_id: value for field_id, value in found.items() if value is not None})
    denials = data.findall(_x("passversagung"), _NS)
    if denials:
        values["passport_denial"] = {
            "status": [_code(_find(d, "passversagung/status")) for d in denials]
        }


def _related_persons(person: etree._Element, values: dict[str, Any]) -> None:
    partner = _find(person, "partner")
    if partner is not None:
        values["spouse"] = {**_related(partner), "partnership": details.partnership(partner)}
    reps = person.findall(_x("gesetzlicherVertreter"), _NS)
    if reps:
        values["legal_rep"] = [_related(rep) for rep in reps]
    children = person.findall(_x("kind"), _NS)
    if children:
        values["children"] = [_related(child) for child in children]


def _person(person: etree._Element) -> AnsweredPerson:
    data = _find(person, "personendaten")
    values: dict[str, Any] = {}
    # auskunftssperre: a delivered person is one the remote released for a non-security
    # requester (the 1330 says sicherheitsbehoerde=false); a Sperre would have given 03.
    facts: dict[str, Any] = {"auskunftssperre": None}
    sperrvermerke: list[bool | None] = []
    if data is not None:
        _identity(data, values)
        sperrvermerke = _dwellings(data, values)
        _documents_and_permits(data, values)
        _death_fact(data, values, facts)
        _move_fact(data, values, facts)
    if sperrvermerke and all(flag is False for flag in sperrvermerke):
        facts["bedingter_sperrvermerk"] = False
    elif any(flag is True for flag in sperrvermerke):
        facts["bedingter_sperrvermerk"] = True
    else:
        facts["bedingter_sperrvermerk"] = None  # unknown: the policy adds the §41 notice
    _related_persons(person, values)
    return AnsweredPerson(
        identifier=_text(_find(person, "identifikationsmerkmal")), values=values, facts=facts
    )


def _death_fact(data: etree._Element, values: dict[str, Any], facts: dict[str, Any]) -> None:
    died = (values.get("death") or {}).get("date")
    dead = _bool(_find(data, "verstorben"))
    if died:
        facts["deceased_on"] = died
    elif dead is False and "death" not in values:
        facts["deceased_on"] = None
    # otherwise unknown: left out, the policy holds the hit (§13 Abs. 2)


def _move_fact(data: etree._Element, values: dict[str, Any], facts: dict[str, Any]) -> None:
    away = (values.get("move_dates") or {}).get("moved_away")
    moved = _bool(_find(data, "verzogen"))
    if away:
        facts["moved_away_on"] = away
    elif moved is False:
        facts["moved_away_on"] = None


def parse_1331(root: etree._Element) -> Answer1331:
    """Map a safely parsed (and, where configured, validated) 1331."""
    if root.tag != f"{_X}{PERSONENSUCHE_ANTWORT}":
        raise UpstreamContractError("the answer is not a datenabruf.personensuche.antwort.1331")
    message_uuid = _text(root, "nachrichtenkopf.g2g/identifikation.nachricht/nachrichtenUUID")
    origin_uuid = _text(root, f"{_x('ursprungsnachricht')}/nachrichtenUUID")
    answer = _find(root, "antwortSuchanfrage")
    if answer is None:
        raise UpstreamContractError("the 1331 has no antwortSuchanfrage")
    rejections = tuple(
        Rejection(
            code=_code(_find(node, "grundDerRueckweisung")) or "",
            text=_text(_find(node, "freitext")),
        )
        for node in answer.findall(_x("rueckweisung"), _NS)
    )
    if rejections:
        return Answer1331(message_uuid, origin_uuid, None, rejections)
    auskunft = _find(answer, "auskunft")
    if auskunft is None:
        raise UpstreamContractError("the 1331 has neither rueckweisung nor auskunft")
    status = _code(_find(auskunft, "ergebnisstatus"))
    if status not in {codes.STATUS_IDENTIFIED, codes.STATUS_HIT_LIST, codes.STATUS_NOT_IDENTIFIED}:
        raise UpstreamContractError("the 1331 has an unknown ergebnisstatus")
    persons = (
        ()
        if status == codes.STATUS_NOT_IDENTIFIED  # neutral: ignore anything sent along
        else tuple(_person(node) for node in auskunft.findall(_x("person"), _NS))
    )
    return Answer1331(message_uuid, origin_uuid, status, (), persons)
