"""Read back what a 1331 says about dwellings, documents and permits, in the JSON shapes.

The values take the shapes of ``adapters.melderegister.mapping`` (``move_dates``,
``landlord``, ``id_docs``, ``weapons``, ``explosives``), as ``hub.serialise.xoev`` and its
modules write them; where XMeld has no element for a value (``moved_away_to``, the kind of
a Waffenbesitzverbot) it is left null.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from adapters.xmeld import codes
from adapters.xmeld.read import boolean, code, date, find, find_all, text

_BAN_KIND = "Waffenbesitzverbot"


def _is_current_main(wohnung: etree._Element) -> bool:
    current = boolean(find(wohnung, "wohnung.aktuell")) is not False
    status = code(find(wohnung, "statusderwohnung")) or "0"
    return current and codes.DWELLING_KIND_OF_STATUS.get(status) == "haupt"


def move_dates(data: etree._Element, dwellings: list[etree._Element]) -> dict[str, Any]:
    """Einzug of the current main dwelling, last Auszug, and the Wegzug (abroad or verzogen)."""
    moved_in = next(
        (
            found
            for wohnung in dwellings
            if _is_current_main(wohnung) and (found := date(find(wohnung, "datumDesBeziehens")))
        ),
        None,
    )
    moved_out = [d for w in dwellings if (d := date(find(w, "datumDesAuszugs")))]
    last = max(moved_out) if moved_out else None
    abroad = next((d for w in dwellings if (d := date(find(w, "datumLetzterWegzugAusland")))), None)
    moved_away = abroad or (last if boolean(find(data, "verzogen")) else None)
    return {
        "moved_in": moved_in,
        "last_moved_out": last,
        "moved_away": moved_away,
        "moved_away_to": None,
    }


def landlord(dwellings: list[etree._Element]) -> dict[str, Any] | None:
    """The first ``wohnungsgeber``: its first line is the name, the others the address."""
    node = next((found for w in dwellings if (found := find(w, "wohnungsgeber")) is not None), None)
    if node is None:
        return None
    rows = find_all(node, "wohnungsgeberNameAnschrift/zeile")
    ordered = sorted(rows, key=lambda row: int(text(find(row, "position")) or 0))
    lines = [line for row in ordered if (line := text(find(row, "inhalt")))]
    return {"name": lines[0] if lines else None, "address": ", ".join(lines[1:]) or None}


def id_documents(data: etree._Element) -> list[dict[str, Any]] | None:
    documents = find_all(data, "ausweisdokument")
    if not documents:
        return None
    found = []
    for document in documents:
        kind = code(find(document, "passart"))
        found.append(
            {
                "kind": codes.KIND_OF_ID_DOC_CODE.get(kind or "", kind),
                "authority": text(find(document, "behoerde")),
                "issued": date(find(document, "ausstellungsdatum")),
                "valid_until": date(find(document, "gueltigkeitsdauer")),
                "serial": text(find(document, "seriennummer")),
            }
        )
    return found


def _permit(node: etree._Element, inner: str) -> dict[str, Any]:
    return {
        "kind": text(find(node, "nachweisdaten/dokumentbeschreibung")),
        "authority": text(
            find(
                node,
                "nachweisdaten/behoerdeoderaktenzeichen/behoerdeaktenzeichen.getrennt/behoerde",
            )
        )
        or text(
            find(
                node,
                "nachweisdaten/behoerdeoderaktenzeichen/behoerdeaktenzeichen.konkateniert/behoerdeaktenzeichen",
            )
        ),
        "issued": date(find(node, f"{inner}/tagDerErstmaligenErteilung")),
    }


def weapons(data: etree._Element) -> dict[str, Any] | None:
    """The register keeps one entry: the first Erlaubnis, else the first Waffenbesitzverbot."""
    permit = find(data, "waffenrechtlicheErlaubnis")
    if permit is not None:
        return _permit(permit, "waffenrechtlicheerlaubnis")
    ban = find(data, "waffenbesitzverbot")
    if ban is None:
        return None
    return {
        "kind": _BAN_KIND,
        "authority": text(find(ban, "behoerdeUndAktenzeichen")),
        "issued": date(find(ban, "tagDerErstmaligenErteilung")),
    }


def explosives(data: etree._Element) -> dict[str, Any] | None:
    permit = find(data, "sprengstoffrechtlicheErlaubnis")
    return None if permit is None else _permit(permit, "sprengstoffrechtlicheerlaubnis")


def partnership(partner: etree._Element) -> str | None:
    """``ehe`` or ``lebenspartnerschaft`` from the partnerschaftstyp."""
    return codes.CODE_TO_PARTNERSHIP.get(code(find(partner, "partnerschaftstyp")) or "")
