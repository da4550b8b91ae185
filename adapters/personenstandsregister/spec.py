"""The Personenstandsregister as the hub serves it: its field IDs, PStG references.

XÖV element names follow the XPersonenstand 1.x vocabulary as far as it could be checked
(``xpsr:registereintrag``, ``xpsr:beurkundetePerson``, …); they are a best effort, not a
verified mapping of the published schema.

``personal``: ``persons`` (names, Vornamen, Geburtsdatum) and ``entry_text`` (the whole
Beurkundung) describe natural persons and are personal data. ``entry_kind``,
``entry_year``, ``registry_office`` and ``entry_number`` only identify a register entry
(Registerart, Jahrgang, Standesamt, Eintragsnummer, PStG §§16, 3); they are marked
non-personal. They still leave the hub only when the policy allows the query at all, and
it allows automated retrieval only between Standesämter (PStG §68 Abs. 2; every other
authority's request goes to the Standesamt by hand, PStG §65 Abs. 1).
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

_E = "xpsr:registereintrag"  # best effort (XPersonenstand 1.x)


def _field(name: str, xoev: str, kind: FieldType, description: str, *, personal: bool) -> FieldSpec:
    return FieldSpec(
        name=name, xoev_element=xoev, type=kind, personal=personal, description=description
    )


ENTRY_FIELDS: tuple[FieldSpec, ...] = (
    _field(
        "entry_kind",
        f"{_E}/xpsr:registerart",
        FieldType.CODE,
        "Registerart: Geburten-, Ehe-, Lebenspartnerschafts- oder Sterberegister (PStG §3)",
        personal=False,
    ),
    _field(
        "entry_year",
        f"{_E}/xpsr:jahrgang",
        FieldType.INTEGER,
        "Jahrgang des Registereintrags (PStG §3 Abs. 2)",
        personal=False,
    ),
    _field(
        "registry_office",
        f"{_E}/xpsr:standesamt/xpsr:standesamtKennung",
        FieldType.CODE,
        "Registerführendes Standesamt (PStG §3 Abs. 1)",
        personal=False,
    ),
    _field(
        "entry_number",
        f"{_E}/xpsr:eintragsnummer",
        FieldType.STRING,
        "Eintragsnummer im Register (PStG §16 Abs. 1)",
        personal=False,
    ),
    _field(
        "persons",
        f"{_E}/xpsr:beurkundetePerson",
        FieldType.LIST,
        "Beurkundete Personen: Familienname, Vornamen, Geburtsdatum (PStG §§21, 15, 31)",
        personal=True,
    ),
    _field(
        "entry_text",
        f"{_E}/xpsr:beurkundung/xpsr:eintragstext",
        FieldType.STRING,
        "Text des Registereintrags mit Folgebeurkundungen und Hinweisen (PStG §§5, 16)",
        personal=True,
    ),
)

# PStG §68 Abs. 2: automated retrieval only when the request data match the stored entry.
# All of entry_kind, entry_year, entry_number and name are required, plus birth_date or
# event_date.
ENTRY_LOOKUP_KEYS: tuple[str, ...] = (
    "entry_kind",
    "entry_year",
    "entry_number",
    "name",
    "birth_date",
    "event_date",
)

PERSONENSTANDSREGISTER_SPEC = RegisterSpec(
    id="personenstandsregister",
    title="Personenstandsregister des Standesamts Darmstadt",
    operator="standesamt",
    xoev_standard="XPersonenstand",
    xoev_version="1.x",  # best effort, not verified (see above)
    datasets=(
        DatasetSpec(
            name="entries",
            xoev_message="personenstand.registerauskunft",  # best effort
            lookup_keys=ENTRY_LOOKUP_KEYS,
            fields=ENTRY_FIELDS,
        ),
    ),
    governance=RegisterGovernance(
        mirrored=True,
        match_keys={"person": ("entry_kind", "entry_year", "entry_number", "name", "birth_date")},
        ledger_retention=LedgerRetention.PERSONENSTAND,
        data_subjects=(
            (
                "beurkundete Personen: Geburt, Eheschließung, Lebenspartnerschaft, Sterbefall "
                "(PStG §3)"
            ),
            "in den Einträgen genannte Personen (Eltern, Ehegatten, Lebenspartner)",
        ),
        admission={ANY_RECIPIENT: "Zulassung des automatisierten Abrufs (PStG §68 Abs. 2)"},
    ),
)
