"""Small readers for safely parsed XMeld answers: XMeld paths, texts, codes, dates, booleans.

Shared by ``adapters.xmeld.answer`` and ``adapters.xmeld.answer_details``. A path like
``a/b`` names XMeld elements (``xmeld:a/xmeld:b``); the XInneres parts inside them
(``code``, ``name``, ``teilbekanntesDatum``…) are unqualified and read with ``text``.
"""

from __future__ import annotations

from lxml import etree

from adapters.xmeld.names import XMELD_NS

NS = {"x": XMELD_NS}
_DATE_PATHS = (
    "teilbekanntesDatum/jahrMonatTag",
    "teilbekanntesDatum/jahrMonat",
    "teilbekanntesDatum/jahr",
    "jahrMonatTag",
    "jahrMonat",
    "jahr",
    "datum",  # TagesdatumMitUnbekannt (datumDesBeziehens)
)


def xpath(path: str) -> str:
    """``a/b`` → ``x:a/x:b`` for find/findall with ``NS``."""
    return "/".join(f"x:{step}" if not step.startswith("@") else step for step in path.split("/"))


def find(node: etree._Element, path: str) -> etree._Element | None:
    return node.find(xpath(path), NS)


def find_all(node: etree._Element, path: str) -> list[etree._Element]:
    return list(node.findall(xpath(path), NS))


def text(node: etree._Element | None, path: str | None = None) -> str | None:
    if node is None:
        return None
    target = node if path is None else node.find(path, NS)
    if target is None or target.text is None:
        return None
    return target.text.strip() or None


def code(node: etree._Element | None) -> str | None:
    return text(node, "code")


def name_text(node: etree._Element | None) -> str | None:
    """An ``AllgemeinerName``: its unqualified ``name`` child."""
    return text(node, "name")


def date(node: etree._Element | None) -> str | None:
    """A plain or teilbekannt date as ISO text (partially known dates keep what is known)."""
    if node is None:
        return None
    own = str(node.text or "").strip()
    if own:
        return own
    for path in _DATE_PATHS:
        value = text(node, path)
        if value:
            return value
    return None


def boolean(node: etree._Element | None) -> bool | None:
    value = text(node)
    if value is None:
        return None
    return value in {"true", "1"}
