"""The Ehegatte or Lebenspartner (field ``spouse``) as a 1331 ``partner``.

BMG §3 Abs. 1 Nr. 15, BMeldDAV §5 Abs. 1 S. 1 Nr. 13: names, Doktorgrad, birth date, sex,
current addresses and death date (``adapters.melderegister.mapping.related_summary``). The
policy has already left out a spouse with an Auskunftssperre (BMG §34a Abs. 5 S. 3); a
bedingter Sperrvermerk of the spouse is sent along unasked with each address, as the
schema's annotation requires. A 1333 has no partner element (BMeldDAV §8): nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.build import code, day, name_part, sub, x

Parts: TypeAlias = "dict[str, list[etree._Element]]"  # noqa: SLF001 - lxml element type
WriteInland: TypeAlias = "Callable[[etree._Element, Mapping[str, Any]], None]"  # noqa: SLF001
_DEFAULT_PARTNERSHIP = "ehe"


def _name(parent: etree._Element, value: Mapping[str, Any]) -> None:
    """type.NameNatuerlichePerson.Partner: Familienname, Vornamen, Doktorgrad."""
    if not (value.get("name") or value.get("given_names") or value.get("doctor")):
        return
    name = sub(parent, x("name"))
    if value.get("name"):
        name_part(sub(name, x("familienname.unstrukturiert")), x("nachname"), value["name"])
    if value.get("given_names"):
        name_part(name, x("vornamen"), " ".join(value["given_names"]))
    if value.get("doctor"):
        sub(name, x("doktorgrad"), value["doctor"])


def _dwellings(parent: etree._Element, value: Mapping[str, Any], write_inland: WriteInland) -> None:
    flagged = bool((value.get("blocks") or {}).get("bedingter_sperrvermerk"))
    for address in value.get("addresses") or []:
        wohnung = sub(parent, x("wohnung"))
        inland = sub(sub(wohnung, x("anschrift")), x("anschrift.inland"))
        write_inland(sub(inland, x("anschrift.inland")), address)
        if flagged:
            sub(inland, x("bedingterSperrvermerk"), "true")
        status = codes.STATUS_OF_DWELLING_KIND.get(str(address.get("kind") or ""))
        if status is not None:
            code(wohnung, x("statusderwohnung"), status, codes.WOHNUNGSSTATUS_LIST)


def spouse(
    value: Mapping[str, Any], parts: Parts, *, free: bool, write_inland: WriteInland
) -> None:
    """``partner`` in schema order; the partnerschaftstyp comes from the spouse value."""
    if free:
        return
    node = etree.Element(x("partner"))
    partnership = str(value.get("partnership") or _DEFAULT_PARTNERSHIP)
    code(
        node,
        x("partnerschaftstyp"),
        codes.PARTNERSHIP_TO_CODE.get(partnership, codes.PARTNERSHIP_TO_CODE["ehe"]),
        codes.PARTNERSCHAFTSTYP_LIST,
    )
    _name(node, value)
    if value.get("birth_date"):
        day(sub(node, x("geburt")), x("geburtsdatum"), value["birth_date"])
    if value.get("sex"):
        code(node, x("geschlecht"), value["sex"], codes.GESCHLECHT_LIST)
    _dwellings(node, value, write_inland)
    if value.get("death_date"):
        sub(sub(node, x("sterbetag")), x("sterbetag"), value["death_date"])
    parts.setdefault("partner", []).append(node)
