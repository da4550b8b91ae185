"""The Melderegister as the hub serves it: its field IDs, BMG §3 references."""

from adapters.base import (
    ANY_RECIPIENT,
    DatasetSpec,
    FieldSpec,
    FieldType,
    LedgerRetention,
    RegisterGovernance,
    RegisterSpec,
)

_P = "xmeld:person/xmeld:personendaten"


def _field(name: str, xoev: str, kind: FieldType, description: str) -> FieldSpec:
    return FieldSpec(
        name=name, xoev_element=xoev, type=kind, personal=True, description=description
    )


PERSON_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "name",
        f"{_P}/xmeld:name/xmeld:familienname.unstrukturiert",
        FieldType.STRING,
        "Familienname (BMG §3 Abs. 1 Nr. 1)",
    ),
    _field(
        "prev_names",
        f"{_P}/xmeld:name/xmeld:fruehererFamilienname",
        FieldType.LIST,
        "Frühere Namen (BMG §3 Abs. 1 Nr. 2)",
    ),
    _field(
        "given_names",
        f"{_P}/xmeld:name/xmeld:vornamen",
        FieldType.LIST,
        "Vornamen (BMG §3 Abs. 1 Nr. 3)",
    ),
    _field(
        "doctor",
        f"{_P}/xmeld:name/xmeld:doktorgrad",
        FieldType.STRING,
        "Doktorgrad (BMG §3 Abs. 1 Nr. 4)",
    ),
    _field(
        "religious_artist_name",
        f"{_P}/xmeld:name/xmeld:ordensname.kuenstlername",
        FieldType.STRING,
        "Ordensname, Künstlername (BMG §3 Abs. 1 Nr. 5)",
    ),
    _field(
        "birth",
        f"{_P}/xmeld:geburtsangaben",
        FieldType.OBJECT,
        "Geburtsdatum, -ort und -staat (BMG §3 Abs. 1 Nr. 6)",
    ),
    _field("sex", f"{_P}/xmeld:geschlecht", FieldType.CODE, "Geschlecht (BMG §3 Abs. 1 Nr. 7)"),
    _field(
        "idnr",
        f"{_P}/xmeld:identifikationsnummer",
        FieldType.STRING,
        "Identifikationsnummer nach § 139b AO (BMG §3 Abs. 1 Nr. 8)",
    ),
    _field(
        "legal_rep",
        f"{_P}/xmeld:gesetzlicherVertreter",
        FieldType.LIST,
        "Gesetzliche Vertreter (BMG §3 Abs. 1 Nr. 9)",
    ),
    _field(
        "nationality",
        f"{_P}/xmeld:staatsangehoerigkeit",
        FieldType.LIST,
        "Derzeitige Staatsangehörigkeiten (BMG §3 Abs. 1 Nr. 10)",
    ),
    _field(
        "religion",
        f"{_P}/xmeld:religionszugehoerigkeit",
        FieldType.CODE,
        "Zugehörigkeit zu einer öffentlich-rechtlichen Religionsgesellschaft "
        "(BMG §3 Abs. 1 Nr. 11)",
    ),
    _field(
        "addresses",
        f"{_P}/xmeld:wohnung",
        FieldType.LIST,
        "Derzeitige und frühere Anschriften, Haupt- und Nebenwohnung (BMG §3 Abs. 1 Nr. 12)",
    ),
    _field(
        "move_dates",
        f"{_P}/xmeld:wohnung/xmeld:datumDesBeziehens",
        FieldType.OBJECT,
        "Einzugs- und Auszugsdatum, Wegzug (BMG §3 Abs. 1 Nr. 13)",
    ),
    _field(
        "marital",
        f"{_P}/xmeld:familienstand",
        FieldType.OBJECT,
        "Familienstand mit Datum (BMG §3 Abs. 1 Nr. 14)",
    ),
    _field(
        "spouse",
        "xmeld:person/xmeld:partner",
        FieldType.OBJECT,
        "Ehegatte oder Lebenspartner (BMG §3 Abs. 1 Nr. 15)",
    ),
    _field(
        "children",
        f"{_P}/xmeld:kind",
        FieldType.LIST,
        "Minderjährige Kinder (BMG §3 Abs. 1 Nr. 16)",
    ),
    _field(
        "id_docs",
        f"{_P}/xmeld:ausweisdokument",
        FieldType.LIST,
        "Ausweis- und Passdaten (BMG §3 Abs. 1 Nr. 17)",
    ),
    _field(
        "azr_no", f"{_P}/xmeld:azrNummer", FieldType.STRING, "AZR-Nummer (BMG §3 Abs. 1 Nr. 17a)"
    ),
    _field(
        "blocks",
        f"{_P}/xmeld:auskunftssperren",
        FieldType.OBJECT,
        "Auskunfts- und Übermittlungssperren, bedingte Sperrvermerke (BMG §3 Abs. 1 Nr. 18)",
    ),
    _field(
        "death",
        f"{_P}/xmeld:sterbedaten",
        FieldType.OBJECT,
        "Sterbedatum, -ort und -staat (BMG §3 Abs. 1 Nr. 19)",
    ),
    _field(
        "vote_excl",
        f"{_P}/xmeld:wahlrecht",
        FieldType.OBJECT,
        "Ausschluss vom Wahlrecht, Eintragung EU-Wahl (BMG §3 Abs. 2 Nr. 1)",
    ),
    _field(
        "elstam",
        f"{_P}/xmeld:elstam",
        FieldType.OBJECT,
        "Daten für die elektronischen Lohnsteuerabzugsmerkmale (BMG §3 Abs. 2 Nr. 2)",
    ),
    _field(
        "vbm",
        f"{_P}/xmeld:vorlaeufigesBearbeitungsmerkmal",
        FieldType.STRING,
        "Vorläufiges Bearbeitungsmerkmal (BMG §3 Abs. 2 Nr. 3)",
    ),
    _field(
        "passport_denial",
        f"{_P}/xmeld:passversagung",
        FieldType.OBJECT,
        "Passversagung, Ausweisanordnungen (BMG §3 Abs. 2 Nr. 4)",
    ),
    _field(
        "weapons",
        f"{_P}/xmeld:waffenrechtlicheErlaubnis",
        FieldType.OBJECT,
        "Waffenrechtliche Erlaubnis oder Verbot (BMG §3 Abs. 2 Nr. 7)",
    ),
    _field(
        "explosives",
        f"{_P}/xmeld:sprengstoffrechtlicheErlaubnis",
        FieldType.OBJECT,
        "Sprengstoffrechtliche Erlaubnis (BMG §3 Abs. 2 Nr. 8)",
    ),
    _field(
        "residence_queries",
        f"{_P}/xmeld:aufenthaltsanfrage",
        FieldType.LIST,
        "Aufenthaltsanfragen der letzten zwei Jahre (BMG §3 Abs. 2 Nr. 9)",
    ),
    _field(
        "landlord",
        f"{_P}/xmeld:wohnung/xmeld:wohnungsgeber",
        FieldType.OBJECT,
        "Eigentümer der Wohnung, Wohnungsgeber (BMG §3 Abs. 2 Nr. 10)",
    ),
)

