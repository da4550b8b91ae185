"""Vocabularies of the DCAT-AP.de 3.0 export: namespaces, EU authority tables, licences.

Kept apart from the graph builder so the open-data package and the tests name the same IRIs.
"""

from __future__ import annotations

from typing import Final

from rdflib import Namespace, URIRef

DCATDE: Final = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP: Final = Namespace("http://data.europa.eu/r5r/")
ELI: Final = Namespace("http://data.europa.eu/eli/ontology#")
HYDRA: Final = Namespace("http://www.w3.org/ns/hydra/core#")
VCARD: Final = Namespace("http://www.w3.org/2006/vcard/ns#")

LANGUAGE_DEU: Final = URIRef("http://publications.europa.eu/resource/authority/language/DEU")
ACCESS_PUBLIC: Final = URIRef(
    "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
)
FILE_TYPE: Final = "http://publications.europa.eu/resource/authority/file-type/"
DATA_THEME: Final = "http://publications.europa.eu/resource/authority/data-theme/"
GEOCODING: Final = "http://dcat-ap.de/def/politicalGeocoding/"
IANA_MEDIA: Final = "https://www.iana.org/assignments/media-types/"
PUBLISHER_LOCAL_AUTHORITY: Final = URIRef("http://purl.org/adms/publishertype/LocalAuthority")

DL_BY_DE_2: Final = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
# CKAN's licence register matches a dataset's licence by URI or by this title.
LICENCE_TITLES: Final = {
    DL_BY_DE_2: "Datenlizenz Deutschland Namensnennung 2.0",
    "http://dcat-ap.de/def/licenses/dl-zero-de/2.0": "Datenlizenz Deutschland Zero 2.0",
    "http://dcat-ap.de/def/licenses/cc-by/4.0": "Creative Commons Namensnennung 4.0 International",
}

# Distribution formats: EU file-type authority table code and IANA media type.
FORMATS: Final = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "html": ("HTML", "text/html"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "xml": ("XML", "application/xml"),
}

# EU data themes per register: population and society, economy, government.
REGISTER_THEMES: Final = {
    "melderegister": "SOCI",
    "personenstandsregister": "SOCI",
    "gewerberegister": "ECON",
}
DEFAULT_THEME: Final = "GOVE"
# German labels of the EU data themes and the publisher type (skos:prefLabel).
CONCEPT_LABELS: Final = {
    DATA_THEME + "SOCI": "Bevölkerung und Gesellschaft",
    DATA_THEME + "ECON": "Wirtschaft und Finanzen",
    DATA_THEME + "GOVE": "Regierung und öffentlicher Sektor",
    str(PUBLISHER_LOCAL_AUTHORITY): "Kommunalbehörde",
}

# Federal laws on gesetze-im-internet.de, by the norm abbreviation the catalogue uses.
LAW_PAGES: Final = {
    "BMG": "https://www.gesetze-im-internet.de/bmg/",
    "GewO": "https://www.gesetze-im-internet.de/gewo/",
    "PStG": "https://www.gesetze-im-internet.de/pstg/",
    "BStatG": "https://www.gesetze-im-internet.de/bstatg_1987/",
    "DSGVO": "http://data.europa.eu/eli/reg/2016/679/oj",
}


def format_of(url: str) -> tuple[URIRef, URIRef]:
    """EU file type and IANA media type of a URL by its extension; no extension: a web page."""
    tail = url.rsplit("/", 1)[-1]
    extension = tail.rsplit(".", 1)[-1].lower() if "." in tail else "html"
    code, media = FORMATS.get(extension, FORMATS["html"])
    return URIRef(FILE_TYPE + code), URIRef(IANA_MEDIA + media)


def theme_of(register: str) -> URIRef:
    return URIRef(DATA_THEME + REGISTER_THEMES.get(register, DEFAULT_THEME))


def law_iri(norm: str, url: str) -> URIRef | None:
    """The legal resource a catalogue legal basis names: its own URL, else the law's page."""
    if url.startswith(("http://", "https://")):
        return URIRef(url)
    page = LAW_PAGES.get(norm)
    return URIRef(page) if page else None
