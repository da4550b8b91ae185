"""Namespace, version and message names of XMeld 25.11a; code lists are in ``codes``."""

from __future__ import annotations

from typing import Final

XMELD_NS: Final = "http://www.osci.de/xmeld2511a"
XMELD_STANDARD: Final = "XMeld"
XMELD_VERSION: Final = "25.11a"

# Root elements of the Datenabruf messages (their type codes: ``codes.MESSAGE_CODE_*``)
PERSONENSUCHE_ANFRAGE: Final = "datenabruf.personensuche.suchanfrage.1330"
PERSONENSUCHE_ANTWORT: Final = "datenabruf.personensuche.antwort.1331"
FREIE_SUCHE_ANFRAGE: Final = "datenabruf.freieSuche.suchanfrage.1332"
FREIE_SUCHE_ANTWORT: Final = "datenabruf.freieSuche.antwort.1333"


def qualified(local: str) -> str:
    """``{namespace}local`` of an XMeld element."""
    return f"{{{XMELD_NS}}}{local}"
