"""DCAT-AP.de 3.0 (Turtle) for the datasets the catalogue marks open and published aggregates.

Written so that CKAN's DCAT harvester (ckanext-dcat, DCAT-AP 2/3 profiles, GovData's
``dcatap_de``) reads every dataset fully and the DCAT-AP 3.0 SHACL shapes find nothing:
licence on the dataset *and* each distribution (a typed ``dct:LicenseDocument`` with the
title CKAN's licence register matches), ``dct:format`` (EU file type) and
``dcat:mediaType`` on every distribution, ``dct:language``, ``dct:spatial`` as a typed
``dct:Location`` and ``dcatap:applicableLegislation`` as an ``eli:LegalResource`` (the
deprecated ``dcatde:politicalGeocodingURI`` and ``dcatde:legalBasis`` are no longer
written), theme, landing page, dates, and a paged ``dcat:Catalog`` (hydra) for large
catalogues.

Only metadata leaves here, never register values. A catalogue dataset marked open is
published with its *public* fields only (GewO §14 Abs. 5 S. 2); one that has no approved
public field, no access URL or no licence is left out and reported (fail closed).
Aggregates (governance/opendata) appear only once published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS
from sqlalchemy.ext.asyncio import AsyncSession

from governance.opendata.vocab import (
    ACCESS_PUBLIC,
    CONCEPT_LABELS,
    DCATAP,
    DCATDE,
    ELI,
    GEOCODING,
    HYDRA,
    LANGUAGE_DEU,
    LICENCE_TITLES,
    PUBLISHER_LOCAL_AUTHORITY,
    VCARD,
    format_of,
)

LANG = "de"


@dataclass(frozen=True, slots=True, kw_only=True)
class DcatSettings:
    base_uri: str
    title: str
    description: str
    publisher_name: str
    publisher_uri: str
    municipality_ags: str | None  # Amtlicher Gemeindeschlüssel (8 digits) or None
    contributor_ids: tuple[str, ...] = ()  # dcatde:contributorID for delivery to GovData
    landing_page: str = ""  # the public page listing the open data; "" leaves it out
    attribution: str = ""  # dcatde:licenseAttributionByText; "" uses the publisher's name
    page_size: int = 100
    page_url: str = ""  # where a harvester fetches the pages ("?page=N" is appended)


@dataclass(frozen=True, slots=True, kw_only=True)
class LegalResource:
    text: str  # "GewO §14 Abs. 5 S. 2 - Öffentliche Angaben"
    iri: URIRef | None  # ELI or the law's official page


@dataclass(frozen=True, slots=True, kw_only=True)
class Distribution:
    key: str  # last IRI segment, stable per dataset
    title: str
    access_url: str
    download: bool = False  # the URL is the file itself (dcat:downloadURL too)
    issued: datetime | None = None
    byte_size: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenDataset:
    path: tuple[str, ...]  # IRI segments below base_uri/datasets
    register: str
    title: str
    description: str
    owner_office: str
    licence: str
    theme: URIRef
    keywords: tuple[str, ...]
    legal: tuple[LegalResource, ...]
    contact_emails: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    issued: datetime | None = None
    modified: datetime | None = None
    landing_page: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Skipped:
    register: str
    dataset: str
    reason: str  # no_public_fields | no_access_url | no_licence


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    number: int  # from 1
    total_items: int
    size: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total_items // self.size))


@dataclass(kw_only=True)
class DcatExport:
    graph: Graph
    published: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def turtle(self) -> str:
        return self.graph.serialize(format="turtle")


def iri(settings: DcatSettings, *parts: str) -> URIRef:
    path = "/".join(quote(part, safe="") for part in parts)
    return URIRef(f"{settings.base_uri.rstrip('/')}/{path}")


def _publisher(graph: Graph, settings: DcatSettings) -> URIRef:
    publisher = URIRef(settings.publisher_uri)
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.publisher_name, lang=LANG)))
    graph.add((publisher, DCTERMS.type, PUBLISHER_LOCAL_AUTHORITY))
    _concept(graph, PUBLISHER_LOCAL_AUTHORITY)
    return publisher


def _concept(graph: Graph, concept: URIRef) -> None:
    graph.add((concept, RDF.type, SKOS.Concept))
    label = CONCEPT_LABELS.get(str(concept))
    if label:
        graph.add((concept, SKOS.prefLabel, Literal(label, lang=LANG)))


def _vocabulary(graph: Graph) -> None:
    """Type the EU authority table entries used (a validator without the tables checks it)."""
    graph.add((LANGUAGE_DEU, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((ACCESS_PUBLIC, RDF.type, DCTERMS.RightsStatement))


def _date(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _licence(graph: Graph, uri: str) -> URIRef:
    licence = URIRef(uri)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    title = LICENCE_TITLES.get(uri)
    if title:
        graph.add((licence, DCTERMS.title, Literal(title, lang=LANG)))
    return licence


def _contact(graph: Graph, node: URIRef, dataset: OpenDataset, *, publisher: str) -> None:
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, RDF.type, VCARD.Kind))
    graph.add((node, VCARD.fn, Literal(dataset.owner_office or publisher, lang=LANG)))
    for email in dataset.contact_emails:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{email}")))


def _spatial(graph: Graph, subject: URIRef, settings: DcatSettings) -> None:
    """DCAT-AP.de 3.0: the municipality as a typed ``dct:Location`` (not politicalGeocoding)."""
    if not settings.municipality_ags:
        return
    location = URIRef(f"{GEOCODING}municipalityKey/{settings.municipality_ags}")
    graph.add((location, RDF.type, DCTERMS.Location))
    graph.add((subject, DCTERMS.spatial, location))
    graph.add(
        (subject, DCATDE.politicalGeocodingLevelURI, URIRef(f"{GEOCODING}Level/municipality"))
    )


def _legislation(graph: Graph, subject: URIRef, legal: Sequence[LegalResource]) -> None:
    for resource in legal:
        if resource.iri is None:
            continue
        graph.add((resource.iri, RDF.type, ELI.LegalResource))
        graph.add((resource.iri, DCTERMS.title, Literal(resource.text, lang=LANG)))
        graph.add((subject, DCATAP.applicableLegislation, resource.iri))


def _distribution(
    graph: Graph, node: URIRef, item: Distribution, *, licence: URIRef, attribution: str
) -> None:
    file_type, media_type = format_of(item.access_url)
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(item.title, lang=LANG)))
    graph.add((node, DCAT.accessURL, URIRef(item.access_url)))
    if item.download:
        graph.add((node, DCAT.downloadURL, URIRef(item.access_url)))
    graph.add((node, DCTERMS.license, licence))
    graph.add((node, DCATDE.licenseAttributionByText, Literal(attribution, lang=LANG)))
    graph.add((node, DCTERMS.format, file_type))
    graph.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
    graph.add((node, DCAT.mediaType, media_type))
    graph.add((media_type, RDF.type, DCTERMS.MediaType))
    if item.issued is not None:
        graph.add((node, DCTERMS.issued, _date(item.issued)))
    if item.byte_size is not None:
        graph.add((node, DCAT.byteSize, Literal(item.byte_size, datatype=XSD.nonNegativeInteger)))


def _describe(graph: Graph, subject: URIRef, dataset: OpenDataset, settings: DcatSettings) -> None:
    graph.add((subject, RDF.type, DCAT.Dataset))
    graph.add((subject, DCTERMS.identifier, Literal(str(subject))))
    graph.add((subject, DCTERMS.title, Literal(dataset.title, lang=LANG)))
    graph.add((subject, DCTERMS.description, Literal(dataset.description, lang=LANG)))
    graph.add((subject, DCTERMS.accessRights, ACCESS_PUBLIC))
    graph.add((subject, DCTERMS.language, LANGUAGE_DEU))
    graph.add((subject, DCAT.theme, dataset.theme))
    _concept(graph, dataset.theme)
    for keyword in dataset.keywords:
        graph.add((subject, DCAT.keyword, Literal(keyword, lang=LANG)))
    landing = dataset.landing_page or settings.landing_page
    if landing:
        graph.add((subject, DCAT.landingPage, URIRef(landing)))
        graph.add((URIRef(landing), RDF.type, FOAF.Document))
    if dataset.issued is not None:
        graph.add((subject, DCTERMS.issued, _date(dataset.issued)))
    if dataset.modified is not None:
        graph.add((subject, DCTERMS.modified, _date(dataset.modified)))
    for contributor in settings.contributor_ids:
        graph.add((subject, DCATDE.contributorID, URIRef(contributor)))


def _add_dataset(
    graph: Graph, dataset: OpenDataset, *, settings: DcatSettings, publisher: URIRef
) -> URIRef:
    subject = iri(settings, "datasets", *dataset.path)
    _describe(graph, subject, dataset, settings)
    graph.add((subject, DCTERMS.publisher, publisher))
    licence = _licence(graph, dataset.licence)
    graph.add((subject, DCTERMS.license, licence))
    attribution = settings.attribution or settings.publisher_name
    graph.add((subject, DCATDE.licenseAttributionByText, Literal(attribution, lang=LANG)))
    _legislation(graph, subject, dataset.legal)
    if dataset.contact_emails or dataset.owner_office:
        contact = iri(settings, "datasets", *dataset.path, "contact")
        _contact(graph, contact, dataset, publisher=settings.publisher_name)
        graph.add((subject, DCAT.contactPoint, contact))
    _spatial(graph, subject, settings)
    for item in dataset.distributions:
        node = iri(settings, "datasets", *dataset.path, item.key)
        _distribution(graph, node, item, licence=licence, attribution=attribution)
        graph.add((subject, DCAT.distribution, node))
    return subject


def _paging(graph: Graph, settings: DcatSettings, page: Page) -> None:
    """Hydra paging as ckanext-dcat reads (and writes) it: next page until the last."""
    graph.bind("hydra", HYDRA)

    url = settings.page_url or f"{settings.base_uri.rstrip('/')}/catalog"

    def at(number: int) -> Literal:
        return Literal(f"{url}?page={number}")

    node = URIRef(str(at(page.number)))
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    graph.add((node, RDF.type, HYDRA.PartialCollectionView))
    graph.add((node, HYDRA.totalItems, Literal(page.total_items, datatype=XSD.integer)))
    graph.add((node, HYDRA.itemsPerPage, Literal(page.size, datatype=XSD.integer)))
    graph.add((node, HYDRA.firstPage, at(1)))
    graph.add((node, HYDRA.first, at(1)))
    graph.add((node, HYDRA.lastPage, at(page.last)))
    graph.add((node, HYDRA.last, at(page.last)))
    if page.number < page.last:
        graph.add((node, HYDRA.nextPage, at(page.number + 1)))
        graph.add((node, HYDRA.next, at(page.number + 1)))
    if page.number > 1:
        graph.add((node, HYDRA.previousPage, at(page.number - 1)))
        graph.add((node, HYDRA.previous, at(page.number - 1)))


def _bind(graph: Graph) -> None:
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("dcatde", DCATDE),
        ("dcatap", DCATAP),
        ("eli", ELI),
    ):
        graph.bind(prefix, namespace)


def build_graph(
    settings: DcatSettings, datasets: Sequence[OpenDataset], *, page: Page | None = None
) -> Graph:
    graph = Graph()
    _bind(graph)
    catalog = iri(settings, "catalog")
    publisher = _publisher(graph, settings)
    _vocabulary(graph)
    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(settings.title, lang=LANG)))
    graph.add((catalog, DCTERMS.description, Literal(settings.description, lang=LANG)))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.language, LANGUAGE_DEU))
    if settings.landing_page:
        graph.add((catalog, FOAF.homepage, URIRef(settings.landing_page)))
    modified = [d.modified for d in datasets if d.modified is not None]
    if modified:
        graph.add((catalog, DCTERMS.modified, _date(max(modified))))
    _spatial(graph, catalog, settings)
    for dataset in datasets:
        graph.add(
            (
                catalog,
                DCAT.dataset,
                _add_dataset(graph, dataset, settings=settings, publisher=publisher),
            )
        )
    if page is not None:
        _paging(graph, settings, page)
    return graph


def page_of(
    datasets: Sequence[OpenDataset], *, number: int, size: int
) -> tuple[list[OpenDataset], Page]:
    """One page of the catalogue (stable order: the caller sorts)."""
    start = (number - 1) * size
    return list(datasets[start : start + size]), Page(
        number=number, total_items=len(datasets), size=size
    )


async def dcat_export(
    session: AsyncSession,
    *,
    settings: DcatSettings,
    public_base_url: str = "",
    page: int | None = None,
) -> DcatExport:
    """The export (governance/opendata/export.py), under the name callers have always used."""
    from governance.opendata.export import dcat_export as export  # noqa: PLC0415 - cycle

    return await export(session, settings=settings, public_base_url=public_base_url, page=page)
