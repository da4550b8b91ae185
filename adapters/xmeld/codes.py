"""XMeld 25.11a Datenabruf code lists, shared by the hub's XMeld endpoint and XMeld clients.

The one place for every code list (``listURI``, ``listVersionID``), the ergebnisstatus and
nichterstellung.grund codes, the register ↔ code tables (Staatsangehörigkeit, Familienstand,
Wohnungsstatus) and the field table below. Server (``hub.xoev``) and client
(``adapters.xmeld``) both read it, so what a client asks for and what a server answers
cannot drift apart.

The field table maps each Melderegister field ID to the
``personensuche.anforderungselement`` codes that request it in a 1330, the
``freie.suche.anforderungselement`` codes that request it in a 1332, and the element of
``type.Personensuche.Abrufdaten`` that carries it in a 1331.

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
from typing import Final, Literal, NamedTuple


class CodeList(NamedTuple):
    """``listURI`` and ``listVersionID`` of a code list, as the schema annotations fix them."""

    uri: str
    version: str


# --- code lists ---------------------------------------------------------------------------
# Fixed (listVersionID fixed in xmeld-codes.xsd): the Datenabruf lists, Familienstand,
# Ehegatte/Lebenspartner, Wohnungsstatus and the message types.
NACHRICHTENTYP_LIST: Final = CodeList("urn:de:xmeld:schluesseltabelle:xmeld.nachrichten", "25.11a")
ANFORDERUNGSELEMENT_LIST: Final = CodeList(
    "urn:xoev-de:xmeld:codeliste:personensuche.anforderungselement", "2"
)
FREIE_SUCHE_ANFORDERUNGSELEMENT_LIST: Final = CodeList(
    "urn:xoev-de:xmeld:codeliste:freie.suche.anforderungselement", "2"
)
ERGEBNISSTATUS_LIST: Final = CodeList("urn:xoev-de:xmeld:codeliste:datenabruf.ergebnisstatus", "2")
NICHTERSTELLUNG_GRUND_LIST: Final = CodeList(
    "urn:xoev-de:xmeld:codeliste:datenabruf.nichterstellung.grund", "2"
)
FAMILIENSTAND_LIST: Final = CodeList("urn:de:dsmeld:schluesseltabelle:familienstand", "2")
WOHNUNGSSTATUS_LIST: Final = CodeList("urn:de:dsmeld:schluesseltabelle:wohnungsstatus", "2")
PARTNERSCHAFTSTYP_LIST: Final = CodeList(
    "urn:de:xmeld:schluesseltabelle:ehegatte.oder.lebenspartner", "2"
)
PASSART_LIST: Final = CodeList("urn:de:dsmeld:schluesseltabelle:pass.und.ausweisdokumente", "5")
# Version required but not fixed by the schema: the versions the official examples use.
VERZEICHNISDIENST_LIST: Final = CodeList("urn:xoev-de:kosit:codeliste:verzeichnisdienst", "3")
ERREICHBARKEIT_LIST: Final = CodeList("urn:de:xoev:codeliste:erreichbarkeit", "3")
GESCHLECHT_LIST: Final = CodeList("urn:xoev-de:xinneres:codeliste:geschlecht", "1")
# Gemeindeverzeichnis version the AGS is taken from.
AGS_LIST: Final = CodeList(
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags", "2025-09-30"
)
STAATSANGEHOERIGKEIT_LIST: Final = CodeList(
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsangehoerigkeit", "2024-02-29"
)
STAATSGEBIETE_LIST: Final = CodeList(
    "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:staatsgebiete", "2024-02-29"
)

# xmeld.nachrichten codes of the four Datenabruf messages.
MESSAGE_CODE_1330: Final = "1330"
MESSAGE_CODE_1331: Final = "1331"
MESSAGE_CODE_1332: Final = "1332"
MESSAGE_CODE_1333: Final = "1333"
DVDV: Final = "DVDV"  # verzeichnisdienst code of a DVDV kennung
KANAL_EMAIL: Final = "01"  # erreichbarkeit code of an e-mail address

# datenabruf.ergebnisstatus
STATUS_IDENTIFIED: Final = "01"  # exactly one person, data follow
STATUS_HIT_LIST: Final = "02"  # not unique: a hit list follows
STATUS_NOT_IDENTIFIED: Final = "03"  # not found or Auskunftssperre: neutral, no person
STATUS_RESULT_LIST: Final = "04"  # free search only (1333)

# datenabruf.nichterstellung.grund (all codes of version 2)
GRUND_UNKNOWN_IDENTIFIER: Final = "01"  # Identifikationsmerkmal ungültig
GRUND_STREET_UNKNOWN: Final = "02"
GRUND_FALSE_SECURITY_CLAIM: Final = "03"  # sicherheitsbehoerde=true, but the client is none
GRUND_CRITERION_WEAPONS_PERMIT: Final = "04"
GRUND_CRITERION_WEAPONS_BAN: Final = "05"
GRUND_CRITERION_EXPLOSIVES: Final = "06"
GRUND_NOT_ENTITLED_ID_DOCS: Final = "07"
GRUND_NOT_ENTITLED_PASSPORT_DENIAL: Final = "08"
GRUND_NOT_ENTITLED_WEAPONS: Final = "09"
GRUND_NOT_ENTITLED_LANDLORD: Final = "10"
GRUND_NOT_ENTITLED_MOVE_IN: Final = "11"
GRUND_TOO_MANY_HITS: Final = "12"  # more than 1000 hits (Personensuche)
GRUND_TOO_MANY_RESULTS: Final = "13"  # more than 1000 results (freie Suche)
GRUND_WRONG_READER: Final = "14"  # reader's AGS does not match the Auswahldaten
GRUND_WILDCARD: Final = "15"  # wildcards with phonetic search
GRUND_TECHNICAL: Final = "16"  # internal technical error (freitext explains)
GRUND_OTHER: Final = "17"  # other error (freitext explains); also formally faulty messages
GRUND_MIN_CRITERIA: Final = "18"  # BMG §38 Abs. 1 minimum search data missing
GRUND_HOUSE_RANGE: Final = "19"
GRUND_BIRTH_RANGE: Final = "20"
GRUND_NO_STREET: Final = "21"
GRUND_OUT_OF_AREA: Final = "22"  # search area outside the answering office
GRUND_LAND_EXTENSION: Final = "23"
GRUND_AZR_NOT_ALLOWED: Final = "24"

# --- register values ↔ codes --------------------------------------------------------------
# ISO 3166 (register) → Destatis Staatsangehörigkeits-/Staatsgebietsschlüssel (the same
# numbers for these states); a state missing here is left out of an answer and logged.
NATIONALITY_TO_DESTATIS: Final[Mapping[str, str]] = MappingProxyType(
    {"DE": "000", "FR": "129", "IT": "137", "PL": "152", "TR": "163"}
)
DESTATIS_TO_NATIONALITY: Final[Mapping[str, str]] = MappingProxyType(
    {code: iso for iso, code in NATIONALITY_TO_DESTATIS.items()}
)

# Register marital status (adapters/melderegister/records.py) ↔ DSMeld familienstand.
MARITAL_TO_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ledig": "LD",
        "verheiratet": "VH",
        "verwitwet": "VW",
        "geschieden": "GS",
        "lebenspartnerschaft": "LP",
        "lp_verstorben": "LV",
        "lp_aufgehoben": "LA",
        "unbekannt": "NB",
    }
)
CODE_TO_MARITAL: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{code: status for status, code in MARITAL_TO_CODE.items()},
        # No register value of their own: an annulled marriage ends like a divorce, a partner
        # declared dead counts as deceased.
        "EA": "geschieden",
        "LE": "lp_verstorben",
    }
)

# DSMeld wohnungsstatus → register address kind; the alleinige Wohnung (0) counts as main.
DWELLING_KIND_OF_STATUS: Final[Mapping[str, str]] = MappingProxyType(
    {"0": "haupt", "1": "haupt", "2": "neben"}
)
# Register address kind → DSMeld wohnungsstatus. The register does not tell an alleinige
# Wohnung (0) from a Hauptwohnung (1); both read back as "haupt".
STATUS_OF_DWELLING_KIND: Final[Mapping[str, str]] = MappingProxyType({"haupt": "1", "neben": "2"})

# Register spouse partnership (adapters/melderegister/mapping.py) ↔ ehegatte.oder.lebenspartner.
PARTNERSHIP_TO_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {"ehe": "EG", "lebenspartnerschaft": "LP"}
)
CODE_TO_PARTNERSHIP: Final[Mapping[str, str]] = MappingProxyType(
    {code: kind for kind, code in PARTNERSHIP_TO_CODE.items()}
)

# Register document kind → DSMeld pass.und.ausweisdokumente (Anlage 3 DSMeld). A register
# "reisepass" is the "anerkannte Pass" of BMG §3 Abs. 1 Nr. 17: German (01) when its serial
# starts with a letter of the German passport series, otherwise not German-issued (07).
ID_CARD_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {"personalausweis": "09", "eid_karte": "15"}
)
GERMAN_PASSPORT_CODE: Final = "01"
OTHER_PASSPORT_CODE: Final = "07"
GERMAN_PASSPORT_SERIAL_LETTERS: Final = frozenset("CFGHJK")
# DSMeld document code → register kind: Personalausweise (incl. vorläufige, Ersatz), the
# eID-Karte, and every pass or Passersatz as "reisepass"; 12 (another EU state's identity
# card) has no register kind and reads back as its code.
KIND_OF_ID_DOC_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {
        "02": "personalausweis",
        "09": "personalausweis",
        "10": "personalausweis",
        "15": "eid_karte",
        **dict.fromkeys(("01", "03", "04", "05", "06", "07", "08", "11", "13", "14"), "reisepass"),
    }
)


def id_doc_code(kind: str | None, serial: str | None) -> str | None:
    """The DSMeld code of a register document; None for a kind the table does not know."""
    if kind == "reisepass":
        german = (serial or "")[:1].upper() in GERMAN_PASSPORT_SERIAL_LETTERS
        return GERMAN_PASSPORT_CODE if german else OTHER_PASSPORT_CODE
    return ID_CARD_CODE.get(kind or "")


# --- field table --------------------------------------------------------------------------
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
        field: field ID.
        codes: ``personensuche.anforderungselement`` codes that request it.
        element: element path below ``xmeld:person`` (``type.Personensuche.Abrufdaten``).
        free_codes: ``freie.suche.anforderungselement`` codes known to request it (only
            those; any other free-search code is reported back as not served).
    """

    field: str
    codes: tuple[str, ...]
    element: str
    free_codes: tuple[str, ...] = ()


