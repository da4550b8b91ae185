"""The Gewerberegister as the hub serves it: its field IDs, GewO §14 references.

XÖV element names follow the XGewerbeanzeige 2.2 vocabulary (``xga:gewerbe``,
``xga:betrieb``, ``xga:beteiligtePerson``, ``xga:taetigkeitenGesamt``, …).

``personal``: a Gewerbetreibender in this register is a natural person, so every field that
describes the trader (name, Vornamen, birth, nationality, Wohnanschrift) is personal data.
The business's own data (Geschäftsbezeichnung, Betriebsstätte, Tätigkeit, Rechtsform, …) is
marked non-personal; it still leaves the hub only when the catalogue approves its release
and the policy allows it for the purpose (GewO §14 Abs. 5-11).
"""

from adapters.base import (
    ANY_RECIPIENT,
    DatasetSpec,
    FieldSpec,
    FieldType,
    LedgerRetention,
    RegisterGovernance,
    RegisterSpec,
)

_G = "xga:gewerbe"
_P = f"{_G}/xga:beteiligtePerson"


def _field(name: str, xoev: str, kind: FieldType, description: str, *, personal: bool) -> FieldSpec:
    return FieldSpec(
        name=name, xoev_element=xoev, type=kind, personal=personal, description=description
    )


# GewO §14 Abs. 5 S. 2: the data anyone may receive.
PUBLIC_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "name",
        f"{_P}/xga:familienname",
        FieldType.STRING,
        "Familienname des Gewerbetreibenden (GewO §14 Abs. 5 S. 2)",
        personal=True,
    ),
    _field(
        "geschaeftsbezeichnung",
        f"{_G}/xga:betrieb/xga:eingetragenerName",
        FieldType.STRING,
        "Geschäftsbezeichnung (GewO §14 Abs. 5 S. 2)",
        personal=False,
    ),
    _field(
        "betriebliche_anschrift",
        f"{_G}/xga:anschrift",
        FieldType.OBJECT,
        "Betriebliche Anschrift (Betriebsstätte) (GewO §14 Abs. 5 S. 2)",
        personal=False,
    ),
    _field(
        "taetigkeit",
        "xga:taetigkeitenGesamt/xga:schwerpunkt/xga:taetigkeitSchwerpunkt",
        FieldType.STRING,
        "Angezeigte Tätigkeit (GewO §14 Abs. 5 S. 2)",
        personal=False,
    ),
)

# GewO §14 Abs. 6-9: the other data of the Gewerbeanzeige (GewAnzV Anlagen 1-3).
PROTECTED_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "given_names",
        f"{_P}/xga:vorname",
        FieldType.LIST,
        "Vornamen (GewAnzV Anlage 1)",
        personal=True,
    ),
    _field(
        "birth_date",
        f"{_P}/xga:geburtsdatum",
        FieldType.DATE,
        "Geburtsdatum (GewAnzV Anlage 1)",
        personal=True,
    ),
    _field(
        "birth_place",
        f"{_P}/xga:geburtsort",
        FieldType.STRING,
        "Geburtsort (GewAnzV Anlage 1)",
        personal=True,
    ),
    _field(
        "nationality",
        f"{_P}/xga:staatangehoerigkeiten/xga:staatsangehoerigkeitSchluessel",
        FieldType.LIST,
        "Staatsangehörigkeiten (GewAnzV Anlage 1)",
        personal=True,
    ),
    _field(
        "private_address",
        f"{_P}/xga:anschrift",
        FieldType.OBJECT,
        "Wohnanschrift des Gewerbetreibenden (GewAnzV Anlage 1)",
        personal=True,
    ),
    _field(
        "rechtsform",
        f"{_G}/xga:betrieb/xga:rechtsformSchluessel",
        FieldType.CODE,
        "Rechtsform (GewAnzV Anlage 1)",
        personal=False,
    ),
    _field(
        "registereintrag",
        f"{_G}/xga:betrieb/xga:eintragungNr",
        FieldType.OBJECT,
        "Eintragung im Handels-, Genossenschafts-, Vereins- oder Partnerschaftsregister "
        "(GewAnzV Anlage 1)",
        personal=False,
    ),
    _field(
        "betriebsbeginn",
        "xga:gueltigAb",
        FieldType.DATE,
        "Beginn des Betriebs (GewAnzV Anlage 1)",
        personal=False,
    ),
    _field(
        "betriebsende",
        "xga:abmeldung/xga:gueltigAb",
        FieldType.DATE,
        "Aufgabe des Betriebs (GewAnzV Anlage 3)",
        personal=False,
    ),
    _field(
        "beschaeftigte",
        f"{_G}/xga:anzahlVollzeitBeschaeftigte",
        FieldType.INTEGER,
        "Zahl der Beschäftigten (GewAnzV Anlage 1)",
        personal=False,
    ),
    _field(
        "erlaubnisse",
        f"{_G}/xga:erlaubnis",
        FieldType.LIST,
        "Erlaubnisse, Handwerkskarte (GewAnzV Anlage 1)",
        personal=False,
    ),
    _field(
        "abmeldegrund",
        "xga:abmeldung/xga:grundAbmeldungSchluessel",
        FieldType.CODE,
        "Grund der Abmeldung (GewAnzV Anlage 3)",
        personal=False,
    ),
)

# GewO §14 Abs. 5 S. 2 / Abs. 7: a search needs the name or the betriebliche Anschrift;
# postal_code only narrows either of them.
BUSINESS_LOOKUP_KEYS: tuple[str, ...] = ("name", "betriebliche_anschrift", "postal_code")

GEWERBEREGISTER_SPEC = RegisterSpec(
    id="gewerberegister",
    title="Gewerberegister der Wissenschaftsstadt Darmstadt",
    operator="gewerbeamt",
    xoev_standard="XGewerbeanzeige",
    xoev_version="2.2",
    datasets=(
        DatasetSpec(
            name="businesses",
            xoev_message="gewerbe.gewerbemeldung",
            lookup_keys=BUSINESS_LOOKUP_KEYS,
            fields=(*PUBLIC_FIELDS, *PROTECTED_FIELDS),
        ),
    ),
    governance=RegisterGovernance(
        mirrored=True,
        match_keys={"person": ("name",)},
        ledger_retention=LedgerRetention.GEWERBE,
        data_subjects=("Gewerbetreibende (Anzeigepflichtige nach GewO §14)",),
        admission={
            ANY_RECIPIENT: (
                "Festlegung von Empfängern und Zwecken durch den Leiter der Verwaltungseinheit "
                "(GewO §14 Abs. 11 S. 2)"
            )
        },
    ),
)