# BMG §38 Abs. 1: identity keys, locality keys; azr_no only in addition.
PERSON_LOOKUP_KEYS: tuple[str, ...] = (
    "name",
    "prev_names",
    "given_names",
    "religious_artist_name",
    "birth_date",
    "birth_place",
    "sex",
    "death_date",
    "death_place",
    "street",
    "house_number",
    "postal_code",
    "city",
    "azr_no",
)

# Free-search criteria the register can search: §34 Abs. 1 S. 1 data only (BMG §38 Abs. 2);
# the policy decides which of them a requester may use.
FREE_LOOKUP_KEYS: tuple[str, ...] = (
    "name",
    "prev_names",
    "given_names",
    "religious_artist_name",
    "birth_date",
    "birth_place",
    "sex",
    "nationality",
    "death_date",
    "death_place",
    "street",
    "house_number",
    "postal_code",
    "city",
)

MELDEREGISTER_SPEC = RegisterSpec(
    id="melderegister",
    title="Melderegister der Wissenschaftsstadt Darmstadt",
    operator="meldebehoerde",
    xoev_standard="XMeld",
    xoev_version="25.11a",
    datasets=(
        DatasetSpec(
            name="persons",
            xoev_message="datenabruf.personensuche.antwort.1331",
            lookup_keys=PERSON_LOOKUP_KEYS,
            fields=PERSON_FIELDS,
        ),
    ),
    governance=RegisterGovernance(
        mirrored=True,
        # BMG §38 Abs. 1 (Personensuche), §34a Abs. 3 (freie Suche: an address).
        match_keys={
            "person": ("name", "given_names", "birth_date"),
            "free": ("street", "house_number", "postal_code"),
        },
        ledger_retention=LedgerRetention.MELDE,
        # §34 Abs. 4 recipients log themselves (BMG §40 Abs. 3).
        security_ledger_retention=LedgerRetention.MELDE_SECURITY,
        data_subjects=(
            "Einwohnerinnen und Einwohner (meldepflichtige Personen, BMG §17)",
            (
                "mit ihnen verbundene Personen: Ehegatten oder Lebenspartner, minderjährige "
                "Kinder, gesetzliche Vertreter (BMG §3 Abs. 1 Nr. 9, 15, 16)"
            ),
        ),
        admission={
            "city_office": (
                "Zulassung des automatisierten Verfahrens durch den Oberbürgermeister "
                "(BMG §37 Abs. 2 S. 1)"
            ),
            ANY_RECIPIENT: (
                "Zulassung des automatisierten Abrufs durch öffentliche Stellen (BMG §39 Abs. 1)"
            ),
        },
    ),
)
