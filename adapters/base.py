"""The adapter contract: what every register adapter declares and implements.

An adapter declares its register, datasets and fields as data and implements three async
methods. The hub decides (policy), the adapter only finds and fetches:

1. ``search`` matches lookup keys and returns hits with the *facts* the law needs to decide
   (e.g. an Auskunftssperre) but no field values;
2. ``fetch`` returns, for the hits the policy released, only the fields the policy released;
3. ``check`` reports whether the register is reachable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from pydantic import BaseModel


class FieldType(StrEnum):
    """The JSON shape of a field's value."""

    STRING = "string"
    DATE = "date"
    INTEGER = "integer"
    CODE = "code"
    OBJECT = "object"
    LIST = "list"
    BOOLEAN = "boolean"


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSpec:
    """One field of a dataset.

    Attributes:
        name: JSON key and field ID (a fixed name clients use), snake_case, unique in
            the dataset.
        xoev_element: qualified XÖV element the value maps to.
        type: JSON shape of the value.
        personal: personal data; needs an approved release to leave the hub.
        description: what the field holds, with its legal reference.
    """

    name: str
    xoev_element: str
    type: FieldType
    personal: bool
    description: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetSpec:
    """A dataset of a register: its lookup keys and fields.

    Attributes:
        name: dataset name, unique in the register.
        xoev_message: XÖV message used for XML answers.
        lookup_keys: match keys the dataset accepts.
        fields: the fields, in register order.
    """

    name: str
    xoev_message: str
    lookup_keys: tuple[str, ...]
    fields: tuple[FieldSpec, ...]

    def field_names(self) -> tuple[str, ...]:
        """Field IDs in declaration order."""
        return tuple(spec.name for spec in self.fields)


class LedgerRetention(StrEnum):
    """Retention classes of the access ledger; the hub knows each period.

    ``MELDE``: BMG §40 Abs. 5; ``MELDE_SECURITY``: retrievals by BMG §34 Abs. 4 authorities,
    which log themselves (BMG §40 Abs. 3); ``GEWERBE``: GewO §14 Abs. 11; ``PERSONENSTAND``:
    no period in the PStG; ``IDNR``: IDNrG §9; ``DECISION``: every decision, DSGVO Art. 5 Abs. 2.
    """

    MELDE = "L-MELDE"
    MELDE_SECURITY = "L-MELDE-SEC"
    GEWERBE = "L-GEWERBE"
    PERSONENSTAND = "L-PSTR"
    IDNR = "L-IDNR"
    DECISION = "L-DECISION"


