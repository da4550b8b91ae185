"""Melderegister field values (adapters/melderegister/mapping.py) → XMeld 25.11a ``person``.

One builder per field ID, placed where ``FieldSpec.xoev_element`` says (below
``person/personendaten``, or ``person`` for related persons); element order follows the
schema's sequences. Only released fields arrive here, so only they are written.
``SERVED_FIELDS`` (the builders' field IDs) decides which requested codes the endpoint
serves; the codes themselves come from ``adapters.xmeld.codes``. The spouse, documents and
permits are built in ``xoev_partner`` and ``xoev_documents``; move dates and the Wohnungsgeber,
which sit inside ``wohnung``, by ``xoev_dwelling.complete_dwellings`` after all builders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Final, TypeAlias

from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.build import code, day, house_number, name_part, sub, x
from hub.domain import QueryKind
from hub.logging import get_logger
from hub.serialise import xoev_documents, xoev_partner
from hub.serialise.xoev_dwelling import complete_dwellings

_log = get_logger(__name__)
_Parts: TypeAlias = "dict[str, list[etree._Element]]"  # noqa: SLF001 - lxml element type

# Schema order of personendaten's children (type.Personensuche.Abrufdaten.Personendaten).
_ORDER = (
    "name",
    "geburtsangaben",
    "wohnung",
    "sterbedaten",
    "geschlecht",
    "staatsangehoerigkeit",
    "ausweisdokument",
    "waffenrechtlicheErlaubnis",
    "waffenbesitzverbot",
    "sprengstoffrechtlicheErlaubnis",
    "familienstand",
    "verzogen",
)
# The same in a 1333 (type.FreieSuche.Abrufdaten.Personendaten): the permits swap places.
_FREE_ORDER = (
    "name",
    "geburtsangaben",
    "wohnung",
    "sterbedaten",
    "geschlecht",
    "staatsangehoerigkeit",
    "ausweisdokument",
    "sprengstoffrechtlicheErlaubnis",
    "waffenrechtlicheErlaubnis",
    "waffenbesitzverbot",
)
# Schema order of person's children after personendaten (type.Personensuche.Abrufdaten).
_PERSON_ORDER = ("gesetzlicherVertreter", "partner", "kind")
_MAX_REPRESENTATIVES = 4  # gesetzlicherVertreter maxOccurs
# Schema order inside name (NameNatuerlichePerson[MitNachweisOhnePflichtangaben]).
_NAME_ORDER = (
    "familienname.unstrukturiert",
    "frueherer.familienname",
    "frueherer.familienname.unstrukturiert",
    "vornamen",
    "doktorgrad",
    "ordensname",
)


# Coarsened dates (hub/query/transform.py) -> the TeilbekanntesDatum choice that holds them.
_PARTIAL_DATES = (("date_year_month", "jahrMonat"), ("date_year", "jahr"))


def _partial_day(parent: etree._Element, tag: str, value: Mapping[str, Any]) -> None:
    """``<tag><teilbekanntesDatum><jahrMonat>`` (or ``jahr``) for a coarsened date."""
    for key, element in _PARTIAL_DATES:
        if value.get(key):
            sub(sub(sub(parent, tag), "teilbekanntesDatum"), element, value[key])
            return


class PersonWriter:
    """Writes one person's released fields for a 1331 (person) or 1333 (free) answer."""

    def __init__(self, *, kind: str, ags: str, city: str) -> None:
        self._free = kind == QueryKind.FREE
        self._ags, self._city = ags, city

    def person(self, fields: Mapping[str, Any], parent: etree._Element) -> etree._Element:
        person = sub(parent, x("person"))
        data = sub(person, x("personendaten"))
        parts: _Parts = {}
        for field_id in sorted(fields):
            value = fields[field_id]
            builder = self.BUILDERS.get(field_id)
            if value in (None, [], {}) or builder is None:
                continue
            builder(self, value, parts)
        complete_dwellings(fields, parts, free=self._free)
        name = parts.pop("name", None)
        if name:
            holder = etree.Element(x("name"))
            for tag in _NAME_ORDER:
                holder.extend(n for n in name if etree.QName(n).localname == tag)
            parts["name"] = [holder]
        for tag in _FREE_ORDER if self._free else _ORDER:
            data.extend(parts.get(tag, []))
        for tag in _PERSON_ORDER:
            person.extend(parts.get(tag, []))
        return person

    @staticmethod
    def _add(parts: _Parts, key: str, node: etree._Element) -> None:
        parts.setdefault(key, []).append(node)

    def _name(self, value: str, parts: _Parts) -> None:
        node = etree.Element(x("familienname.unstrukturiert"))
        name_part(node, x("nachname"), value)
        self._add(parts, "name", node)

    def _prev_names(self, value: list[str], parts: _Parts) -> None:
        for previous in value:
            if self._free:
                node = etree.Element(x("frueherer.familienname.unstrukturiert"))
                sub(node, "name", previous)
            else:
                node = etree.Element(x("frueherer.familienname"))
                name_part(node, x("frueherer.familienname"), previous)
            self._add(parts, "name", node)

    def _given_names(self, value: list[str], parts: _Parts) -> None:
        node = etree.Element(x("vornamen"))
        name_part(node, x("vornamen"), " ".join(value))
        self._add(parts, "name", node)

    def _doctor(self, value: str, parts: _Parts) -> None:
        node = etree.Element(x("doktorgrad"))
        node.text = value
        self._add(parts, "name", node)

    def _religious_artist_name(self, value: str, parts: _Parts) -> None:
        node = etree.Element(x("ordensname"))
        node.text = value
        self._add(parts, "name", node)

    def _state(self, parent: etree._Element, tag: str, iso: str | None) -> None:
        destatis = codes.NATIONALITY_TO_DESTATIS.get(iso or "")
        if destatis is None:
            _log.warning("xmeld_state_code_unmapped", element=tag)
            return
        code(parent, x(tag), destatis, codes.STAATSGEBIETE_LIST)

    def _birth(self, value: Mapping[str, Any], parts: _Parts) -> None:
        node = etree.Element(x("geburtsangaben"))
        birth = node if self._free else sub(node, x("geburt"))
        if value.get("place"):
            sub(birth, x("geburtsort"), value["place"])
        if value.get("country"):
            self._state(birth, "geburtsortStaat", value["country"])
        if value.get("date"):
            day(birth, x("geburtsdatum"), value["date"])
        else:  # a coarser value (hub/query/transform.py): a partly known date
            _partial_day(birth, x("geburtsdatum"), value)
        self._add(parts, "geburtsangaben", node)

    def _sex(self, value: str, parts: _Parts) -> None:
        node = etree.Element("holder")
        self._add(parts, "geschlecht", code(node, x("geschlecht"), value, codes.GESCHLECHT_LIST))

    def _nationality(self, value: list[str], parts: _Parts) -> None:
        holder = etree.Element("holder")
        for iso in value[:4]:  # the schema admits four
            destatis = codes.NATIONALITY_TO_DESTATIS.get(iso)
            if destatis is None:
                _log.warning("xmeld_nationality_unmapped")
                continue
            node = code(
                holder, x("staatsangehoerigkeit"), destatis, codes.STAATSANGEHOERIGKEIT_LIST
            )
            self._add(parts, "staatsangehoerigkeit", node)

    def _inland(self, parent: etree._Element, address: Mapping[str, Any]) -> None:
        """Street, number and postal code only as released: a ``district`` address has none.

        Meldeanschrift has no element for a city district, so XMeld carries the
        municipality alone (gemeindeschluessel, wohnort): coarser still, never finer.
        """
        if address.get("city") == self._city:
            code(parent, "gemeindeschluessel", self._ags, codes.AGS_LIST)
        house_number(parent, address.get("house_number") or "")  # left out if unsplittable
        if address.get("postal_code"):
            sub(parent, "postleitzahl", address["postal_code"])
        if address.get("street"):
            sub(parent, "strasse", address["street"])
        if address.get("city"):
            sub(parent, "wohnort", address["city"])

    def _addresses(self, value: list[Mapping[str, Any]], parts: _Parts) -> None:
        # A 1333 carries one wohnung: the current Haupt- or alleinige Wohnung (mapping.py).
        for address in value[:1] if self._free else value:
            node = etree.Element(x("wohnung"))
            anschrift = sub(node, x("anschrift"))
            inland = sub(anschrift, x("anschrift.inland"))
            self._inland(inland if self._free else sub(inland, x("anschrift.inland")), address)
            if not self._free:
                current = address.get("current", address.get("moved_out") is None)
                sub(node, x("wohnung.aktuell"), "true" if current else "false")
            self._add(parts, "wohnung", node)

    def _death(self, value: Mapping[str, Any], parts: _Parts) -> None:
        node = etree.Element(x("sterbedaten"))
        tod = sub(node, x("tod"))
        if value.get("place"):
            sub(tod, x("sterbeort"), value["place"])
        if value.get("country"):
            self._state(tod, "sterbeortStaat", value["country"])
        # sterbetag is a full Tagesdatum in XMeld: a coarsened death date is left out.
        if value.get("date"):
            sub(tod, x("sterbetag"), value["date"])
        self._add(parts, "sterbedaten", node)

    def _marital(self, value: Mapping[str, Any], parts: _Parts) -> None:
        status = codes.MARITAL_TO_CODE.get(value.get("status") or "")
        if status is None:
            _log.warning("xmeld_marital_status_unmapped")
            return
        node = etree.Element(x("familienstand"))
        inner = sub(node, x("familienstand"))
        if value.get("since"):
            sub(sub(inner, x("datumBeginn")), "jahrMonatTag", value["since"])
        code(inner, x("familienstand"), status, codes.FAMILIENSTAND_LIST)
        self._add(parts, "familienstand", node)

    def _related(
        self, tag: str, value: Mapping[str, Any], *, representative: bool
    ) -> etree._Element:
        """A child or legal representative: names, birth date, sex, death date.

        Addresses stay out: a related person's address carries its own Sperrvermerk, which
        the related summary does not release (and the client cannot read it there yet).
        """
        node = etree.Element(x(tag))
        if value.get("name") or value.get("given_names"):
            name = sub(node, x("name"))
            holder = sub(name, x("nameNatuerlichePerson")) if representative else name
            if value.get("name"):
                name_part(
                    sub(holder, x("familienname.unstrukturiert")), x("nachname"), value["name"]
                )
            if value.get("given_names"):
                name_part(holder, x("vornamen"), " ".join(value["given_names"]))
            if representative and value.get("doctor"):
                sub(holder, x("doktorgrad"), value["doctor"])
        if value.get("birth_date"):
            day(sub(node, x("geburt")), x("geburtsdatum"), value["birth_date"])
        if value.get("sex"):
            code(node, x("geschlecht"), value["sex"], codes.GESCHLECHT_LIST)
        if value.get("death_date"):
            sub(sub(node, x("sterbetag")), x("sterbetag"), value["death_date"])
        return node

    def _legal_rep(self, value: list[Mapping[str, Any]], parts: _Parts) -> None:
        for rep in value[:_MAX_REPRESENTATIVES]:
            node = self._related("gesetzlicherVertreter", rep, representative=True)
            self._add(parts, "gesetzlicherVertreter", node)

    def _children(self, value: list[Mapping[str, Any]], parts: _Parts) -> None:
        for child in value:
            self._add(parts, "kind", self._related("kind", child, representative=False))

    # BMG §3 Abs. 1 Nr. 15, 17 and Abs. 2 Nr. 7, 8 data: builders in their own modules.
    def _spouse(self, value: Mapping[str, Any], parts: _Parts) -> None:
        xoev_partner.spouse(value, parts, free=self._free, write_inland=self._inland)

    def _id_docs(self, value: list[Mapping[str, Any]], parts: _Parts) -> None:
        xoev_documents.id_documents(value, parts)

    def _weapons(self, value: Mapping[str, Any], parts: _Parts) -> None:
        xoev_documents.weapons(value, parts, free=self._free)

    def _explosives(self, value: Mapping[str, Any], parts: _Parts) -> None:
        xoev_documents.explosives(value, parts, free=self._free)

    def _in_dwelling(self, value: object, parts: _Parts) -> None:
        """move_dates and landlord live inside wohnung: ``complete_dwellings`` writes them."""

    # Field ID → builder; SERVED_FIELDS (what the endpoint answers) is derived from it.
    BUILDERS: ClassVar[Mapping[str, Callable[[PersonWriter, Any, _Parts], None]]] = {
        "name": _name,
        "prev_names": _prev_names,
        "given_names": _given_names,
        "doctor": _doctor,
        "religious_artist_name": _religious_artist_name,
        "birth": _birth,
        "sex": _sex,
        "nationality": _nationality,
        "addresses": _addresses,
        "death": _death,
        "marital": _marital,
        "legal_rep": _legal_rep,
        "children": _children,
        "spouse": _spouse,
        "id_docs": _id_docs,
        "weapons": _weapons,
        "explosives": _explosives,
        "move_dates": _in_dwelling,
        "landlord": _in_dwelling,
    }


# Fields the hub can answer in XMeld; every other requested code is reported as unserved.
SERVED_FIELDS: Final = frozenset(PersonWriter.BUILDERS)
