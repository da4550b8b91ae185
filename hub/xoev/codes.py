"""The code tables between XMeld 25.11a and the hub, each in one place.

Anforderungselemente (``personensuche.anforderungselement`` / ``freie.suche.anforderungselement``,
version 2) map to Melderegister field IDs (CONTRACT §4). Only codes whose field the XMeld
serialiser can render are listed; every other code is reported back as not served.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final


def _codes(field: str, codes: Iterable[int]) -> dict[str, str]:
    return {str(code): field for code in codes}


PERSONENSUCHE_FIELDS: Final[Mapping[str, str]] = {
    **_codes("name", [1]),
    **_codes("prev_names", [4, 5]),
    **_codes("given_names", [7]),
    **_codes("doctor", [10]),
    **_codes("religious_artist_name", [11, 12]),
    **_codes("birth", [13, 15, 16]),
    **_codes("sex", [19]),
    **_codes("nationality", [41]),
    # aktuelle (43-56) and frühere (57-70) Anschrift, Status/Art der Wohnung
    **_codes("addresses", range(43, 71)),
    **_codes("death", [172, 174, 175]),
}

FREIE_SUCHE_FIELDS: Final[Mapping[str, str]] = {
    **_codes("name", [1]),
    **_codes("prev_names", [4, 5]),
    **_codes("given_names", [6]),
    **_codes("doctor", [8]),
    **_codes("religious_artist_name", [9, 10]),
    **_codes("birth", [11, 13, 14]),
    **_codes("sex", [15]),
    **_codes("nationality", [16]),
    **_codes("addresses", range(17, 28)),
    **_codes("death", [38, 40, 41]),
}

# datenabruf.nichterstellung.grund (version 2)
GRUND_SECURITY_CLAIM: Final = "03"  # sicherheitsbehoerde=true, but the client is none
GRUND_TOO_MANY_HITS: Final = "12"
GRUND_TOO_MANY_RESULTS: Final = "13"
GRUND_WILDCARD: Final = "15"
GRUND_TECHNICAL: Final = "16"
GRUND_OTHER: Final = "17"  # with freitext; also used for formally faulty messages
GRUND_MIN_CRITERIA: Final = "18"  # BMG §38 Abs. 1 minimum search data missing
GRUND_OUT_OF_AREA: Final = "22"
GRUND_AZR_ONLY: Final = "24"

# Policy reason codes (policies/hub/authz) → grund; the first listed reason that maps wins.
REASON_TO_GRUND: Final[Mapping[str, str]] = {
    "hit_limit_exceeded": GRUND_TOO_MANY_HITS,
    "wildcard_in_person_search": GRUND_WILDCARD,
    "selection_criteria_missing": GRUND_MIN_CRITERIA,
    "selection_criterion_not_admitted": GRUND_MIN_CRITERIA,
    "selection_criterion_excluded": GRUND_MIN_CRITERIA,
}

# ISO 3166 (register) → Destatis Staatsangehörigkeitsschlüssel (XMeld); unknown ones are
# left out of the answer and logged by code.
NATIONALITY_TO_DESTATIS: Final[Mapping[str, str]] = {
    "DE": "000",
    "FR": "129",
    "IT": "137",
    "PL": "152",
    "TR": "163",
}
DESTATIS_TO_NATIONALITY: Final[Mapping[str, str]] = {
    code: iso for iso, code in NATIONALITY_TO_DESTATIS.items()
}


def grund_for(reasons: Iterable[str], *, kind: str) -> str:
    """The nichterstellung code for a policy refusal; 17 (with freitext) when none fits."""
    for reason in reasons:
        grund = REASON_TO_GRUND.get(reason)
        if grund == GRUND_TOO_MANY_HITS and kind == "free":
            return GRUND_TOO_MANY_RESULTS
        if grund is not None:
            return grund
    return GRUND_OTHER