# ``RegisterGovernance.admission`` key for every recipient category not named on its own.
ANY_RECIPIENT = "*"


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionDuty:
    """A retention duty the catalogue sync opens for the register when none names its rule.

    Attributes:
        rule: a ``RetentionRule.id`` of the adapter (``RetentionCapable``).
        title: what is deleted and when, in the catalogue's language.
        interval_days: how often the duty falls due.
    """

    rule: str
    title: str
    interval_days: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterGovernance:
    """What the hub's governance reads about a register beside its fields.

    Declared here, so that adding a register touches its own folder only: the catalogue's
    law check, the ledger's retention class and the Art. 30 records read these.

    Attributes:
        match_keys: per query kind the register serves, the names of a well-formed, lawful
            set of match keys; the catalogue's law check asks the policy with them.
        ledger_retention: retention class of the ledger entries of its retrievals.
        security_ledger_retention: the class when the recipient is a security or justice
            authority, where the law sets another one (BMG §11 Abs. 1 Nr. 3); None: the same.
        data_subjects: categories of data subjects (DSGVO Art. 30 Abs. 1 lit. c).
        admission: who admits the automated procedure and under which norm, per recipient
            category; ``ANY_RECIPIENT`` for every other category.
        retention_duties: retention duties the catalogue sync opens for the register.
        mirrored: the hub keeps a copy of the register (so its retention rules run here).
    """

    match_keys: Mapping[str, tuple[str, ...]]
    ledger_retention: LedgerRetention
    data_subjects: tuple[str, ...]
    admission: Mapping[str, str]
    security_ledger_retention: LedgerRetention | None = None
    retention_duties: tuple[RetentionDuty, ...] = ()
    mirrored: bool = False

    def admission_for(self, recipient_category: str) -> str:
        """The admission of the automated procedure for recipients of that category."""
        return self.admission.get(recipient_category, self.admission[ANY_RECIPIENT])


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterSpec:
    """A register as the hub serves it.

    Attributes:
        id: stable slug, equal to the entry-point name.
        title: human title.
        operator: authority code of the office running the register.
        xoev_standard: name of the XÖV standard the mapping targets, as in the ``standard``
            attribute of its messages (e.g. ``XMeld``).
        xoev_version: its version, as in the ``version`` attribute (e.g. ``25.11a``).
        datasets: the register's datasets; the first is the default.
        governance: what the catalogue, the ledger and the Art. 30 records read.
    """

    id: str
    title: str
    operator: str
    xoev_standard: str
    xoev_version: str
    datasets: tuple[DatasetSpec, ...]
    governance: RegisterGovernance

    def dataset(self, name: str | None = None) -> DatasetSpec:
        """The named dataset, or the default (first) one."""
        if name is None:
            return self.datasets[0]
        for dataset in self.datasets:
            if dataset.name == name:
                return dataset
        raise KeyError(name)


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryOrigin:
    """Who asks and why (BMG §40 Abs. 1): the query's accountability data.

    Attributes:
        purpose: catalogue purpose code.
        case_reference: the caller's file number.
        user_id: the acting official or procedure.
        authority: the calling client's authority code.
    """

    purpose: str
    case_reference: str
    user_id: str
    authority: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchRequest:
    """Find the subjects that match the keys.

    Attributes:
        dataset: dataset name.
        kind: kind of search (``person``, ``free``, ``confirm``).
        keys: lookup keys and their values, as sent by the caller.
        request_id: the hub's request id, for the adapter's logs.
        max_hits: more matches than this raise ``TooManyMatches``.
        subject_ids: when set, a follow-up on earlier hits (BMeldDAV §4 Abs. 5, §9): the
            adapter returns exactly these subjects with their *current* facts, ignores
            ``keys``, and silently leaves out subjects no longer in the register.
        origin: who asks and why; adapters that forward the query to another office
            (XMeld client) must pass it on and refuse to ask without it.
        fields: the field IDs the caller asked for (not yet decided on): never a reason to
            return more, only to spend the same work where an answer must not differ in
            time, e.g. reading related persons whose Sperre may leave a field empty.
    """

    dataset: str
    kind: str
    keys: Mapping[str, str]
    request_id: str
    max_hits: int
    subject_ids: tuple[str, ...] = ()
    origin: QueryOrigin | None = None
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """A matched subject with the facts the policy needs; never released field values.

    Attributes:
        subject_id: the register's own id of the subject (recorded in the ledger).
        facts: JSON-serialisable facts (blocks, death, move-away, related persons' blocks).
        loaded: what the adapter already read for this subject during the search, handed
            back unchanged in ``SubjectFetch.loaded`` so ``fetch`` answers from the same
            snapshot the policy decided on, without reading the register again. Opaque to
            the hub: never serialised, logged or put into the policy input.
    """

    subject_id: str
    facts: Mapping[str, Any]
    loaded: object | None = field(default=None, compare=False, repr=False)


