"""Move dates and the Wohnungsgeber inside a 1331/1333 ``wohnung``, after the addresses.

In XMeld the Einzugs-/Auszugsdatum (BMG §3 Abs. 1 Nr. 13, field ``move_dates``) and the
Wohnungsgeber (§3 Abs. 2 Nr. 10, field ``landlord``) are children of a ``wohnung``, which
the ``addresses`` builder writes. ``complete_dwellings`` runs after every builder: it adds
them to the wohnung elements already there (in schema order), or, where the addresses were
not released, to wohnung elements without ``anschrift`` (the schema allows that), so no
address leaves with them. Each date is written only when ``move_dates`` is released.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.build import code, sub, x

Parts: TypeAlias = "dict[str, list[etree._Element]]"  # noqa: SLF001 - lxml element type

# Schema order of the children the hub writes (type.Personensuche.Abrufdaten.Wohnung and
# type.FreieSuche.Abrufdaten.Wohnung).
_PERSON_ORDER = (
    "anschrift",
    "datumDesAuszugs",
    "datumDesBeziehens",
    "statusderwohnung",
    "datumLetzterWegzugAusland",
    "wohnung.aktuell",
    "wohnungsgeber",
)
_FREE_ORDER = ("anschrift", "datumDesBeziehens", "wohnungsgeber")
_MAX_LINES = 6  # AnschriftfeldNachDIN.Anschriftzone: zeile maxOccurs, position 1..6


def _place(dwelling: etree._Element, node: etree._Element, order: Sequence[str]) -> None:
    """Insert ``node`` before the first child that comes after it in schema order."""
    rank = order.index(etree.QName(node).localname)
    for child in dwelling:
        if order.index(etree.QName(child).localname) > rank:
            child.addprevious(node)
            return
    dwelling.append(node)


def _moved_in(iso_date: str) -> etree._Element:
    node = etree.Element(x("datumDesBeziehens"))
    sub(node, "datum", iso_date)  # TagesdatumMitUnbekannt
    return node


def _moved_out(iso_date: str) -> etree._Element:
    node = etree.Element(x("datumDesAuszugs"))
    sub(sub(node, "teilbekanntesDatum"), "jahrMonatTag", iso_date)
    return node


def _status(kind: str) -> etree._Element | None:
    status = codes.STATUS_OF_DWELLING_KIND.get(kind)
    if status is None:
        return None
    holder = etree.Element("holder")
    return code(holder, x("statusderwohnung"), status, codes.WOHNUNGSSTATUS_LIST)


def landlord_element(value: Mapping[str, Any]) -> etree._Element:
    """``wohnungsgeber``: name and address as lines of a DIN 5008 address field."""
    lines = [str(value.get("name") or "").strip()]
    lines += [part.strip() for part in str(value.get("address") or "").split(",")]
    node = etree.Element(x("wohnungsgeber"))
    zone = sub(node, x("wohnungsgeberNameAnschrift"))
    for position, line in enumerate([line for line in lines if line][:_MAX_LINES], start=1):
        row = sub(zone, x("zeile"))
        sub(row, x("position"), str(position))
        sub(row, x("inhalt"), line)
    return node


class _Dwellings:
    """The wohnung elements of one person and the released values that complete them."""

    def __init__(self, fields: Mapping[str, Any], parts: Parts, *, free: bool) -> None:
        self.free = free
        self.order = _FREE_ORDER if free else _PERSON_ORDER
        self.dated = "move_dates" in fields
        self.moves: Mapping[str, Any] = fields.get("move_dates") or {}
        self.addresses: list[Mapping[str, Any]] = list(fields.get("addresses") or [])
        self.nodes = parts.setdefault("wohnung", [])
        self.pairs = list(zip(self.nodes, self.addresses, strict=False))
        self.current: etree._Element | None = None

    def add(self, dwelling: etree._Element, node: etree._Element | None) -> None:
        if node is not None:
            _place(dwelling, node, self.order)

    def new(self, *, current: bool) -> etree._Element:
        """A wohnung without anschrift (none was released)."""
        dwelling = etree.Element(x("wohnung"))
        if not self.free:
            sub(dwelling, x("wohnung.aktuell"), "true" if current else "false")
        self.nodes.append(dwelling)
        if current:
            self.current = dwelling
        return dwelling

    def annotate(self) -> None:
        """Each released address: its status, and its dates when move_dates is released."""
        for dwelling, address in self.pairs:
            if self.free:
                continue  # the one 1333 wohnung takes move_dates' Einzugsdatum below
            self.add(dwelling, _status(str(address.get("kind") or "")))
            if self.dated and address.get("moved_out"):
                self.add(dwelling, _moved_out(str(address["moved_out"])))
            if self.dated and address.get("moved_in"):
                self.add(dwelling, _moved_in(str(address["moved_in"])))
        self.current = next(
            (dwelling for dwelling, address in self.pairs if _is_current_main(address)), None
        )

    def date_without_addresses(self) -> None:
        """move_dates alone: the Einzug of the current main dwelling and the last Auszug."""
        if self.pairs and not self.free:
            return  # the addresses carry their own dates
        moved_in, moved_out = self.moves.get("moved_in"), self.moves.get("last_moved_out")
        if moved_in:
            target = self.nodes[0] if self.pairs else self.new(current=True)
            self.add(target, _moved_in(str(moved_in)))
        if moved_out and not self.free:
            self.add(self.new(current=False), _moved_out(str(moved_out)))

    def give_landlord(self, landlord: Mapping[str, Any]) -> None:
        """The Wohnungsgeber of the current Haupt- or alleinige Wohnung."""
        if self.free and self.nodes:
            self.current = self.nodes[0]  # a 1333 wohnung is the current main one
        target = self.current if self.current is not None else self.new(current=True)
        self.add(target, landlord_element(landlord))


def _is_current_main(address: Mapping[str, Any]) -> bool:
    current = address.get("current", address.get("moved_out") is None)
    return bool(current) and address.get("kind", "haupt") == "haupt"


def complete_dwellings(fields: Mapping[str, Any], parts: Parts, *, free: bool) -> None:
    """Move dates, status and Wohnungsgeber into the person's wohnung elements."""
    dwellings = _Dwellings(fields, parts, free=free)
    dwellings.annotate()
    if dwellings.dated:
        dwellings.date_without_addresses()
    if fields.get("landlord"):
        dwellings.give_landlord(fields["landlord"])
    if dwellings.dated and dwellings.moves.get("moved_away") and not free:
        # BMeldDAV §5 Abs. 1 S. 3 Nr. 2: the person has moved away; the date is the last
        # Auszug above. [I] The register does not record whether the move went abroad.
        verzogen = etree.Element(x("verzogen"))
        verzogen.text = "true"
        parts["verzogen"] = [verzogen]
    if not parts["wohnung"]:
        del parts["wohnung"]