_PD = "personendaten"

XMELD_FIELDS: Final[tuple[XMeldField, ...]] = (
    # 1 Familienname, 2 Ehename, 3 Lebenspartnerschaftsname
    XMeldField("name", _codes(1, 2, 3), f"{_PD}/name/familienname.unstrukturiert", _codes(1)),
    # 4 Geburtsname, 5 Familienname vor Änderung, 6 Nachweis
    XMeldField("prev_names", _codes(4, 5, 6), f"{_PD}/name/frueherer.familienname", _codes(4, 5)),
    # 7 Vornamen, 8 Vornamen vor Änderung, 9 Nachweis
    XMeldField("given_names", _codes(7, 8, 9), f"{_PD}/name/vornamen", _codes(6)),
    XMeldField("doctor", _codes(10), f"{_PD}/name/doktorgrad", _codes(8)),
    # 11 Ordensname, 12 Künstlername
    XMeldField("religious_artist_name", _codes(11, 12), f"{_PD}/name/kuenstlername", _codes(9, 10)),
    # 13 Geburtsdatum, 14 frühere Geburtsdaten, 15 Geburtsort, 16 Staat, 17 Nachweis, 18
    XMeldField("birth", _codes((13, 18)), f"{_PD}/geburtsangaben", _codes(11, 13, 14)),
    XMeldField("sex", _codes(19), f"{_PD}/geschlecht", _codes(15)),
    XMeldField("legal_rep", _codes((20, 40)), "gesetzlicherVertreter"),
    XMeldField("nationality", _codes(41, 42), f"{_PD}/staatsangehoerigkeit", _codes(16)),
    # 43-56 aktuelle, 57-70 frühere Anschrift, 71-73 Zu-/Wegzug Ausland
    XMeldField("addresses", _codes((43, 73)), f"{_PD}/wohnung", _codes((17, 27))),
    # 74-79 aktuelle, 80-88 frühere Wohnung Daten, 89-92 Zuzugsdaten, 93 Wegzug Ausland
    # free search: 28 Einzugsdatum (security authorities only, BMG §34a Abs. 3 S. 2)
    XMeldField("move_dates", _codes((74, 93)), f"{_PD}/wohnung/datumDesBeziehens", _codes(28)),
    XMeldField("marital", _codes((94, 101)), f"{_PD}/familienstand"),
    # 102-123 Ehegatte, 124-145 Lebenspartner
    XMeldField("spouse", _codes((102, 145)), "partner"),
    XMeldField("children", _codes((146, 162)), "kind"),
    # free search: 29-32 Personalausweis, 33-35 Pass, 36-37 Seriennummern
    XMeldField("id_docs", _codes((163, 171)), f"{_PD}/ausweisdokument", _codes((29, 37))),
    # 172 Sterbedatum, 173 Nachweis, 174 Sterbeort, 175 Staat
    XMeldField("death", _codes((172, 175)), f"{_PD}/sterbedaten", _codes(38, 40, 41)),
    XMeldField("passport_denial", _codes(176, 177), f"{_PD}/passversagung"),
    # 178-179 Erlaubnis, 180-181 Waffenbesitzverbot
    # free search: 42 Erlaubnis, 43 Waffenbesitzverbot; 44 Sprengstoff; 45 Wohnungsgeber,
    # 46 Eigentümer (``freie.suche.anforderungselement`` version 2, xmeld-codes.xsd)
    XMeldField("weapons", _codes((178, 181)), f"{_PD}/waffenrechtlicheErlaubnis", _codes(42, 43)),
    XMeldField("explosives", _codes(182, 183), f"{_PD}/sprengstoffrechtlicheErlaubnis", _codes(44)),
    XMeldField("landlord", _codes(184, 185), f"{_PD}/wohnung/wohnungsgeber", _codes(45, 46)),
)

