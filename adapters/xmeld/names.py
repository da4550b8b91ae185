"""Namespaces and code-list identifiers of XMeld 25.11a (see the schema annotations)."""

from __future__ import annotations

from typing import Final

XMELD_NS: Final = "http://www.osci.de/xmeld2511a"
XMELD_STANDARD: Final = "XMeld"
XMELD_VERSION: Final = "25.11a"

# Message types (urn:de:xmeld:schluesseltabelle:xmeld.nachrichten)
MESSAGE_TYPE_LIST: Final = "urn:de:xmeld:schluesseltabelle:xmeld.nachrichten"
PERSONENSUCHE_ANFRAGE: Final = "datenabruf.personensuche.suchanfrage.1330"
PERSONENSUCHE_ANTWORT: Final = "datenabruf.personensuche.antwort.1331"
FREIE_SUCHE_ANFRAGE: Final = "datenabruf.freieSuche.suchanfrage.1332"
FREIE_SUCHE_ANTWORT: Final = "datenabruf.freieSuche.antwort.1333"


def qualified(local: str) -> str:
    """``{namespace}local`` of an XMeld element."""
    return f"{{{XMELD_NS}}}{local}"


# Code lists used by the Datenabruf messages 1330-1333 (listURI, listVersionID as the
# schema's codelist annotations state them).
ERGEBNISSTATUS_LIST: Final = ("urn:xoev-de:xmeld:codeliste:datenabruf.ergebnisstatus", "2")
NICHTERSTELLUNG_GRUND_LIST: Final = (
    "urn:xoev-de:xmeld:codeliste:datenabruf.nichterstellung.grund",
    "2",
)
PERSONENSUCHE_ANFORDERUNG_LIST: Final = (
    "urn:xoev-de:xmeld:codeliste:personensuche.anforderungselement",
    "2",
)
FREIE_SUCHE_ANFORDERUNG_LIST: Final = (
    "urn:xoev-de:xmeld:codeliste:freie.suche.anforderungselement",
    "2",
)
VERZEICHNISDIENST_LIST: Final = ("urn:xoev-de:kosit:codeliste:verzeichnisdienst", "3")
ERREICHBARKEIT_LIST: Final = ("urn:de:xoev:codeliste:erreichbarkeit", "3")
GESCHLECHT_LIST: Final = ("urn:xoev-de:xinneres:codeliste:geschlecht", "1")
AGS_LIST: Final = ("urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags", "2025-09-30")
STAATSANGEHOERIGKEIT_LIST: Final = (
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit",
    "2024-02-29",
)
STAATSGEBIETE_LIST: Final = (
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsgebiete",
    "2024-02-29",
)
