"""Open data: aggregate definitions, disclosure control, DCAT vocabularies."""
