"""Parse untrusted XML: DTDs, entities and network access refused, size bounded."""

from __future__ import annotations

from lxml import etree

from adapters.errors import AdapterError

DEFAULT_MAX_BYTES = 1_048_576


class UnsafeXml(AdapterError):
    """The document is not well-formed, too large, or uses a DTD or an entity."""


def _parser() -> etree.XMLParser:
    # resolve_entities=False alone still parses the DTD; refusing any DOCTYPE below closes
    # billion-laughs and XXE for good. huge_tree stays off (libxml2's own depth limits).
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )


def parse_untrusted(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """The root element of ``data``, or ``UnsafeXml`` saying what is wrong."""
    if len(data) > max_bytes:
        raise UnsafeXml(f"the document has more than {max_bytes} bytes")
    try:
        tree = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(f"not well-formed XML: {error.msg}") from error
    document = tree.getroottree()
    if document.docinfo.doctype or document.docinfo.internalDTD is not None:
        raise UnsafeXml("DTDs are not accepted")
    for node in tree.iter():
        if isinstance(node, etree._Entity):  # noqa: SLF001 - lxml's entity reference node type
            raise UnsafeXml("entities are not accepted")
    return tree
