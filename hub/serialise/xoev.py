"""Melderegister field values (adapters/melderegister/mapping.py) → XMeld 25.11a ``person``.

One builder per field ID, placed where ``FieldSpec.xoev_element`` says (below
``person/personendaten``); element order follows the schema's sequences. Only released
fields arrive here, so only they are written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from lxml import etree

from adapters.xmeld import names
from hub.logging import get_logger
from hub.xoev.codes import NATIONALITY_TO_DESTATIS

_log = get_logger(__name__)
_HOUSE = re.compile(r"^\s*(\d{1,4})\s*([\w./ ]{0,4})\s*$")

# Schema order of personendaten's children (Personensuche / FreieSuche Abrufdaten).
_ORDER = (
    "name",
    "geburtsangaben",
    "wohnung",
    "sterbedaten",
    "geschlecht",
    "staatsangehoerigkeit",
)
# Schema order inside name (NameNatuerlichePerson[MitNachweisOhnePflichtangaben]).
_NAME_ORDER = (
    "familienname.unstrukturiert",
    "frueherer.familienname",
    "frueherer.familienname.unstrukturiert",
    "vornamen",
    "doktorgrad",
    "ordensname",
)


def x(local: str) -> str:
    return names.qualified(local)


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def code(
    parent: etree._Element, tag: str, value: str, code_list: tuple[str, str]
) -> etree._Element:
    node = sub(parent, tag)
    node.set("listURI", code_list[0])
    node.set("listVersionID", code_list[1])
    sub(node, "code", value)
    return node


def _name_part(parent: etree._Element, tag: str, value: str) -> None:
    sub(sub(parent, x(tag)), "name", value)


def _day(parent: etree._Element, tag: str, iso_date: str) -> None:
    sub(sub(sub(parent, tag), "teilbekanntesDatum"), "jahrMonatTag", iso_date)


class PersonWriter:
    """Writes one person's released fields for a 1331 (person) or 1333 (free) answer."""

    def __init__(self, *, kind: str, ags: str, city: str) -> None:
        self._free = kind == "free"
        self._ags, self._city = ags, city

    def person(self, fields: Mapping[str, Any], parent: etree._Element) -> etree._Element:
        person = sub(parent, x("person"))
        data = sub(person, x("personendaten"))
        parts: dict[str, list[etree._Element]] = {}
        for field_id in sorted(fields):
            value = fields[field_id]
            builder = self._builders().get(field_id)
            if value in (None, [], {}) or builder is None:
                continue
            builder(value, parts)
        name = parts.pop("name", None)
        if name:
            holder = etree.Element(x("name"))
            for tag in _NAME_ORDER:
                holder.extend(n for n in name if etree.QName(n).localname == tag)
            parts["name"] = [holder]
        for tag in _ORDER:
            data.extend(parts.get(tag, []))
        return person

    def _builders(self) -> dict[str, Callable[[Any, dict[str, list[etree._Element]]], None]]:
        return {
            "name": self._name,
            "prev_names": self._prev_names,
            "given_names": self._given_names,
            "doctor": self._doctor,
            "religious_artist_name": self._religious_artist_name,
            "birth": self._birth,
            "sex": self._sex,
            "nationality": self._nationality,
            "addresses": self._addresses,
            "death": self._death,
        }

    @staticmethod
    def _add(parts: dict[str, list[etree._Element]], key: str, node: etree._Element) -> None:
        parts.setdefault(key, []).append(node)

    def _name(self, value: str, parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("familienname.unstrukturiert"))
        _name_part(node, "nachname", value)
        self._add(parts, "name", node)

    def _prev_names(self, value: list[str], parts: dict[str, list[etree._Element]]) -> None:
        for previous in value:
            if self._free:
                node = etree.Element(x("frueherer.familienname.unstrukturiert"))
                sub(node, "name", previous)
            else:
                node = etree.Element(x("frueherer.familienname"))
                _name_part(node, "frueherer.familienname", previous)
            self._add(parts, "name", node)

    def _given_names(self, value: list[str], parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("vornamen"))
        _name_part(node, "vornamen", " ".join(value))
        self._add(parts, "name", node)

    def _doctor(self, value: str, parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("doktorgrad"))
        node.text = value
        self._add(parts, "name", node)

    def _religious_artist_name(self, value: str, parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("ordensname"))
        node.text = value
        self._add(parts, "name", node)

    def _state(self, parent: etree._Element, tag: str, iso: str | None) -> None:
        destatis = NATIONALITY_TO_DESTATIS.get(iso or "")
        if destatis is None:
            _log.warning("xmeld_state_code_unmapped", element=tag)
            return
        code(parent, x(tag), destatis, names.STAATSGEBIETE_LIST)

    def _birth(self, value: Mapping[str, Any], parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("geburtsangaben"))
        birth = node if self._free else sub(node, x("geburt"))
        if value.get("place"):
            sub(birth, x("geburtsort"), value["place"])
        if value.get("country"):
            self._state(birth, "geburtsortStaat", value["country"])
        if value.get("date"):
            _day(birth, x("geburtsdatum"), value["date"])
        self._add(parts, "geburtsangaben", node)

    def _sex(self, value: str, parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element("holder")
        self._add(parts, "geschlecht", code(node, x("geschlecht"), value, names.GESCHLECHT_LIST))

    def _nationality(self, value: list[str], parts: dict[str, list[etree._Element]]) -> None:
        holder = etree.Element("holder")
        for iso in value[:4]:  # the schema admits four
            destatis = NATIONALITY_TO_DESTATIS.get(iso)
            if destatis is None:
                _log.warning("xmeld_nationality_unmapped")
                continue
            node = code(
                holder, x("staatsangehoerigkeit"), destatis, names.STAATSANGEHOERIGKEIT_LIST
            )
            self._add(parts, "staatsangehoerigkeit", node)

    def _inland(self, parent: etree._Element, address: Mapping[str, Any]) -> None:
        if address.get("city") == self._city:
            code(parent, "gemeindeschluessel", self._ags, names.AGS_LIST)
        house = _HOUSE.match(address.get("house_number") or "")
        if house:
            sub(parent, "hausnummer", house.group(1))
            if house.group(2):
                sub(parent, "hausnummerBuchstabeZusatzziffer", house.group(2))
        if address.get("postal_code"):
            sub(parent, "postleitzahl", address["postal_code"])
        if address.get("street"):
            sub(parent, "strasse", address["street"])
        if address.get("city"):
            sub(parent, "wohnort", address["city"])

    def _addresses(
        self, value: list[Mapping[str, Any]], parts: dict[str, list[etree._Element]]
    ) -> None:
        # A 1333 carries one wohnung: the current Haupt- or alleinige Wohnung (mapping.py).
        for address in value[:1] if self._free else value:
            node = etree.Element(x("wohnung"))
            anschrift = sub(node, x("anschrift"))
            inland = sub(anschrift, x("anschrift.inland"))
            self._inland(inland if self._free else sub(inland, x("anschrift.inland")), address)
            if not self._free:
                current = address.get("moved_out") is None
                sub(node, x("wohnung.aktuell"), "true" if current else "false")
            self._add(parts, "wohnung", node)

    def _death(self, value: Mapping[str, Any], parts: dict[str, list[etree._Element]]) -> None:
        node = etree.Element(x("sterbedaten"))
        tod = sub(node, x("tod"))
        if value.get("place"):
            sub(tod, x("sterbeort"), value["place"])
        if value.get("country"):
            self._state(tod, "sterbeortStaat", value["country"])
        if value.get("date"):
            sub(tod, x("sterbetag"), value["date"])
        self._add(parts, "sterbedaten", node)