# A strip entry that is no role: leave out every address but the current ones the register
# knows to be free of a bedingter Sperrvermerk (BMG §52 Abs. 2 S. 3). An adapter that cannot
# tell addresses apart leaves out all of them.
STRIP_SPERRVERMERK_ADDRESSES = "bedingter_sperrvermerk_addresses"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubjectFetch:
    """One subject to fetch and the related-person roles to strip from it.

    Attributes:
        subject_id: the subject from a prior ``search``.
        strip_related: roles (e.g. ``spouse``) whose blocked persons must be left out
            without a hint (BMG §34a Abs. 5 S. 3), or ``STRIP_SPERRVERMERK_ADDRESSES``.
        loaded: the ``Hit.loaded`` of this subject's search, or None (then the adapter reads).
    """

    subject_id: str
    strip_related: frozenset[str] = field(default_factory=frozenset)
    loaded: object | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchRequest:
    """Fetch released fields for released subjects.

    Attributes:
        dataset: dataset name.
        subjects: the subjects to fetch, in answer order.
        fields: already minimised by policy; adapters must not return more.
        request_id: the hub's request id.
        kind: kind of the search the subjects came from; a register may narrow values for
            it (e.g. only the current main address after a free search, BMG §34a Abs. 3).
        origin: as in ``SearchRequest``.
    """

    dataset: str
    subjects: tuple[SubjectFetch, ...]
    fields: frozenset[str]
    request_id: str
    kind: str = "person"
    origin: QueryOrigin | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedRecord:
    """The released fields of one subject.

    Attributes:
        subject_id: the subject.
        fields: field ID → JSON-serialisable value.
    """

    subject_id: str
    fields: Mapping[str, Any]


@runtime_checkable
class RegisterAdapter(Protocol):
    """What the hub calls; discovered through the ``hub.adapters`` entry-point group."""

    spec: ClassVar[RegisterSpec]
    Settings: ClassVar[type[BaseModel]]

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:
        """Build the adapter from its validated settings."""
        ...

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        """Match the keys; raise ``InvalidLookup`` or ``TooManyMatches`` when the law says so."""
        ...

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        """Return only ``request.fields`` of the requested subjects."""
        ...

    async def check(self) -> None:
        """Raise ``RegisterUnavailable`` when the register cannot be reached."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class AdapterContext:
    """What the hub hands every adapter at start-up.

    Attributes:
        hub_database_url: the hub's own database; mirrored registers default to it.
        municipality_name: the city the hub serves (implied Wohnort of its residents).
        today_override: fixed "today" for reproducible tests; None means the real date.
    """

    hub_database_url: str
    municipality_name: str
    today_override: str | None = None


@runtime_checkable
class SupportsImport(Protocol):
    """Adapters of mirrored registers load records in their import format (JSON Lines)."""

    def import_lines(self, lines: Iterable[str]) -> int:
        """Store every record or none; raise ``ImportRejected`` listing every bad line."""
        ...


@runtime_checkable
class SupportsDemoData(Protocol):
    """Mirrored registers that can generate synthetic demo records in their import format."""

    def demo_lines(self, *, size: int, seed: int, today: date) -> Iterator[str]:
        """Deterministic for (size, seed, today); never real persons."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionRule:
    """A deletion rule a mirrored register can carry out itself.

    Attributes:
        id: stable rule id, named in a retention duty's ``params["rule"]``.
        title: what is deleted and when, in the catalogue's language.
        legal_reference: the norm that mandates the deletion (e.g. ``BMG §14 Abs. 2``).
    """

    id: str
    title: str
    legal_reference: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RetentionResult:
    """Proof of one retention run: counts and the cut-off, never a deleted value.

    Attributes:
        rule: the rule applied.
        cutoff: data dated before this day fell due.
        examined: records (subjects) the rule looked at.
        changed: records that lost data in this run.
        removed: items removed (``unit`` says what was counted).
        unit: what ``removed`` counts, e.g. ``id_documents``.
    """

    rule: str
    cutoff: date
    examined: int
    changed: int
    removed: int
    unit: str


@runtime_checkable
class RetentionCapable(Protocol):
    """Optional: a mirrored register deletes data that fell due under its own law.

    The hub's duty scheduler (``hub duties run``) calls it for retention duties whose
    ``params["rule"]`` names one of ``retention_rules``; other rules are left to the register
    office. Running a rule twice on the same day changes nothing the second time.
    """

    retention_rules: ClassVar[Mapping[str, RetentionRule]]

    async def apply_retention(self, rule: str, *, today: date) -> RetentionResult:
        """Delete what ``rule`` makes due as of ``today``; ``KeyError`` for an unknown rule."""
        ...