FIELD_BY_ID: Final[Mapping[str, XMeldField]] = MappingProxyType(
    {entry.field: entry for entry in XMELD_FIELDS}
)
FIELD_BY_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {code: entry.field for entry in XMELD_FIELDS for code in entry.codes}
)
FREE_FIELD_BY_CODE: Final[Mapping[str, str]] = MappingProxyType(
    {code: entry.field for entry in XMELD_FIELDS for code in entry.free_codes}
)
XMELD_FIELD_IDS: Final = frozenset(FIELD_BY_ID)

SearchKind = Literal["person", "free"]


def codes_for_fields(fields: Iterable[str]) -> list[str]:
    """Anforderungselement codes for the field IDs, numerically sorted; unknown IDs skipped."""
    codes = {code for name in fields if name in FIELD_BY_ID for code in FIELD_BY_ID[name].codes}
    return sorted(codes, key=int)


def field_of_code(code: str, *, kind: SearchKind = "person") -> str | None:
    """The field ID a 1330 (``person``) or 1332 (``free``) anforderungselement requests."""
    return (FIELD_BY_CODE if kind == "person" else FREE_FIELD_BY_CODE).get(code)


def fields_for_codes(codes: Iterable[str], *, kind: SearchKind = "person") -> frozenset[str]:
    """Field IDs requested by anforderungselement codes; unknown codes are ignored."""
    return frozenset(
        found for code in codes if (found := field_of_code(code, kind=kind)) is not None
    )
