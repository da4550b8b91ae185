"""Ausweisdokumente and waffen-/sprengstoffrechtliche Erlaubnisse in a 1331/1333 ``person``.

BMG §34 Abs. 1 S. 2 Nr. 1 and 3 data (BMeldDAV §5 Abs. 2, §8 Abs. 2): the policy releases
them to the authorities of §34 Abs. 4 S. 1 (and the Waffenbehörde) only; here they only
take their XMeld 25.11a shape. Each builder adds its elements to ``parts`` under their own
tag; ``hub.serialise.xoev.PersonWriter`` puts the tags in schema order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.build import code, sub, x
from hub.logging import get_logger

_log = get_logger(__name__)
Parts: TypeAlias = "dict[str, list[etree._Element]]"  # noqa: SLF001 - lxml element type

# A register "weapons" entry whose kind names a ban is a Waffenbesitzverbot (WaffG §41),
# every other one a waffenrechtliche Erlaubnis (BMG §3 Abs. 2 Nr. 7).
_BAN_MARK = "verbot"


def _add(parts: Parts, node: etree._Element) -> None:
    parts.setdefault(etree.QName(node).localname, []).append(node)


def id_documents(value: list[Mapping[str, Any]], parts: Parts) -> None:
    """``ausweisdokument`` (type.Datenabruf.Abrufdaten.Ausweisdokument, 1331 and 1333 alike)."""
    for document in value:
        node = etree.Element(x("ausweisdokument"))
        kind = codes.id_doc_code(document.get("kind"), document.get("serial"))
        if kind is None:
            _log.warning("xmeld_id_doc_kind_unmapped")
        else:
            code(node, x("passart"), kind, codes.PASSART_LIST)
        for key, tag in (
            ("valid_until", "gueltigkeitsdauer"),
            ("serial", "seriennummer"),
            ("authority", "behoerde"),
            ("issued", "ausstellungsdatum"),
        ):
            if document.get(key):
                sub(node, x(tag), str(document[key]))
        _add(parts, node)


def _evidence(parent: etree._Element, permit: Mapping[str, Any]) -> None:
    """``nachweisdaten``: the permit's kind as document description and its authority."""
    if not (permit.get("kind") or permit.get("authority")):
        return
    node = sub(parent, x("nachweisdaten"))
    if permit.get("kind"):
        sub(node, x("dokumentbeschreibung"), str(permit["kind"]))
    if permit.get("authority"):
        holder = sub(sub(node, x("behoerdeoderaktenzeichen")), x("behoerdeaktenzeichen.getrennt"))
        sub(holder, x("behoerde"), str(permit["authority"]))


def _permit(tag: str, permit: Mapping[str, Any], *, free: bool) -> etree._Element | None:
    """An Erlaubnis: the first-issue date, in a 1331 wrapped once more and with evidence."""
    issued = permit.get("issued")
    if not issued:  # tagDerErstmaligenErteilung is mandatory
        _log.warning("xmeld_permit_without_date", element=tag)
        return None
    node = etree.Element(x(tag))
    holder = node if free else sub(node, x(tag.lower()))
    sub(holder, x("tagDerErstmaligenErteilung"), str(issued))
    if not free:
        _evidence(node, permit)
    return node


def _ban(permit: Mapping[str, Any], *, free: bool) -> etree._Element | None:
    node = etree.Element(x("waffenbesitzverbot"))
    if permit.get("issued"):
        sub(node, x("tagDerErstmaligenErteilung"), str(permit["issued"]))
    elif free:  # the 1333 type requires the date
        _log.warning("xmeld_permit_without_date", element="waffenbesitzverbot")
        return None
    if not free and permit.get("authority"):
        sub(node, x("behoerdeUndAktenzeichen"), str(permit["authority"]))
    return node


def weapons(value: Mapping[str, Any], parts: Parts, *, free: bool) -> None:
    """``waffenrechtlicheErlaubnis`` or ``waffenbesitzverbot`` (BMG §3 Abs. 2 Nr. 7)."""
    if _BAN_MARK in str(value.get("kind") or "").lower():
        node = _ban(value, free=free)
    else:
        node = _permit("waffenrechtlicheErlaubnis", value, free=free)
    if node is not None:
        _add(parts, node)


def explosives(value: Mapping[str, Any], parts: Parts, *, free: bool) -> None:
    """``sprengstoffrechtlicheErlaubnis`` (BMG §3 Abs. 2 Nr. 8)."""
    node = _permit("sprengstoffrechtlicheErlaubnis", value, free=free)
    if node is not None:
        _add(parts, node)
