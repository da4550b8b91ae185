"""Code values of XGewerbeanzeige 1.3-2.2 that the Gewerberegister import understands.

Only codes whose meaning is certain are listed: an unlisted code is refused by name rather
than guessed, so a register entry never carries a wrong Rechtsform or nationality.
"""

from __future__ import annotations

from typing import Final

NAMESPACE_PREFIX: Final = "http://www.xgewerbeanzeige.de/spezifikation/"
VERSIONS_2X: Final = frozenset({"2.0", "2.1", "2.2"})
# XGewerbeanzeige 1.3 travels as a DatML/RAW document of Destatis (mm/mmgr name/value pairs).
DATML_NAMESPACE: Final = "http://www.destatis.de/schema/datml-raw/2.0/de"
DATML_ROOT: Final = "DatML-RAW-D"
DATML_VERSION: Final = "1.3"

# urn:xoev-de:xgewerbeanzeige:codeliste:rechtsformen → import format (records.Rechtsform).
# Legal persons (GmbH 350, UG 351, AG 310, e.V. 590, …) are outside this register.
RECHTSFORMEN: Final[dict[str, str]] = {
    "170": "ek",  # eingetragenes Einzelunternehmen (e.K.)
    "180": "einzelunternehmen",  # nicht eingetragenes Einzelunternehmen
    "210": "ohg",
    "220": "kg",
    "270": "gbr",
    "293": "partg",
}
LEGAL_PERSON_FORMS: Final = frozenset({"230", "310", "350", "351", "360", "400", "590", "611"})

# Art der Eintragung → register kind of records.Registereintrag.
EINTRAGUNG_ARTEN: Final[dict[str, str]] = {
    "A": "HRA",
    "B": "HRB",
    "G": "GnR",
    "P": "PR",
    "V": "VR",
}
# Which register kind each Rechtsform may be entered in (none: not registrable).
REGISTER_FOR_FORM: Final[dict[str, frozenset[str]]] = {
    "ek": frozenset({"HRA"}),
    "ohg": frozenset({"HRA"}),
    "kg": frozenset({"HRA"}),
    "partg": frozenset({"PR"}),
    "einzelunternehmen": frozenset(),
    "gbr": frozenset(),
}

# Destatis Staatsangehörigkeitsschlüssel → ISO 3166-1 alpha-2; 997-999: stateless/unknown.
STAATSANGEHOERIGKEITEN: Final[dict[str, str]] = {
    "000": "DE",
    "124": "BE",
    "129": "FR",
    "137": "IT",
    "148": "NL",
    "151": "AT",
    "152": "PL",
    "163": "TR",
    "168": "GB",
    "332": "CL",
    "368": "US",
    "997": "XX",
    "998": "XX",
    "999": "XX",
}
GERMANY_NUMERIC: Final = "276"  # ISO 3166-1 numeric, nationSchluessel of an Anschrift

JA_NEIN: Final = frozenset({"0", "1"})
# MeldungArt of the 1.3 DatML record; 2.x names the kind by element.
MELDUNG_ARTEN_13: Final[dict[str, str]] = {"1": "anmeldung", "2": "ummeldung", "3": "abmeldung"}
KINDS: Final = ("anmeldung", "ummeldung", "abmeldung")
# The reason each kind must give (2.x element names; 1.3 uses the same names capitalised).
REASON_OF_KIND: Final[dict[str, str]] = {
    "anmeldung": "grundAnmeldungSchluessel",
    "ummeldung": "gruendeUmmeldung",
    "abmeldung": "grundAbmeldungSchluessel",
}
# Handwerkskarte/Erlaubnis/Aufenthaltstitel status "liegt vor".
STATUS_PRESENT: Final = "1"
