"""XMeld 25.11a Datenabruf code lists shared by the hub's XMeld endpoint and XMeld clients.

One table maps each Melderegister field ID (CONTRACT §4) to the
``personensuche.anforderungselement`` codes that request it in a 1330 and to the element of
``type.Personensuche.Abrufdaten`` that carries it in a 1331. Both sides use the same table,
so what a client asks for and what a server answers cannot drift apart.

Fields without codes (``idnr``, ``religion``, ``blocks``, ``azr_no``, ``vote_excl``,
``elstam``, ``vbm``, ``residence_queries``) are not part of a Datenabruf under BMG §34a and
are never requested or answered in XMeld.

How the hub's query members travel in a 1330 (``datenAbrufendeStelle``), both directions:
``aktenzeichen`` = case reference, ``anlassDesAbrufs`` = purpose code of the catalogue,
``kennung`` = the acting user's id (BMG §40 Abs. 1 Nr. 6). ``auswahldaten/anschrift/
gemeindeschluessel`` is the AGS of the answering Meldebehörde (its DVDV ``ags:`` kennung).

What an XMeld client reads as policy facts from each 1331 ``person`` (fail-safe: a fact the
answer does not state counts as unknown, and the client's policy then holds the hit):
``personendaten/verstorben`` and ``verzogen`` (explicit ``false`` = no death / no move away;
dates from ``sterbedaten`` and ``wohnung/datumLetzterWegzugAusland``), ``bedingterSperrvermerk``
of inland addresses, and ``identifikationsmerkmal`` (stable id for a follow-up 1330 by
``suchprofil/identifikationsmerkmal``). Servers should therefore always set these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

# --- code lists (listURI, listVersionID as fixed in xmeld-codes.xsd) -----------------------
ANFORDERUNGSELEMENT_LIST: Final = "urn:xoev-de:xmeld:codeliste:personensuche.anforderungselement"
ANFORDERUNGSELEMENT_VERSION: Final = "2"
ERGEBNISSTATUS_LIST: Final = "urn:xoev-de:xmeld:codeliste:datenabruf.ergebnisstatus"
ERGEBNISSTATUS_VERSION: Final = "2"
NICHTERSTELLUNG_GRUND_LIST: Final = "urn:xoev-de:xmeld:codeliste:datenabruf.nichterstellung.grund"
NICHTERSTELLUNG_GRUND_VERSION: Final = "2"
NACHRICHTENTYP_LIST: Final = "urn:de:xmeld:schluesseltabelle:xmeld.nachrichten"
NACHRICHTENTYP_VERSION: Final = "25.11a"
MESSAGE_CODE_1330: Final = "1330"
MESSAGE_CODE_1331: Final = "1331"

# datenabruf.ergebnisstatus
STATUS_IDENTIFIED: Final = "01"  # exactly one person, data follow
STATUS_HIT_LIST: Final = "02"  # not unique: a hit list follows
STATUS_NOT_IDENTIFIED: Final = "03"  # not found or Auskunftssperre: neutral, no person
STATUS_RESULT_LIST: Final = "04"  # free search only (1333)

# datenabruf.nichterstellung.grund (the ones the hub produces or must understand)
GRUND_NO_MINIMUM_KEYS: Final = "18"  # BMG §38 Abs. 1 minimum keys missing
GRUND_TOO_MANY_HITS: Final = "12"  # more than 1000 hits
GRUND_WRONG_READER: Final = "14"  # reader's AGS does not match the Auswahldaten
GRUND_NOT_RESPONSIBLE: Final = "22"  # search area outside the answering office
GRUND_AZR_NOT_ALLOWED: Final = "24"
GRUND_TECHNICAL: Final = "16"  # internal technical error (freitext explains)
GRUND_OTHER: Final = "17"  # other error (freitext explains)
GRUND_NOT_ENTITLED_ID_DOCS: Final = "07"
GRUND_NOT_ENTITLED_PASSPORT_DENIAL: Final = "08"
GRUND_NOT_ENTITLED_WEAPONS: Final = "09"
GRUND_NOT_ENTITLED_LANDLORD: Final = "10"
GRUND_NOT_ENTITLED_MOVE_IN: Final = "11"


def _codes(*ranges: tuple[int, int] | int) -> tuple[str, ...]:
    codes: list[str] = []
    for item in ranges:
        if isinstance(item, int):
            codes.append(str(item))
        else:
            codes.extend(str(code) for code in range(item[0], item[1] + 1))
    return tuple(codes)


@dataclass(frozen=True, slots=True)
class XMeldField:
    """One Melderegister field in a Datenabruf.

    Attributes:
        field: field ID (CONTRACT §4).
        codes: ``personensuche.anforderungselement`` codes that request it.
        element: element path below ``xmeld:person`` (``type.Personensuche.Abrufdaten``).
    """

    field: str
    codes: tuple[str, ...]
    element: str


_PD = "personendaten"

XMELD_FIELDS: Final[tuple[XMeldField, ...]] = (
    # 1 Familienname, 2 Ehename, 3 Lebenspartnerschaftsname
    XMeldField("name", _codes(1, 2, 3), f"{_PD}/name/familienname.unstrukturiert"),
    # 4 Geburtsname, 5 Familienname vor Änderung, 6 Nachweis
    XMeldField("prev_names", _codes(4, 5, 6), f"{_PD}/name/frueherer.familienname"),
    # 7 Vornamen, 8 Vornamen vor Änderung, 9 Nachweis
    XMeldField("given_names", _codes(7, 8, 9), f"{_PD}/name/vornamen"),
    XMeldField("doctor", _codes(10), f"{_PD}/name/doktorgrad"),
    # 11 Ordensname, 12 Künstlername
    XMeldField("religious_artist_name", _codes(11, 12), f"{_PD}/name/kuenstlername"),
    # 13 Geburtsdatum, 14 frühere Geburtsdaten, 15 Geburtsort, 16 Staat, 17 Nachweis, 18
    XMeldField("birth", _codes((13, 18)), f"{_PD}/geburtsangaben"),
    XMeldField("sex", _codes(19), f"{_PD}/geschlecht"),
    XMeldField("legal_rep", _codes((20, 40)), "gesetzlicherVertreter"),
    XMeldField("nationality", _codes(41, 42), f"{_PD}/staatsangehoerigkeit"),
    # 43-56 aktuelle, 57-70 frühere Anschrift, 71-73 Zu-/Wegzug Ausland
    XMeldField("addresses", _codes((43, 73)), f"{_PD}/wohnung"),
    # 74-79 aktuelle, 80-88 frühere Wohnung Daten, 89-92 Zuzugsdaten, 93 Wegzug Ausland
    XMeldField("move_dates", _codes((74, 93)), f"{_PD}/wohnung/datumDesBeziehens"),
    XMeldField("marital", _codes((94, 101)), f"{_PD}/familienstand"),
    # 102-123 Ehegatte, 124-145 Lebenspartner
    XMeldField("spouse", _codes((102, 145)), "partner"),
    XMeldField("children", _codes((146, 162)), "kind"),
    XMeldField("id_docs", _codes((163, 171)), f"{_PD}/ausweisdokument"),
    # 172 Sterbedatum, 173 Nachweis, 174 Sterbeort, 175 Staat
    XMeldField("death", _codes((172, 175)), f"{_PD}/sterbedaten"),
    XMeldField("passport_denial", _codes(176, 177), f"{_PD}/passversagung"),
    # 178-179 Erlaubnis, 180-181 Waffenbesitzverbot
    XMeldField("weapons", _codes((178, 181)), f"{_PD}/waffenrechtlicheErlaubnis"),
    XMeldField("explosives", _codes(182, 183), f"{_PD}/sprengstoffrechtlicheErlaubnis"),
    XMeldField("landlord", _codes(184, 185), f"{_PD}/wohnung/wohnungsgeber"),
)

FIELD_BY_ID: Final[Mapping[str, XMeldField]] = MappingProxyType(
    {entry.field: entry for entry in XMELD_FIELDS}
)
FIELD_BY_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {code: entry.field for entry in XMELD_FIELDS for code in entry.codes}
)
XMELD_FIELD_IDS: Final = frozenset(FIELD_BY_ID)


def codes_for_fields(fields: Iterable[str]) -> list[str]:
    """Anforderungselement codes for the field IDs, numerically sorted; unknown IDs skipped."""
    codes = {code for name in fields if name in FIELD_BY_ID for code in FIELD_BY_ID[name].codes}
    return sorted(codes, key=int)


def fields_for_codes(codes: Iterable[str]) -> frozenset[str]:
    """Field IDs requested by anforderungselement codes; unknown codes are ignored."""
    return frozenset(FIELD_BY_CODE[code] for code in codes if code in FIELD_BY_CODE)
