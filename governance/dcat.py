"""DCAT-AP.de 3.0 (Turtle) for the datasets the catalogue marks open.

Mandatory properties are always written (catalogue: title, description, publisher,
dataset; dataset: title, description, publisher, distribution; distribution: access URL),
plus the licence, ``dcatde:legalBasis``, keywords, the contact point (stewards' e-mail
addresses, never their names) and Darmstadt's political geocoding where known.

Only metadata leaves here, never register values. A dataset marked open is published with
its *public* fields only (GewO §14 Abs. 5 S. 2 makes name, trading name, business address
and activity of a Gewerbetreibender public, not the rest of the Gewerbeanzeige): the
description names just those fields. A dataset marked open that has no approved public
field, no access URL or no licence is left out and reported (fail closed): the open flag
alone never publishes personal data, and an incomplete entry is no DCAT-AP.de entry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import Dataset, DatasetSteward, FieldRelease, LegalBasis, Steward

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LANGUAGE_DEU = URIRef("http://publications.europa.eu/resource/authority/language/DEU")
ACCESS_PUBLIC = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/"
LANG = "de"


@dataclass(frozen=True, slots=True, kw_only=True)
class DcatSettings:
    base_uri: str
    title: str
    description: str
    publisher_name: str
    publisher_uri: str
    municipality_ags: str | None  # Amtlicher Gemeindeschlüssel (8 digits) or None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenDataset:
    register: str
    name: str
    title: str
    description: str
    owner_office: str
    licence: str
    access_url: str
    keywords: tuple[str, ...]
    public_fields: tuple[str, ...]  # titles of approved public fields
    legal_bases: tuple[str, ...]  # resolved "norm paragraph - title" texts
    contact_emails: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    register: str
    dataset: str
    reason: str  # no_public_fields | no_access_url | no_licence


@dataclass(kw_only=True)
class DcatExport:
    graph: Graph
    published: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def _iri(settings: DcatSettings, *parts: str) -> URIRef:
    path = "/".join(quote(part, safe="") for part in parts)
    return URIRef(f"{settings.base_uri.rstrip('/')}/{path}")


def _legal_text(code: str, bases: Mapping[str, LegalBasis]) -> str:
    row = bases.get(code)
    if row is None or not row.title:
        return code
    return f"{code} - {row.title}"


async def _public_fields(session: AsyncSession) -> dict[tuple[str, str], list[str]]:
    """Titles of approved public fields per (register, dataset)."""
    public: dict[tuple[str, str], list[str]] = {}
    for release in (
        await session.execute(
            select(FieldRelease)
            .where(FieldRelease.classification == "public", FieldRelease.status == "approved")
            .where(FieldRelease.declared.is_(True))
            .order_by(FieldRelease.register, FieldRelease.field)
        )
    ).scalars():
        public.setdefault((release.register, release.dataset), []).append(
            release.title or release.field
        )
    return public


async def _steward_emails(session: AsyncSession) -> dict[tuple[str, str], list[str]]:
    emails: dict[tuple[str, str], list[str]] = {}
    for register, dataset, email in await session.execute(
        select(DatasetSteward.register, DatasetSteward.dataset, Steward.email)
        .join(Steward, Steward.id == DatasetSteward.steward_id)
        .where(Steward.active.is_(True))
        .order_by(Steward.email)
    ):
        emails.setdefault((register, dataset), []).append(email)
    return emails


async def _load(session: AsyncSession) -> tuple[list[OpenDataset], list[Skipped]]:
    datasets = (
        await session.execute(
            select(Dataset)
            .where(Dataset.open_data.is_(True), Dataset.declared.is_(True))
            .order_by(Dataset.register, Dataset.name)
        )
    ).scalars()
    bases = {row.code: row for row in (await session.execute(select(LegalBasis))).scalars()}
    public = await _public_fields(session)
    emails = await _steward_emails(session)
    found: list[OpenDataset] = []
    skipped: list[Skipped] = []
    for row in datasets:
        key = (row.register, row.name)
        reason = (
            "no_public_fields"
            if not public.get(key)
            else "no_access_url"
            if not row.access_url
            else "no_licence"
            if not row.licence
            else None
        )
        if reason is not None:
            skipped.append(Skipped(register=row.register, dataset=row.name, reason=reason))
            continue
        found.append(
            OpenDataset(
                register=row.register,
                name=row.name,
                title=row.title,
                description=row.description,
                owner_office=row.owner_office,
                licence=row.licence,
                access_url=row.access_url,
                keywords=tuple(row.keywords or ()),
                public_fields=tuple(public[key]),
                legal_bases=tuple(_legal_text(code, bases) for code in row.legal_basis or ()),
                contact_emails=tuple(dict.fromkeys(emails.get(key, []))),
            )
        )
    return found, skipped


def _publisher(graph: Graph, settings: DcatSettings) -> URIRef:
    publisher = URIRef(settings.publisher_uri)
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.publisher_name, lang=LANG)))
    return publisher


def _description(dataset: OpenDataset) -> str:
    fields = ", ".join(dataset.public_fields)
    text = dataset.description.strip() or dataset.title
    return f"{text}\n\nVeröffentlicht werden nur die öffentlichen Angaben: {fields}."


def _contact(graph: Graph, node: URIRef, dataset: OpenDataset, *, publisher: str) -> None:
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, Literal(dataset.owner_office or publisher, lang=LANG)))
    for email in dataset.contact_emails:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))


def _geocoding(graph: Graph, subject: URIRef, settings: DcatSettings) -> None:
    if settings.municipality_ags:
        graph.add(
            (
                subject,
                DCATDE.politicalGeocodingURI,
                URIRef(f"{GEOCODING}municipalityKey/{settings.municipality_ags}"),
            )
        )
        graph.add(
            (subject, DCATDE.politicalGeocodingLevelURI, URIRef(f"{GEOCODING}Level/municipality"))
        )


def _add_dataset(
    graph: Graph, dataset: OpenDataset, *, settings: DcatSettings, publisher: URIRef
) -> URIRef:
    subject = _iri(settings, "datasets", dataset.register, dataset.name)
    distribution = _iri(settings, "datasets", dataset.register, dataset.name, "distribution")
    graph.add((subject, RDF.type, DCAT.Dataset))
    graph.add((subject, DCTERMS.identifier, Literal(str(subject))))
    graph.add((subject, DCTERMS.title, Literal(dataset.title, lang=LANG)))
    graph.add((subject, DCTERMS.description, Literal(_description(dataset), lang=LANG)))
    graph.add((subject, DCTERMS.publisher, publisher))
    graph.add((subject, DCTERMS.accessRights, ACCESS_PUBLIC))
    for keyword in dataset.keywords:
        graph.add((subject, DCAT.keyword, Literal(keyword, lang=LANG)))
    for text in dataset.legal_bases:
        graph.add((subject, DCATDE.legalBasis, Literal(text, lang=LANG)))
    if dataset.contact_emails or dataset.owner_office:
        contact = _iri(settings, "datasets", dataset.register, dataset.name, "contact")
        _contact(graph, contact, dataset, publisher=settings.publisher_name)
        graph.add((subject, DCAT.contactPoint, contact))
    _geocoding(graph, subject, settings)
    graph.add((subject, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCTERMS.title, Literal(dataset.title, lang=LANG)))
    graph.add((distribution, DCAT.accessURL, URIRef(dataset.access_url)))
    graph.add((distribution, DCTERMS.license, URIRef(dataset.licence)))
    return subject


def build_graph(settings: DcatSettings, datasets: Sequence[OpenDataset]) -> Graph:
    graph = Graph()
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("dcatde", DCATDE),
    ):
        graph.bind(prefix, namespace)
    catalog = _iri(settings, "catalog")
    publisher = _publisher(graph, settings)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(settings.title, lang=LANG)))
    graph.add((catalog, DCTERMS.description, Literal(settings.description, lang=LANG)))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.language, LANGUAGE_DEU))
    for dataset in datasets:
        graph.add(
            (
                catalog,
                DCAT.dataset,
                _add_dataset(graph, dataset, settings=settings, publisher=publisher),
            )
        )
    return graph


async def dcat_export(session: AsyncSession, *, settings: DcatSettings) -> DcatExport:
    datasets, skipped = await _load(session)
    return DcatExport(
        graph=build_graph(settings, datasets),
        published=[f"{dataset.register}/{dataset.name}" for dataset in datasets],
        skipped=skipped,
    )
