"""The Darmstadt default catalogue as data: authorities, purposes and allow-lists.

Authority and purpose codes are fixed names the clients use; field IDs are the registers'
(adapters/<register>/spec.py). The fields per office and purpose follow the city's rule
matrix (kept outside the repository; policies/COVERAGE.md maps its rows): the legal
maximum (BMG §34, §37; GewO §14; PStG §65, §68), narrowed to what each office's task needs
(DSGVO Art. 5 Abs. 1 lit. c). Every allowance that departs from or interprets the matrix
says so in a comment. The IdNr is in no allowance (IDNrG §5 Abs. 1; row G10 of
policies/COVERAGE.md): a procedure with an IDNrG/OZG basis must be approved on its own.

A purpose's ``register`` is the register it mainly serves; an allowance may bind the same
purpose to another register with that register's legal basis (``strafverfolgung`` on the
Gewerberegister, GewO §14 Abs. 9). ``approval_reference`` stands for the Oberbürgermeister's
written admission of the automated procedure (BMG §37 Abs. 2 S. 1; GewO §14 Abs. 11 S. 2);
the references here are synthetic placeholders, one per office.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityDefault:
    code: str
    title: str
    category: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PurposeDefault:
    code: str
    title: str
    register: str
    legal_basis: tuple[str, ...]
    description: str
    archive_exceptions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AllowanceDefault:
    purpose: str
    authority: str
    register: str
    kinds: tuple[str, ...]
    fields: tuple[str, ...]
    legal_basis: tuple[str, ...]
    approval_reference: str
    # Field -> transformation (governance/transforms.py): value-level minimisation.
    transforms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


MELDE: Final = "melderegister"
GEWERBE: Final = "gewerberegister"
PSTR: Final = "personenstandsregister"

# ----------------------------------------------------------------------------- field groups

MELDEREGISTER_FIELDS: Final = (
    "name",
    "prev_names",
    "given_names",
    "doctor",
    "religious_artist_name",
    "birth",
    "sex",
    "idnr",
    "legal_rep",
    "nationality",
    "religion",
    "addresses",
    "move_dates",
    "marital",
    "spouse",
    "children",
    "id_docs",
    "azr_no",
    "blocks",
    "death",
    "vote_excl",
    "elstam",
    "vbm",
    "passport_denial",
    "weapons",
    "explosives",
    "residence_queries",
    "landlord",
)
# BMG §34 Abs. 1 S. 1 Nr. 1-16: what any public body may receive.
BMG_34_1_S1: Final = (
    "name",
    "prev_names",
    "given_names",
    "doctor",
    "religious_artist_name",
    "birth",
    "sex",
    "nationality",
    "addresses",
    "move_dates",
    "legal_rep",
    "marital",
    "spouse",
    "children",
    "blocks",
    "death",
)
# BMG §34 Abs. 1 S. 2 Nr. 1-4: in addition for the authorities of §34 Abs. 4 S. 1.
BMG_34_1_S2: Final = ("id_docs", "passport_denial", "weapons", "explosives", "landlord")
# BMG §34a Abs. 3 S. 1: free search (Nr. 1-8, 16 and the *current main* address; the policy
# reduces ``addresses`` to that one). S. 2: security bodies also get Einzugsdatum, S. 2 Nr. 1, 3, 4.
BMG_34A_3_FREE_SEARCH: Final = (
    "name",
    "prev_names",
    "given_names",
    "doctor",
    "religious_artist_name",
    "birth",
    "sex",
    "nationality",
    "death",
    "addresses",
)
BMG_44_SIMPLE: Final = ("name", "given_names", "doctor", "addresses", "death")  # einfache Auskunft
GEWERBE_PUBLIC: Final = ("name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit")
GEWERBE_PROTECTED: Final = (
    "given_names",
    "birth_date",
    "birth_place",
    "nationality",
    "private_address",
    "rechtsform",
    "registereintrag",
    "betriebsbeginn",
    "betriebsende",
    "beschaeftigte",
    "erlaubnisse",
    "abmeldegrund",
)
GEWERBEREGISTER_FIELDS: Final = (*GEWERBE_PUBLIC, *GEWERBE_PROTECTED)
PERSONENSTANDSREGISTER_FIELDS: Final = (
    "entry_kind",
    "entry_year",
    "registry_office",
    "entry_number",
    "persons",
    "entry_text",
)
REGISTER_FIELDS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        MELDE: MELDEREGISTER_FIELDS,
        GEWERBE: GEWERBEREGISTER_FIELDS,
        PSTR: PERSONENSTANDSREGISTER_FIELDS,
    }
)

# City offices on the Melderegister (BMG §37): the fields each office's task needs.
_WOHNGELD = (
    "name",
    "prev_names",
    "given_names",
    "birth",
    "addresses",
    "move_dates",
    "marital",
    "spouse",
    "children",
    "legal_rep",
    "death",
    "blocks",
)
_ORDNUNGSAMT = (
    "name",
    "given_names",
    "doctor",
    "birth",
    "addresses",
    "move_dates",
    "legal_rep",
    "death",
    "blocks",
)
_SOZIALAMT = (
    "name",
    "prev_names",
    "given_names",
    "birth",
    "sex",
    "nationality",
    "addresses",
    "move_dates",
    "marital",
    "spouse",
    "children",
    "legal_rep",
    "death",
    "blocks",
)
_JUGENDAMT = (
    "name",
    "given_names",
    "birth",
    "sex",
    "addresses",
    "move_dates",
    "legal_rep",
    "children",
    "marital",
    "spouse",
    "death",
    "blocks",
    "nationality",
)
_STEUERAMT = (
    "name",
    "given_names",
    "doctor",
    "birth",
    "addresses",
    "move_dates",
    "death",
    "legal_rep",
)
_AUSLAENDERBEHOERDE = (
    "name",
    "prev_names",
    "given_names",
    "birth",
    "sex",
    "nationality",
    "addresses",
    "move_dates",
    "marital",
    "spouse",
    "children",
    "legal_rep",
    "id_docs",
    "azr_no",
    "death",
    "blocks",
)
_STANDESAMT = (
    "name",
    "prev_names",
    "given_names",
    "doctor",
    "birth",
    "sex",
    "nationality",
    "addresses",
    "marital",
    "spouse",
    "children",
    "legal_rep",
    "death",
)
_WAHLAMT = (
    "name",
    "given_names",
    "doctor",
    "birth",
    "addresses",
    "move_dates",
    "nationality",
    "vote_excl",
    "blocks",
)
_SECURITY = (*BMG_34_1_S1, *BMG_34_1_S2)

PERSON_CONFIRM: Final = ("person", "confirm")
PERSON_FREE_CONFIRM: Final = ("person", "free", "confirm")

# ----------------------------------------------------------------------------- authorities


def _authorities(
    category: str, entries: tuple[tuple[str, str], ...]
) -> tuple[AuthorityDefault, ...]:
    return tuple(
        AuthorityDefault(code=code, title=title, category=category) for code, title in entries
    )


_CITY = "Wissenschaftsstadt Darmstadt"
AUTHORITIES: Final = (
    *_authorities(
        "city_office",
        (
            ("wohngeldstelle", f"{_CITY}, Wohngeldstelle"),
            ("ordnungsamt", f"{_CITY}, Ordnungsamt (Gefahrenabwehr- und Bußgeldbehörde)"),
            ("waffenbehoerde", f"{_CITY}, Waffen- und Sprengstoffbehörde"),
            ("sozialamt", f"{_CITY}, Sozialamt (SGB XII, AsylbLG)"),
            ("jugendamt", f"{_CITY}, Jugendamt"),
            ("steueramt", f"{_CITY}, Steueramt"),
            ("auslaenderbehoerde", f"{_CITY}, Ausländerbehörde"),
            ("standesamt", f"{_CITY}, Standesamt"),
            ("wahlamt", f"{_CITY}, Wahlamt"),
            ("statistikstelle", f"{_CITY}, Statistikstelle (abgeschottet)"),
            ("gewerbeamt", f"{_CITY}, Gewerbeamt"),
            ("meldebehoerde", f"{_CITY}, Meldebehörde"),
        ),
    ),
    *_authorities(
        "public_body",
        (
            ("jobcenter", "Jobcenter (Grundsicherung für Arbeitsuchende, SGB II)"),
            ("landratsamt", "Kreisverwaltung (Landratsamt) eines Nachbarkreises"),
            ("bzst", "Bundeszentralamt für Steuern"),
            ("standesamt_extern", "Standesamt einer anderen Gemeinde"),
        ),
    ),
    *_authorities(
        "security_authority",
        (
            ("polizei", "Polizeibehörde (Landespolizei, Bundespolizei, BKA)"),
            ("verfassungsschutz", "Verfassungsschutzbehörde"),
            ("bnd", "Bundesnachrichtendienst"),
            ("mad", "Militärischer Abschirmdienst"),
            ("zollfahndung", "Zollfahndungsdienst"),
        ),
    ),
    *_authorities(
        "justice_authority",
        (
            ("staatsanwaltschaft", "Staatsanwaltschaft oder Amtsanwaltschaft"),
            ("gericht", "Gericht (Strafverfolgung, Strafvollstreckung, Strafvollzug)"),
            ("justizvollzug", "Justizvollzugsbehörde"),
            ("hauptzollamt", "Hauptzollamt"),
            ("steuerfahndung", "Finanzbehörde, soweit strafverfolgend tätig (Steuerfahndung)"),
        ),
    ),
    *_authorities(
        "eu_public_body", (("eu_gemeinde", "Öffentliche Stelle eines anderen EU-Mitgliedstaats"),)
    ),
    *_authorities("private", (("privatperson", "Privatperson oder Unternehmen"),)),
    *_authorities("media", (("rundfunk", "Presse und Rundfunk"),)),
)
AUTHORITY_CODES: Final = tuple(authority.code for authority in AUTHORITIES)

# ----------------------------------------------------------------------------- purposes


def _purpose(
    code: str,
    title: str,
    register: str,
    *legal_basis: str,
    about: str,
    archive_exceptions: tuple[str, ...] = (),
) -> PurposeDefault:
    return PurposeDefault(
        code=code,
        title=title,
        register=register,
        legal_basis=legal_basis,
        description=about,
        archive_exceptions=archive_exceptions,
    )


PURPOSES: Final = (
    _purpose(
        "wohngeld_antrag",
        "Wohngeldantrag",
        MELDE,
        "BMG §37 Abs. 1",
        "WoGG",
        about="Prüfung und Bewilligung von Wohngeld, Haushaltsmitglieder.",
    ),
    _purpose(
        "sgb12_leistung",
        "Sozialhilfe (SGB XII)",
        MELDE,
        "BMG §37 Abs. 1",
        "BMG §34 Abs. 1 S. 1",
        "SGB XII",
        about="Leistungen der Sozialhilfe.",
    ),
    _purpose(
        "asylblg_leistung",
        "Leistungen nach dem AsylbLG",
        MELDE,
        "BMG §37 Abs. 1",
        "AsylbLG",
        about="Leistungen für Asylbewerber.",
    ),
    _purpose(
        "sgb2_leistung",
        "Grundsicherung für Arbeitsuchende (SGB II)",
        MELDE,
        "BMG §34 Abs. 1 S. 1",
        "BMG §34a Abs. 2",
        "SGB II",
        about="Bürgergeld: Bedarfsgemeinschaft, Wohnsitz, Zuständigkeit.",
    ),
    _purpose(
        "sgb8_hilfe",
        "Kinder- und Jugendhilfe (SGB VIII)",
        MELDE,
        "BMG §37 Abs. 1",
        "SGB VIII",
        about="Hilfen zur Erziehung und andere Leistungen der Jugendhilfe.",
    ),
    _purpose(
        "kinderschutz_8a",
        "Schutzauftrag bei Kindeswohlgefährdung",
        MELDE,
        "BMG §37 Abs. 1",
        "SGB VIII §8a",
        about="Gefährdungseinschätzung; eine Auskunftssperre bleibt wirksam (Matrix).",
    ),
    _purpose(
        "vaterschaft_beistandschaft",
        "Vaterschaftsfeststellung und Beistandschaft",
        MELDE,
        "BMG §37 Abs. 1",
        "SGB VIII §52a",
        "BGB §1712",
        about="Beistandschaft des Jugendamts; Personenstandsdaten nur auf Ersuchen.",
    ),
    _purpose(
        "unterhaltsvorschuss",
        "Unterhaltsvorschuss",
        MELDE,
        "BMG §37 Abs. 1",
        "UVG",
        about="Unterhaltsvorschuss für Kinder Alleinerziehender.",
    ),
    _purpose(
        "owi_anhoerung",
        "Anhörung im Bußgeldverfahren",
        MELDE,
        "BMG §37 Abs. 1",
        "OWiG §55",
        about="Anhörung und Bußgeldbescheid, Zustellanschrift.",
    ),
    _purpose(
        "gefahrenabwehr",
        "Gefahrenabwehr",
        MELDE,
        "BMG §37 Abs. 1",
        "BMG §34 Abs. 1",
        "BMG §34 Abs. 4",
        "HSOG",
        about="Abwehr von Gefahren im Einzelfall.",
    ),
    _purpose(
        "gefahrenabwehr_evakuierung",
        "Evakuierung (freie Suche)",
        MELDE,
        "BMG §34a Abs. 3",
        "BMG §38 Abs. 2",
        "HSOG",
        "HBKG",
        about="Alle Bewohner eines Gebäudes oder Gebiets, z. B. bei Bombenfund.",
    ),
    _purpose(
        "waffenrecht_zuverlaessigkeit",
        "Waffen- und sprengstoffrechtliche Zuverlässigkeit",
        MELDE,
        "BMG §37 Abs. 1",
        "BMG §34 Abs. 3",
        "WaffG §5",
        "SprengG §8",
        about="Zuverlässigkeitsprüfung und Überwachung von Erlaubnisinhabern.",
    ),
    _purpose(
        "zweitwohnungsteuer",
        "Zweitwohnungsteuer",
        MELDE,
        "BMG §37 Abs. 1",
        "HessKAG",
        about="Veranlagung nach der Satzung über die Zweitwohnungsteuer.",
    ),
    _purpose(
        "hundesteuer",
        "Hundesteuer",
        MELDE,
        "BMG §37 Abs. 1",
        "HessKAG",
        about="Veranlagung der Hundesteuer.",
    ),
    _purpose(
        "grundsteuer",
        "Grundsteuer",
        MELDE,
        "BMG §37 Abs. 1",
        "GrStG",
        about="Zustellung von Grundsteuerbescheiden.",
    ),
    _purpose(
        "waehlerverzeichnis",
        "Wählerverzeichnis und Wahlbenachrichtigung",
        MELDE,
        "BMG §37 Abs. 1",
        "BMG §5 Abs. 3 S. 2 Nr. 1",
        "BWahlG §17",
        about="Wahlberechtigung, Wahlscheine, Einsprüche.",
        # BMG §13 Abs. 2 S. 4 Nr. 2 lit. d: e.g. a Wahlschein or an objection about a voter
        # who moved away or died more than five years ago (Wahlprüfung, Wahlstatistik).
        archive_exceptions=("wahlzwecke",),
    ),
    _purpose(
        "aufenthg_verlaengerung",
        "Verlängerung eines Aufenthaltstitels",
        MELDE,
        "BMG §37 Abs. 1",
        "AufenthG §8",
        "AufenthG §86",
        about="Aufenthaltsrechtliches Verfahren.",
    ),
    _purpose(
        "aufenthg_selbststaendigkeit",
        "Aufenthaltstitel zur selbständigen Tätigkeit",
        MELDE,
        "BMG §37 Abs. 1",
        "AufenthG §21",
        "GewO §14 Abs. 8",
        about="Prüfung der selbständigen Tätigkeit, auch im Gewerberegister.",
    ),
    # A purpose of the catalogue's own, beside the fixed codes: the Staatsangehörigkeitsbehörde's
    # Feststellungsverfahren, for which BMG §13 Abs. 2 S. 4 Nr. 2 lit. e opens archived data.
    _purpose(
        "stag_feststellung",
        "Feststellung der Staatsangehörigkeit",
        MELDE,
        "BMG §37 Abs. 1",
        "StAG §30",
        about="Feststellung des Bestehens oder Nichtbestehens der deutschen "
        "Staatsangehörigkeit; frühere Wohnsitze und Familienverhältnisse.",
        archive_exceptions=("stag_verfahren",),
    ),
    _purpose(
        "kommunalstatistik",
        "Kommunalstatistik",
        MELDE,
        "BMG §37 Abs. 1",
        about="Bevölkerungsstatistik der abgeschotteten Statistikstelle; die "
        "landesstatistikrechtliche Grundlage ist noch zu prüfen (Matrix: UNVERIFIED).",
    ),
    _purpose(
        "gewerbeanzeige_pruefung",
        "Prüfung einer Gewerbeanzeige",
        MELDE,
        "BMG §37 Abs. 1",
        "GewO §14 Abs. 1",
        about="Identität und Wohnanschrift der anzeigenden Person.",
    ),
    _purpose(
        "melderegisterauskunft",
        "Einfache Melderegisterauskunft",
        MELDE,
        "BMG §44 Abs. 1",
        about="Auskunft an Private durch die Meldebehörde selbst.",
    ),
    # A purpose of the catalogue's own, beside the fixed codes: the Meldebehörde's lookup when
    # a person asks what the register holds about them and who received it (BMG §10 Abs. 1,
    # DSGVO Art. 15: identity checked first). Ledgered like any query.
    _purpose(
        "betroffenenauskunft",
        "Auskunft an die betroffene Person (Art. 15 DSGVO)",
        MELDE,
        "DSGVO Art. 15",
        "BMG §10",
        about="Eigene Daten und Empfänger automatisierter Abrufe für die betroffene Person; "
        "Einschränkungen nach BMG §11.",
    ),
    _purpose(
        "elstam_abgleich",
        "ELStAM-Datenabgleich",
        MELDE,
        "BMG §34 Abs. 3",
        "BMG §5 Abs. 3 S. 2 Nr. 2",
        "EStG §39e",
        about="Lohnsteuerabzugsmerkmale; nur an das Bundeszentralamt für Steuern.",
    ),
    _purpose(
        "strafverfolgung",
        "Strafverfolgung und Strafvollstreckung",
        MELDE,
        "BMG §34 Abs. 1",
        "BMG §34 Abs. 4",
        "BMG §34a Abs. 2",
        "GewO §14 Abs. 9",
        about="Verfolgung von Straftaten; im Gewerberegister nach GewO §14 Abs. 9.",
    ),
    _purpose(
        "eheanmeldung",
        "Anmeldung der Eheschließung",
        PSTR,
        "PStG §12",
        "PStG §13",
        "PStG §68 Abs. 2",
        about="Prüfung der Ehevoraussetzungen.",
    ),
    _purpose(
        "beurkundung",
        "Beurkundung und Fortführung",
        PSTR,
        "PStG §68 Abs. 2",
        "PStG §15",
        "PStG §21",
        "PStG §31",
        about="Beurkundung von Eheschließung, Geburt und Tod, Fortführung, Urkunden.",
    ),
    _purpose(
        "erbenermittlung_bestattung",
        "Erbenermittlung und Bestattungspflicht",
        PSTR,
        "PStG §65 Abs. 1",
        about="Angehörige Verstorbener; nur als Ersuchen (PStG §65).",
    ),
    _purpose(
        "gewerbesteuer_veranlagung",
        "Gewerbesteuerveranlagung",
        GEWERBE,
        "GewO §14 Abs. 6 S. 1 Nr. 3",
        "GewO §14 Abs. 6 S. 2",
        "GewStG",
        about="Veranlagung und Erhebung der Gewerbesteuer.",
    ),
    _purpose(
        "gewerbeuntersagung_35",
        "Gewerbeuntersagung",
        GEWERBE,
        "GewO §35",
        "GewO §14 Abs. 6 S. 1",
        about="Untersagung wegen Unzuverlässigkeit.",
    ),
    _purpose(
        "information",
        "Öffentliche Gewerbedaten",
        GEWERBE,
        "GewO §14 Abs. 5 S. 2",
        about="Name, Geschäftsbezeichnung, betriebliche Anschrift, Tätigkeit: für jeden.",
    ),
)

# ----------------------------------------------------------------------------- allowances

_APPROVALS = {
    code: f"OB-Verfügung DEMO-2026-{number:03d}"
    for number, code in enumerate(AUTHORITY_CODES, start=1)
}
_CITY_BASIS = ("BMG §37 Abs. 1", "BMG §37 Abs. 2")
_EXTERNAL_BASIS = ("BMG §34 Abs. 1 S. 1", "BMG §34a Abs. 2")


def _allow(
    purpose: str,
    authority: str,
    *,
    fields: tuple[str, ...],
    basis: tuple[str, ...],
    register: str = MELDE,
    kinds: tuple[str, ...] = PERSON_CONFIRM,
    transforms: Mapping[str, str] | None = None,
) -> AllowanceDefault:
    return AllowanceDefault(
        purpose=purpose,
        authority=authority,
        register=register,
        kinds=kinds,
        fields=fields,
        legal_basis=basis,
        approval_reference=_APPROVALS[authority],
        transforms=MappingProxyType(dict(transforms or {})),
    )


def _security(purpose: str, authority: str, *, number: str, law: str) -> AllowanceDefault:
    """A §34 Abs. 4 authority: S. 1 + S. 2 data by person search and free search."""
    return _allow(
        purpose,
        authority,
        fields=_SECURITY,
        kinds=PERSON_FREE_CONFIRM,
        basis=(
            "BMG §34 Abs. 1 S. 1",
            "BMG §34 Abs. 1 S. 2",
            f"BMG §34 Abs. 4 S. 1 Nr. {number}",
            "BMG §34a Abs. 2",
            "BMG §34a Abs. 3",
            law,
        ),
    )


_MELDE_CITY_OFFICES = (
    _allow("wohngeld_antrag", "wohngeldstelle", fields=_WOHNGELD, basis=(*_CITY_BASIS, "WoGG")),
    _allow("owi_anhoerung", "ordnungsamt", fields=_ORDNUNGSAMT, basis=(*_CITY_BASIS, "OWiG §55")),
    # The matrix names Gefahrenabwehr among the Ordnungsamt's purposes; same fields as OWi.
    _allow("gefahrenabwehr", "ordnungsamt", fields=_ORDNUNGSAMT, basis=(*_CITY_BASIS, "HSOG")),
    # Interpretation: a city office's free search gets no more than BMG §34a Abs. 3 S. 1.
    _allow(
        "gefahrenabwehr_evakuierung",
        "ordnungsamt",
        fields=BMG_34A_3_FREE_SEARCH,
        kinds=("free",),
        basis=(*_CITY_BASIS, "BMG §34a Abs. 3 S. 1", "HSOG"),
    ),
    # Interpretation: the Ordnungsamt fields plus weapons/explosives (§3 Abs. 2 Nr. 7, 8 data,
    # released only after the §34 Abs. 3 test that the purpose stands for).
    _allow(
        "waffenrecht_zuverlaessigkeit",
        "waffenbehoerde",
        fields=(*_ORDNUNGSAMT, "weapons", "explosives"),
        basis=(*_CITY_BASIS, "BMG §34 Abs. 3", "WaffG §5", "SprengG §8"),
    ),
    _allow("sgb12_leistung", "sozialamt", fields=_SOZIALAMT, basis=(*_CITY_BASIS, "SGB XII")),
    # The matrix row "SGB XII / AsylbLG" split into two purposes with the same fields.
    _allow("asylblg_leistung", "sozialamt", fields=_SOZIALAMT, basis=(*_CITY_BASIS, "AsylbLG")),
    _allow("sgb8_hilfe", "jugendamt", fields=_JUGENDAMT, basis=(*_CITY_BASIS, "SGB VIII")),
    _allow("kinderschutz_8a", "jugendamt", fields=_JUGENDAMT, basis=(*_CITY_BASIS, "SGB VIII §8a")),
    _allow(
        "vaterschaft_beistandschaft",
        "jugendamt",
        fields=_JUGENDAMT,
        basis=(*_CITY_BASIS, "SGB VIII §52a", "BGB §1712"),
    ),
    _allow("unterhaltsvorschuss", "jugendamt", fields=_JUGENDAMT, basis=(*_CITY_BASIS, "UVG")),
    _allow("zweitwohnungsteuer", "steueramt", fields=_STEUERAMT, basis=(*_CITY_BASIS, "HessKAG")),
    _allow("hundesteuer", "steueramt", fields=_STEUERAMT, basis=(*_CITY_BASIS, "HessKAG")),
    _allow("grundsteuer", "steueramt", fields=_STEUERAMT, basis=(*_CITY_BASIS, "GrStG")),
    # azr_no kept as the matrix lists it (UNSURE there): the policy must drop it once the
    # Ausländerbehörde has sent the AufenthG §90a notice (BMG §5 Abs. 1).
    _allow(
        "aufenthg_verlaengerung",
        "auslaenderbehoerde",
        fields=_AUSLAENDERBEHOERDE,
        basis=(*_CITY_BASIS, "AufenthG §8", "AufenthG §86"),
    ),
    _allow(
        "aufenthg_selbststaendigkeit",
        "auslaenderbehoerde",
        fields=_AUSLAENDERBEHOERDE,
        basis=(*_CITY_BASIS, "AufenthG §21", "AufenthG §86"),
    ),
    # Interpretation [I]: in Darmstadt the Ausländerbehörde's Staatsangehörigkeitsstelle runs
    # the StAG §30 procedure (competence under Hessian law UNSURE); descent, residence
    # history and family of the person, as for residence procedures but no documents.
    _allow(
        "stag_feststellung",
        "auslaenderbehoerde",
        fields=tuple(f for f in _AUSLAENDERBEHOERDE if f not in {"id_docs", "azr_no"}),
        kinds=("person",),
        basis=(*_CITY_BASIS, "StAG §30"),
    ),
    _allow(
        "eheanmeldung",
        "standesamt",
        fields=_STANDESAMT,
        basis=(*_CITY_BASIS, "PStG §12", "PStG §13"),
    ),
    _allow(
        "beurkundung",
        "standesamt",
        fields=_STANDESAMT,
        basis=(*_CITY_BASIS, "PStG §21", "PStG §31"),
    ),
    # Interpretation: the Wählerverzeichnis itself is built inside the register procedure;
    # the hub serves single look-ups (Wahlscheine, Einsprüche), hence no free search.
    _allow(
        "waehlerverzeichnis",
        "wahlamt",
        fields=_WAHLAMT,
        basis=(*_CITY_BASIS, "BMG §5 Abs. 3 S. 2 Nr. 1", "BWahlG §17"),
    ),
    # Interpretation: no names; religion left out while the matrix marks it UNSURE (a special
    # category, DSGVO Art. 9); many persons at once, hence free search. The matrix row's
    # "birth (year/month)" and "address (block/district code)" are value-level minimisation
    # (DSGVO Art. 5 Abs. 1 lit. c); death to the month as well [I]: a population statistic
    # counts deaths per month, never per day. The row's move_dates and marital are not
    # listed: a free search releases only the §34a Abs. 3 S. 1 set, which has neither, and
    # the person search that could is by name, which the row excludes.
    _allow(
        "kommunalstatistik",
        "statistikstelle",
        kinds=("free",),
        fields=("birth", "sex", "nationality", "addresses", "death"),
        basis=_CITY_BASIS,
        transforms={
            "birth": "year_month",
            "addresses": "district",
            "death": "year_month",
        },
    ),
    # Interpretation (no matrix row): identity and home address of whoever registers a trade.
    _allow(
        "gewerbeanzeige_pruefung",
        "gewerbeamt",
        fields=(
            "name",
            "given_names",
            "doctor",
            "birth",
            "nationality",
            "addresses",
            "move_dates",
            "death",
            "blocks",
        ),
        basis=(*_CITY_BASIS, "GewO §14 Abs. 1"),
    ),
    # Interpretation (no matrix row): the register office itself answers einfache
    # Melderegisterauskünfte (BMG §44 Abs. 1) with exactly the §44 data.
    _allow(
        "melderegisterauskunft",
        "meldebehoerde",
        fields=BMG_44_SIMPLE,
        kinds=("person",),
        basis=("BMG §44 Abs. 1",),
    ),
    # The person's own request (DSGVO Art. 15, BMG §10): the register office finds the person
    # to answer it; identification data only, the letter lists the recipients from the ledger.
    _allow(
        "betroffenenauskunft",
        "meldebehoerde",
        fields=("name", "given_names", "doctor", "birth", "addresses"),
        kinds=("person",),
        basis=("DSGVO Art. 15", "BMG §10"),
    ),
)

# Burial and heirs. Interpretation [I]: the Sozialamt bears the burial costs
# of SGB XII §74 only if the persons obliged cannot be expected to pay, so it has to identify
# the deceased and the relatives obliged to bury (FBG Hessen: spouse, children, parents, ...);
# the Ordnungsamt arranges the burial itself when nobody obliged does (Gefahrenabwehr, FBG
# Hessen). Both ask about the deceased (death data, marriage, spouse, minor children) and
# then about each relative by name: one allow-list for both, no nationality, religion or
# documents. The Personenstandsregister stays an Ersuchen (PStG §65, allowances below).
_BURIAL = (
    "name",
    "prev_names",
    "given_names",
    "doctor",
    "birth",
    "addresses",
    "marital",
    "spouse",
    "children",
    "legal_rep",
    "death",
    "blocks",
)
_MELDE_BURIAL = (
    _allow(
        "erbenermittlung_bestattung",
        "sozialamt",
        fields=_BURIAL,
        kinds=("person",),
        basis=(*_CITY_BASIS, "SGB XII §74", "FBG Hessen"),
    ),
    _allow(
        "erbenermittlung_bestattung",
        "ordnungsamt",
        fields=_BURIAL,
        kinds=("person",),
        basis=(*_CITY_BASIS, "FBG Hessen", "HSOG"),
    ),
    # Interpretation [I]: a Gewerbeuntersagung is served on the trader at home (HVwVfG, VwZG):
    # identity and current address, as for the Gewerbeanzeige.
    *(
        _allow(
            "gewerbeuntersagung_35",
            code,
            fields=("name", "given_names", "doctor", "birth", "addresses", "death", "blocks"),
            kinds=("person",),
            basis=(*_CITY_BASIS, "GewO §35"),
        )
        for code in ("gewerbeamt", "ordnungsamt")
    ),
)

# External public bodies: never more than BMG §34 Abs. 1 S. 1. Their approval reference
# stands for the city's written admission of the automated procedure (interpretation).
_MELDE_EXTERNAL = (
    _allow("sgb2_leistung", "jobcenter", fields=_SOZIALAMT, basis=(*_EXTERNAL_BASIS, "SGB II")),
    # Interpretation: a neighbouring Kreis as Sozialhilfeträger and Bußgeldbehörde, with the
    # fields of the city offices that do the same work.
    _allow("sgb12_leistung", "landratsamt", fields=_SOZIALAMT, basis=(*_EXTERNAL_BASIS, "SGB XII")),
    _allow(
        "owi_anhoerung", "landratsamt", fields=_ORDNUNGSAMT, basis=(*_EXTERNAL_BASIS, "OWiG §55")
    ),
    _allow(
        "gefahrenabwehr_evakuierung",
        "landratsamt",
        fields=BMG_34A_3_FREE_SEARCH,
        kinds=("free",),
        basis=("BMG §34 Abs. 1 S. 1", "BMG §34a Abs. 3 S. 1", "HBKG"),
    ),
    # Departs from "within S. 1": elstam and vbm are §3 Abs. 2 data that go to the BZSt alone
    # (BMG §5 Abs. 3 S. 2 Nr. 2, via §34 Abs. 3). The IdNr the BZSt administers stays out (G10).
    _allow(
        "elstam_abgleich",
        "bzst",
        fields=(
            "name",
            "prev_names",
            "given_names",
            "doctor",
            "birth",
            "sex",
            "addresses",
            "move_dates",
            "marital",
            "spouse",
            "children",
            "death",
            "blocks",
            "elstam",
            "vbm",
        ),
        basis=(*_EXTERNAL_BASIS, "BMG §34 Abs. 3", "BMG §5 Abs. 3 S. 2 Nr. 2", "EStG §39e"),
    ),
    _allow(
        "eheanmeldung",
        "standesamt_extern",
        fields=_STANDESAMT,
        basis=(*_EXTERNAL_BASIS, "PStG §12", "PStG §13"),
    ),
    _allow(
        "beurkundung",
        "standesamt_extern",
        fields=_STANDESAMT,
        basis=(*_EXTERNAL_BASIS, "PStG §21", "PStG §31"),
    ),
)

_MELDE_SECURITY_AND_JUSTICE = (
    _security("strafverfolgung", "polizei", number="1", law="StPO §163"),
    _security("gefahrenabwehr", "polizei", number="1", law="HSOG"),
    # Interpretation: the fixed purpose codes have none for intelligence work; the services'
    # statutory tasks are filed under gefahrenabwehr with their own law as basis.
    _security("gefahrenabwehr", "verfassungsschutz", number="6", law="BVerfSchG"),
    _security("gefahrenabwehr", "bnd", number="7", law="BNDG"),
    _security("gefahrenabwehr", "mad", number="8", law="MADG"),
    _security("strafverfolgung", "zollfahndung", number="9", law="ZFdG"),
    _security("strafverfolgung", "staatsanwaltschaft", number="2, 3", law="StPO §161"),
    _security("strafverfolgung", "gericht", number="4", law="StPO"),
    _security("strafverfolgung", "justizvollzug", number="5", law="HStVollzG"),
    _security("strafverfolgung", "hauptzollamt", number="10", law="AO §386"),
    _security("strafverfolgung", "steuerfahndung", number="11", law="AO §208"),
)

_GEWERBE = (
    # GewO §14 Abs. 5 S. 2: the public data, for everybody, without any interest shown.
    *(
        _allow(
            "information",
            code,
            fields=GEWERBE_PUBLIC,
            kinds=("person",),
            register=GEWERBE,
            basis=("GewO §14 Abs. 5 S. 2",),
        )
        for code in AUTHORITY_CODES
    ),
    # Interpretation: what a Gewerbesteuer assessment needs (who, where, which form, since when).
    # Interpretation [I]: the city's Steueramt is no Abs. 8 recipient (Nr. 13 names the
    # Finanzämter of the Land); intra-city Weitergabe under Abs. 6 S. 2 with the S. 1 Nr. 3
    # ground (asking the trader again would be disproportionate) - not yet signed off legally.
    _allow(
        "gewerbesteuer_veranlagung",
        "steueramt",
        register=GEWERBE,
        kinds=("person",),
        fields=(
            *GEWERBE_PUBLIC,
            "given_names",
            "birth_date",
            "private_address",
            "rechtsform",
            "registereintrag",
            "betriebsbeginn",
            "betriebsende",
        ),
        basis=("GewO §14 Abs. 6 S. 1 Nr. 3", "GewO §14 Abs. 6 S. 2", "GewO §14 Abs. 11", "GewStG"),
    ),
    # Interpretation: all data of the trader but the number of employees.
    *(
        _allow(
            "gewerbeuntersagung_35",
            code,
            register=GEWERBE,
            kinds=("person",),
            fields=tuple(f for f in GEWERBEREGISTER_FIELDS if f != "beschaeftigte"),
            basis=("GewO §35", basis, "GewO §14 Abs. 11"),
        )
        for code, basis in (
            ("ordnungsamt", "GewO §14 Abs. 6 S. 1 Nr. 3"),
            ("gewerbeamt", "GewO §14 Abs. 5 S. 1"),
        )
    ),
    # Protected data "as necessary": all fields, for Straftaten only (not OWi; GewO §14 Abs. 9).
    *(
        _allow(
            "strafverfolgung",
            code,
            register=GEWERBE,
            kinds=("person",),
            fields=GEWERBEREGISTER_FIELDS,
            basis=("GewO §14 Abs. 9", "GewO §14 Abs. 11"),
        )
        for code in ("polizei", "staatsanwaltschaft")
    ),
    # Interpretation: GewAnzV §3 Abs. 1 Nr. 11 mapped onto the hub's field IDs (the exact
    # Anlage 1 field list is UNVERIFIED in the matrix): person, business, permits.
    _allow(
        "aufenthg_selbststaendigkeit",
        "auslaenderbehoerde",
        register=GEWERBE,
        kinds=("person",),
        fields=(
            *GEWERBE_PUBLIC,
            "given_names",
            "birth_date",
            "birth_place",
            "nationality",
            "private_address",
            "betriebsbeginn",
            "betriebsende",
            "erlaubnisse",
        ),
        basis=("GewO §14 Abs. 8 Nr. 12", "GewO §14 Abs. 6 S. 1 Nr. 1", "GewAnzV §3"),
    ),
)

_PERSONENSTAND = (
    *(
        _allow(
            purpose,
            code,
            register=PSTR,
            kinds=("person",),
            fields=PERSONENSTANDSREGISTER_FIELDS,
            basis=("PStG §68 Abs. 2", *law),
        )
        for purpose, law in (
            ("beurkundung", ("PStG §21", "PStG §31")),
            ("eheanmeldung", ("PStG §12", "PStG §13")),
        )
        for code in ("standesamt", "standesamt_extern")
    ),
    # Other authorities: PStG §65 Abs. 1 Ersuchen, not automated (§68 Abs. 3) - the policy
    # routes these to the Standesamt (manual); the allow-list fixes what may then be given.
    # Interpretation [I]: the offices and purposes below are the matrix's examples of §65
    # Abs. 1 tasks ("soweit erforderlich"); the Standesamt checks the necessity by hand.
    *(
        _allow(
            purpose,
            code,
            register=PSTR,
            kinds=("person",),
            fields=PERSONENSTANDSREGISTER_FIELDS,
            basis=("PStG §65 Abs. 1", *law),
        )
        for purpose, code, law in (
            ("sgb8_hilfe", "jugendamt", ("SGB VIII",)),
            ("aufenthg_verlaengerung", "auslaenderbehoerde", ("AufenthG §86",)),
            ("erbenermittlung_bestattung", "sozialamt", ("SGB XII §74",)),
            ("strafverfolgung", "polizei", ("StPO §163",)),
            ("strafverfolgung", "staatsanwaltschaft", ("StPO §161",)),
            ("strafverfolgung", "gericht", ("StPO",)),
        )
    ),
    _allow(
        "erbenermittlung_bestattung",
        "ordnungsamt",
        register=PSTR,
        kinds=("person",),
        fields=PERSONENSTANDSREGISTER_FIELDS,
        basis=("PStG §65 Abs. 1", "FBG Hessen"),
    ),
    _allow(
        "erbenermittlung_bestattung",
        "gericht",
        register=PSTR,
        kinds=("person",),
        fields=PERSONENSTANDSREGISTER_FIELDS,
        basis=("PStG §65 Abs. 1",),
    ),
    _allow(
        "vaterschaft_beistandschaft",
        "jugendamt",
        register=PSTR,
        kinds=("person",),
        fields=PERSONENSTANDSREGISTER_FIELDS,
        basis=("PStG §65 Abs. 1", "SGB VIII §52a", "BGB §1712"),
    ),
)

ALLOWANCES: Final = (
    *_MELDE_CITY_OFFICES,
    *_MELDE_BURIAL,
    *_MELDE_EXTERNAL,
    *_MELDE_SECURITY_AND_JUSTICE,
    *_GEWERBE,
    *_PERSONENSTAND,
)
