"""Element builders both XMeld directions share (1330 out, 1331/1333 back).

The g2g message header, codes with ``listURI``/``listVersionID``, postal addresses of the
author and the name and date shapes of the Datenabruf messages, written once with lxml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from adapters.xmeld import codes, names
from adapters.xmeld.codes import CodeList

# Register house numbers ("12", "12 a", "12a") → hausnummer (digits) + Buchstabe/Zusatzziffer.
_HOUSE = re.compile(r"^\s*(\d{1,4})\s*([\w./ ]{0,4})\s*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Party:
    """A communication partner (``autor`` or ``leser``) in a directory, by default the DVDV."""

    kennung: str
    name: str
    email: str | None = None  # the author needs one (erreichbarkeit), a reader may omit it
    directory: str = codes.DVDV
    directory_version: str = codes.VERZEICHNISDIENST_LIST.version


@dataclass(frozen=True, slots=True, kw_only=True)
class PostalAddress:
    street: str
    house_number: str
    postal_code: str
    city: str


def x(local: str) -> str:
    """``{xmeld}local``: elements of the XMeld namespace (the g2g and XInneres parts are not)."""
    return names.qualified(local)


def sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, tag)
    if text is not None:
        node.text = text
    return node


def code(parent: etree._Element, tag: str, value: str, code_list: CodeList) -> etree._Element:
    """A code element; every code names its list and version (XÖV code type)."""
    node = sub(parent, tag)
    node.set("listURI", code_list.uri)
    node.set("listVersionID", code_list.version)
    sub(node, "code", value)
    return node


def name_part(parent: etree._Element, tag: str, value: str) -> etree._Element:
    """``<tag><name>value</name></tag>``: an ``AllgemeinerName``."""
    node = sub(parent, tag)
    sub(node, "name", value)
    return node


def day(parent: etree._Element, tag: str, iso_date: str) -> etree._Element:
    """A ``TeilbekanntesDatum`` (or a type holding one) with a full date."""
    node = sub(parent, tag)
    sub(sub(node, "teilbekanntesDatum"), "jahrMonatTag", iso_date)
    return node


def house_number(parent: etree._Element, value: str) -> bool:
    """``hausnummer`` and ``hausnummerBuchstabeZusatzziffer``; False if it cannot be split."""
    found = _HOUSE.match(value)
    if found is None:
        return False
    sub(parent, "hausnummer", found.group(1))
    if found.group(2):
        sub(parent, "hausnummerBuchstabeZusatzziffer", found.group(2))
    return True


def root_element(message: str, *, product: str, vendor: str, version: str) -> etree._Element:
    """The message root with the attributes every XMeld message carries."""
    root = etree.Element(x(message), nsmap={"xmeld": names.XMELD_NS})
    for attribute, value in (
        ("produkt", product),
        ("produkthersteller", vendor),
        ("produktversion", version),
        ("standard", names.XMELD_STANDARD),
        ("version", names.XMELD_VERSION),
    ):
        root.set(attribute, value)
    return root


def identification(
    parent: etree._Element, tag: str, *, message_uuid: str, type_code: str, created: str
) -> etree._Element:
    """The header's ``identifikation.nachricht``, or the ``ursprungsnachricht`` an answer echoes."""
    node = sub(parent, tag)
    sub(node, "nachrichtenUUID", message_uuid)
    code(node, "nachrichtentyp", type_code, codes.NACHRICHTENTYP_LIST)
    sub(node, "erstellungszeitpunkt", created)
    return node


def reach(parent: etree._Element, tag: str, email: str) -> None:
    node = sub(parent, tag)
    code(node, "kanal", codes.KANAL_EMAIL, codes.ERREICHBARKEIT_LIST)
    sub(node, "kennung", email)


def party(parent: etree._Element, tag: str, partner: Party) -> None:
    node = sub(parent, tag)
    directory = CodeList(codes.VERZEICHNISDIENST_LIST.uri, partner.directory_version)
    code(node, "verzeichnisdienst", partner.directory, directory)
    sub(node, "kennung", partner.kennung)
    sub(node, "name", partner.name)
    if partner.email:
        reach(node, "erreichbarkeit", partner.email)


def header(
    root: etree._Element,
    *,
    message_uuid: str,
    type_code: str,
    created: datetime,
    reader: Party,
    author: Party,
) -> None:
    """``nachrichtenkopf.g2g``: identification (time with zone), leser, autor."""
    head = sub(root, "nachrichtenkopf.g2g")
    identification(
        head,
        "identifikation.nachricht",
        message_uuid=message_uuid,
        type_code=type_code,
        created=created.isoformat(timespec="milliseconds"),
    )
    party(head, "leser", reader)
    party(head, "autor", author)


def building(parent: etree._Element, address: PostalAddress) -> None:
    """``gebaeude``: a postal address (``anschrift.autor``, a Stelle's ``anschrift``)."""
    node = sub(parent, "gebaeude")
    sub(node, "hausnummer", address.house_number)
    sub(node, "postleitzahl", address.postal_code)
    sub(node, "strasse", address.street)
    sub(node, "wohnort", address.city)


def to_bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
