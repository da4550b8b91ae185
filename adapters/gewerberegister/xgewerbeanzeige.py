"""Import XGewerbeanzeige Gewerbemeldungen (versions 1.3-2.2) into the Gewerberegister.

The family is every ``<recipient>.gewerbemeldung.<code>`` message of XGewerbeanzeige 2.x
(``sta.gewerbemeldung.0100`` for the Statistisches Landesamt, ``alg…0300``, ``abh…0500``, …:
the same ``satz`` content for different readers) and the 1.3 DatML/RAW record. Each ``satz``
is one Anmeldung, Ummeldung or Abmeldung.

- ``business_id`` is the message's ``gewerbebetriebID`` (a UUID the Gewerbeamt keeps for
  the business across all its Meldungen), lower-cased because UUIDs ignore case.
- Anmeldung creates the business; Ummeldung replaces its data (keeping Betriebsbeginn and
  any Abmeldung); Abmeldung sets ``betriebsende`` (``gueltigAb``) and ``abmeldegrund``
  (``grundAbmeldungSchluessel``) of a business in the register or earlier in the file, and
  otherwise creates the business closed, with what the Abmeldung carries (birth date and
  Betriebsbeginn may then be unknown).
- No XSD/Schematron is available, so the structural and business rules the official
  invalid examples break are checked explicitly; every problem names the element by path.
- Values pass the import model ``BusinessRecord`` (the JSON Lines validation) and are stored
  in one transaction: the whole file or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pydantic import ValidationError
from sqlalchemy import Engine, insert, select, update

from adapters.errors import ImportRejected
from adapters.gewerberegister import xga_codes as codes
from adapters.gewerberegister.records import BusinessRecord
from adapters.gewerberegister.store import business_row
from adapters.gewerberegister.tables import GwBusiness
from adapters.sql.engine import begin_writing
from adapters.sql.importing import MAX_ERRORS, validation_message
from adapters.xmeld.safe import UnsafeXml, parse_untrusted

MAX_BYTES = 4 * 1_048_576  # a few thousand Meldungen; larger batches belong in JSON Lines

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DDMMYYYY = re.compile(r"^\d{8}$")
_DATETIME_2X = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_DATETIME_13 = re.compile(r"^\d{14}$")
_FAMILY = re.compile(r"^(?P<reader>[a-z]{2,5})\.gewerbemeldung\.(?P<code>\d{4})$")
_PLZ = re.compile(r"^\d{5}$")
_GEMEINDE = re.compile(r"^\d{8}$")
_REASON = re.compile(r"^\d{2}$")
_SATZART_13 = re.compile(r"^[A-Z]{2,6}ID$")

Problems = list[tuple[int, str]]
_NOT_XGA = "not an XGewerbeanzeige 1.3-2.2 Gewerbemeldung"


@dataclass(frozen=True)
class Node:
    """One element of either dialect: 2.x element or 1.3 ``mm``/``mmgr``, by its 2.x name."""

    name: str
    path: str
    line: int
    text: str | None  # own text, the ``code`` of a code type, or the ``wert`` of an ``mm``
    children: tuple[Node, ...] = ()
    dialect: str = "2.x"

    def all(self, name: str) -> list[Node]:
        return [child for child in self.children if child.name == name]

    def first(self, name: str) -> Node | None:
        return next((child for child in self.children if child.name == name), None)

    def child_path(self, name: str) -> str:
        """The path a missing child would have, in the document's own dialect."""
        if self.dialect == codes.DATML_VERSION and "/satz" in self.path:  # mm/mmgr level
            original = {v: k for k, v in _NAMES_13.items()}.get(name, name[:1].upper() + name[1:])
            return f"{self.path}/*[@name='{original}']"
        if self.dialect == codes.DATML_VERSION:
            return f"{self.path}/{name}"
        return f"{self.path}/xga:{name}"


@dataclass
class Meldung:
    """One ``satz``: what it asks the register to do, with the values it carries."""

    kind: str
    line: int
    path: str
    business_id: str
    values: dict[str, Any]


@dataclass
class _Reader:
    """Collects problems while walking one message; checks never stop at the first one."""

    version: str
    problems: Problems = field(default_factory=list)

    def fail(self, node: Node, rule: str, *, path: str | None = None) -> None:
        self.problems.append((node.line, f"{path or node.path}: {rule}"))

    def require(self, parent: Node, name: str, *, why: str = "") -> Node | None:
        found = parent.first(name)
        if found is None:
            reason = f" ({why})" if why else ""
            self.fail(parent, f"required element missing{reason}", path=parent.child_path(name))
        elif found.text is None and not found.children:
            self.fail(found, "must not be empty")
            return None
        return found

    def text(self, parent: Node, name: str, *, required: bool = True, why: str = "") -> str | None:
        found = self.require(parent, name, why=why) if required else parent.first(name)
        return found.text if found is not None else None

    def date(self, parent: Node, name: str, *, birth: bool = False) -> dt.date | None:
        found = self.require(parent, name)
        return self.date_of(found, birth=birth) if found is not None else None

    def date_of(self, node: Node, *, birth: bool = False) -> dt.date | None:
        value = node.text or ""
        # Birth dates are DDMMYYYY in every version, other dates only in 1.3.
        day_first = birth or self.version == codes.DATML_VERSION
        pattern, fmt, shown = (
            (_DDMMYYYY, "%d%m%Y", "DDMMYYYY")
            if day_first
            else (_ISO_DATE, "%Y-%m-%d", "YYYY-MM-DD")
        )
        if pattern.match(value):
            try:
                return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
            except ValueError:
                pass
        self.fail(node, f"must be a calendar date {shown}")
        return None

    def code(self, parent: Node, name: str, allowed: frozenset[str] | dict[str, str]) -> str | None:
        value = self.text(parent, name)
        if value is not None and value not in allowed:
            self.fail(
                parent, f"code {value!r} is not in the code list", path=parent.child_path(name)
            )
            return None
        return value


# --- building the neutral tree --------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def _build_2x(element: etree._Element, path: str) -> Node:
    children = [child for child in element if isinstance(child.tag, str)]
    code = next((c for c in children if c.tag == "code"), None)  # unqualified: a code type
    if code is not None:
        return Node(_local(element), path, element.sourceline or 0, (code.text or "").strip())
    counts: dict[str, int] = {}
    for child in children:
        counts[_local(child)] = counts.get(_local(child), 0) + 1
    seen: dict[str, int] = {}
    built = []
    for child in children:
        name = _local(child)
        seen[name] = seen.get(name, 0) + 1
        step = f"xga:{name}" + (f"[{seen[name]}]" if counts[name] > 1 else "")
        built.append(_build_2x(child, f"{path}/{step}"))
    text = (element.text or "").strip() or None if not built else None
    return Node(_local(element), path, element.sourceline or 0, text, tuple(built))


_NAMES_13 = {"PLZ": "plz", "UUID": "uuid"}


def _name_13(value: str) -> str:
    return _NAMES_13.get(value, value[:1].lower() + value[1:])


def _build_13(element: etree._Element, path: str) -> Node:
    tag = _local(element)
    line = element.sourceline or 0
    if tag == "mm":
        wert = next((c for c in element if isinstance(c.tag, str) and _local(c) == "wert"), None)
        value = (wert.text or "").strip() if wert is not None else ""
        return Node(_name_13(element.get("name", "")), path, line, value or None, dialect="1.3")
    children = [child for child in element if isinstance(child.tag, str)]
    built = []
    for child in children:
        child_tag = _local(child)
        step = (
            f"{child_tag}[@name='{child.get('name')}']"
            if child_tag in {"mm", "mmgr"}
            else child_tag
        )
        built.append(_build_13(child, f"{path}/{step}"))
    name = _name_13(element.get("name", "")) if tag == "mmgr" else tag
    text = (element.text or "").strip() or None if not built else None
    return Node(name, path, line, text, tuple(built), dialect="1.3")


# --- recognising the message ----------------------------------------------------------------


def _recognise(root: etree._Element) -> tuple[str, Node, list[Node]] | Problems:
    """(version, root node, meldung nodes) or the problems that refuse the document."""
    qname = etree.QName(root)
    line = root.sourceline or 0
    namespace = qname.namespace or ""
    if namespace == codes.DATML_NAMESPACE and qname.localname == codes.DATML_ROOT:
        node = _build_13(root, f"/{codes.DATML_ROOT}")
        return codes.DATML_VERSION, node, []
    version = namespace.removeprefix(codes.NAMESPACE_PREFIX)
    match = _FAMILY.match(qname.localname)
    if not namespace.startswith(codes.NAMESPACE_PREFIX) or version not in codes.VERSIONS_2X:
        return [
            (
                line,
                f"/{qname.localname}: unknown message: {_NOT_XGA}",
            )
        ]
    if match is None:
        return [
            (line, f"/xga:{qname.localname}: unknown message: not of the gewerbemeldung family")
        ]
    return version, _build_2x(root, f"/xga:{qname.localname}"), []


def _check_head(reader: _Reader, root: Node, code: str) -> None:
    head = reader.require(root, "nachrichtenkopf")
    if head is None:
        return
    ident = reader.require(head, "identifikation.nachricht")
    if ident is not None:
        reader.text(ident, "nachrichtenUUID")
        typ = reader.text(ident, "nachrichtentyp")
        if typ is not None and typ != code:
            reader.fail(
                ident,
                f"nachrichtentyp {typ!r} does not match the root element ({code})",
                path=ident.child_path("nachrichtentyp"),
            )
    reader.require(head, "autor")


def _check_root_2x(reader: _Reader, root: Node, element: etree._Element) -> list[Node]:
    match = _FAMILY.match(root.name)
    code = match["code"] if match else ""
    if element.get("version") != reader.version:
        reader.fail(
            root,
            f"attribute version must be {reader.version!r} (the namespace's)",
            path=f"{root.path}/@version",
        )
    if element.get("standard") != "XGewerbeanzeige":
        reader.fail(
            root, "attribute standard must be 'XGewerbeanzeige'", path=f"{root.path}/@standard"
        )
    for child in root.children:
        if child.name not in {"nachrichtenkopf", "satz"}:
            reader.fail(child, "element not allowed here (expected xga:nachrichtenkopf, xga:satz)")
    _check_head(reader, root, code)
    satze = root.all("satz")
    if not satze:
        reader.fail(
            root, "required element missing (at least one satz)", path=root.child_path("satz")
        )
    meldungen = []
    for satz in satze:
        kinds = [child for child in satz.children if child.name in codes.KINDS]
        if len(kinds) != 1 or len(satz.children) != 1:
            reader.fail(
                satz, "must hold exactly one of xga:anmeldung, xga:ummeldung, xga:abmeldung"
            )
            continue
        meldungen.append(kinds[0])
    return meldungen


def _check_root_13(reader: _Reader, root: Node) -> list[tuple[str, Node]]:
    allowed = {"optionen", "protokoll", "absender", "empfaenger", "nachricht"}
    for child in root.children:
        if child.name not in allowed:
            reader.fail(
                child, f"element not allowed here (expected one of {', '.join(sorted(allowed))})"
            )
    for name in ("protokoll", "absender", "empfaenger"):
        reader.require(root, name)
    nachricht = reader.require(root, "nachricht")
    segment = reader.require(nachricht, "datensegment") if nachricht is not None else None
    satze = segment.all("satz") if segment is not None else []
    if segment is not None and not satze:
        reader.fail(
            segment, "required element missing (at least one satz)", path=segment.child_path("satz")
        )
    meldungen = []
    for satz in satze:
        satzart = reader.text(satz, "satzart")
        if satzart is not None and not _SATZART_13.match(satzart):
            reader.fail(
                satz,
                f"Satzart {satzart!r} is not a DatML record type",
                path=satz.child_path("satzart"),
            )
        reader.require(satz, "autor", why="every Gewerbemeldung names its author")
        art = reader.code(satz, "meldungArt", codes.MELDUNG_ARTEN_13)
        if art is not None:
            meldungen.append((codes.MELDUNG_ARTEN_13[art], satz))
    return meldungen


# --- one Meldung ----------------------------------------------------------------------------


def _address(reader: _Reader, node: Node) -> dict[str, str] | None:
    """A German postal address (records.Address) from an xga anschrift."""
    street = reader.text(node, "strasse")
    number = reader.text(node, "hausNrVon")
    city = reader.text(node, "ort")
    plz = reader.text(node, "plz")
    nation = reader.text(node, "nationSchluessel", required=False)
    if nation is not None and nation != codes.GERMANY_NUMERIC:
        reader.fail(
            node,
            f"nationSchluessel {nation!r}: only German addresses (276) are registered",
            path=node.child_path("nationSchluessel"),
        )
        return None
    if plz is not None and not _PLZ.match(plz):
        reader.fail(node, "plz must be five digits", path=node.child_path("plz"))
        return None
    if street is None or number is None or city is None or plz is None:
        return None
    return {"street": street, "house_number": number, "postal_code": plz, "city": city}


def _all_addresses_complete(reader: _Reader, node: Node) -> None:
    """Every other anschrift (e.g. Hauptniederlassung) needs its required parts too."""
    for child in node.children:
        if child.name == "anschrift" and "hauptniederlassung" in child.path:
            for name in ("strasse", "ort", "plz"):
                reader.require(child, name)
        _all_addresses_complete(reader, child)


def _permits(reader: _Reader, gewerbe: Node, person: Node | None) -> list[dict[str, str]]:
    """Handwerkskarte, Erlaubnisse and Aufenthaltstitel that are present (status 1)."""
    found: list[tuple[str, Node]] = [("Handwerkskarte", n) for n in gewerbe.all("handwerkskarte")]
    found += [("Erlaubnis", n) for n in gewerbe.all("erlaubnis")]
    if person is not None:
        found += [("Aufenthaltstitel", n) for n in person.all("aufenthaltstitel")]
        found += [("Aufenthaltstitel", n) for n in person.all("aufenthaltsgenehmigung")]
    permits = []
    for kind, node in found:
        status = reader.text(node, "status")
        if status != codes.STATUS_PRESENT:
            continue
        issued = reader.date(node, "ausgestelltAm")
        authority = node.first("ausgestelltVonName") or node.first("ausgestelltVonOrt")
        if authority is None:
            reader.fail(node, "status 1 (liegt vor) needs ausgestelltVonName or ausgestelltVonOrt")
        if issued is not None and authority is not None and authority.text:
            permits.append(
                {"kind": kind, "authority": authority.text, "issued": issued.isoformat()}
            )
    return permits


def _betriebsart(reader: _Reader, gewerbe: Node, kind: str) -> None:
    if reader.version == codes.DATML_VERSION:
        for name in ("Industrie", "Handwerk", "Handel", "Sonstiges"):
            reader.code(gewerbe, f"betriebArt{name}", codes.JA_NEIN)
        return
    art = gewerbe.first("betriebArt")
    if art is None:
        if kind != "abmeldung":
            reader.fail(
                gewerbe,
                f"required element missing (SCH-0036: an {kind} states the Betriebsart)",
                path=gewerbe.child_path("betriebArt"),
            )
        return
    flags = {
        name: reader.code(art, name, codes.JA_NEIN)
        for name in ("industrie", "handwerk", "handel", "sonstiges")
    }
    if "1" not in flags.values() and None not in flags.values():
        reader.fail(art, "at least one Betriebsart must be 1")
    if flags["handwerk"] == "1" and gewerbe.first("handwerkskarte") is None:
        reader.fail(
            gewerbe,
            "required element missing (betriebArt/handwerk = 1 needs the Handwerkskarte status)",
            path=gewerbe.child_path("handwerkskarte"),
        )


def _registration(reader: _Reader, betrieb: Node, rechtsform: str | None) -> dict[str, str] | None:
    art = betrieb.first("eintragungArt")
    if art is None:
        if betrieb.first("eintragungNr") is not None:
            reader.fail(
                betrieb,
                "eintragungNr needs eintragungArt",
                path=betrieb.child_path("eintragungArt"),
            )
        return None
    kind = reader.code(betrieb, "eintragungArt", codes.EINTRAGUNG_ARTEN)
    number = reader.text(betrieb, "eintragungNr", why="eintragungArt is given")
    court = reader.text(betrieb, "eintragungOrt", why="eintragungArt is given")
    if kind is None or number is None or court is None:
        return None
    register = codes.EINTRAGUNG_ARTEN[kind]
    if rechtsform is not None and register not in codes.REGISTER_FOR_FORM[rechtsform]:
        reader.fail(
            betrieb,
            f"rechtsform {rechtsform!r} cannot be entered in the register "
            f"of eintragungArt {kind!r} ({register})",
            path=betrieb.child_path("eintragungArt"),
        )
        return None
    return {"kind": register, "number": number, "court": court}


def _rechtsform(reader: _Reader, betrieb: Node) -> str | None:
    value = reader.text(betrieb, "rechtsformSchluessel")
    if value is None:
        return None
    if value in codes.LEGAL_PERSON_FORMS:
        reader.fail(
            betrieb,
            f"rechtsformSchluessel {value!r} is a legal person; "
            "the Gewerberegister holds natural persons only",
            path=betrieb.child_path("rechtsformSchluessel"),
        )
        return None
    if value not in codes.RECHTSFORMEN:
        reader.fail(
            betrieb,
            f"code {value!r} is not in the code list rechtsformen",
            path=betrieb.child_path("rechtsformSchluessel"),
        )
        return None
    return codes.RECHTSFORMEN[value]


def _nationality(reader: _Reader, person: Node) -> list[str]:
    group = person.first("staatangehoerigkeiten")
    keys = group.all("staatsangehoerigkeitSchluessel") if group is not None else []
    if not keys:
        return ["XX"]  # the message does not say: unknown (records.UNKNOWN_COUNTRY)
    found = []
    for key in keys:
        iso = codes.STAATSANGEHOERIGKEITEN.get(key.text or "")
        if iso is None:
            reader.fail(
                key, f"Staatsangehörigkeitsschlüssel {key.text!r} is not known to the import"
            )
        elif iso not in found:
            found.append(iso)
    return found


def _person(reader: _Reader, gewerbe: Node) -> Node | None:
    """The trader: the Inhaber (personFunktion 1) or else the first beteiligte Person."""
    persons = gewerbe.all("beteiligtePerson")
    if not persons:
        reader.fail(
            gewerbe, "required element missing", path=gewerbe.child_path("beteiligtePerson")
        )
        return None
    return next(
        (p for p in persons if (f := p.first("personFunktion")) and f.text == "1"), persons[0]
    )


def _header(reader: _Reader, node: Node) -> str | None:
    """The Satz header fields; returns the business_id (normalised gewerbebetriebID)."""
    created = reader.text(node, "satzErstellung")
    pattern = _DATETIME_13 if reader.version == codes.DATML_VERSION else _DATETIME_2X
    if created is not None and not pattern.match(created):
        reader.fail(node, "must be a date and time", path=node.child_path("satzErstellung"))
    if reader.version != codes.DATML_VERSION:
        reader.require(node, "autor")
    reader.code(node, "istKorrektur", codes.JA_NEIN)
    gemeinde = reader.text(node, "gemeindeSchluessel")
    if gemeinde is not None and not _GEMEINDE.match(gemeinde):
        reader.fail(node, "must be an eight-digit AGS", path=node.child_path("gemeindeSchluessel"))
    raw_id = reader.text(node, "gewerbebetriebID")
    business_id = None
    if raw_id is not None:
        try:
            business_id = str(uuid.UUID(raw_id))
        except ValueError:
            reader.fail(node, "must be a UUID", path=node.child_path("gewerbebetriebID"))
    return business_id


def _trader(reader: _Reader, person: Node, kind: str, valid_from: dt.date | None) -> dict[str, Any]:
    """The trader's fields of the record (public name, protected personal data)."""
    given = reader.text(person, "vorname")
    birth_node = person.first("geburtsdatum")
    birth = reader.date_of(birth_node, birth=True) if birth_node is not None else None
    if kind != "abmeldung" and birth_node is None:
        reader.fail(person, "required element missing", path=person.child_path("geburtsdatum"))
    if birth is not None and valid_from is not None and valid_from < birth:
        reader.fail(person, "geburtsdatum must be before gueltigAb of the Meldung")
    private = person.first("anschrift")
    place = person.first("geburtsort")
    return {
        "name": reader.text(person, "familienname"),
        "given_names": given.split() if given else None,
        "birth_date": _iso(birth),
        "birth_place": place.text if place is not None else None,
        "nationality": _nationality(reader, person),
        "private_address": _address(reader, private) if private is not None else None,
    }


def _meldung(reader: _Reader, kind: str, node: Node) -> Meldung | None:
    before = len(reader.problems)
    business_id = _header(reader, node)
    valid_from = reader.date(node, "gueltigAb")
    reader.date(node, "datumMeldung")
    reason_name = codes.REASON_OF_KIND[kind]
    reason_node = reader.require(node, reason_name, why=f"an {kind} gives its reason")
    reason = _reason(reader, reason_node)
    activities = reader.require(node, "taetigkeitenGesamt")
    focus = reader.require(activities, "schwerpunkt") if activities is not None else None
    activity = reader.text(focus, "taetigkeitSchwerpunkt") if focus is not None else None

    gewerbe = reader.require(node, "gewerbe")
    if gewerbe is None:
        return None
    betrieb = reader.require(gewerbe, "betrieb")
    rechtsform = _rechtsform(reader, betrieb) if betrieb is not None else None
    registration = _registration(reader, betrieb, rechtsform) if betrieb is not None else None
    _betriebsart(reader, gewerbe, kind)
    _all_addresses_complete(reader, gewerbe)
    site = reader.require(gewerbe, "anschrift", why="the Betriebsstätte")
    site_address = _address(reader, site) if site is not None else None
    person = _person(reader, gewerbe)
    values = _trader(reader, person, kind, valid_from) if person is not None else {}
    if len(reader.problems) > before or business_id is None:
        return None
    designation = (
        (betrieb.first("geschaeftsbezeichnung") or betrieb.first("eingetragenerName"))
        if betrieb
        else None
    )
    values |= {
        "business_id": business_id,
        "geschaeftsbezeichnung": designation.text if designation is not None else None,
        "betriebliche_anschrift": site_address,
        "taetigkeit": activity,
        "rechtsform": rechtsform,
        "registereintrag": registration,
        "betriebsbeginn": None if kind == "abmeldung" else _iso(valid_from),
        "betriebsende": _iso(valid_from) if kind == "abmeldung" else None,
        "beschaeftigte": _employees(reader, gewerbe),
        "erlaubnisse": _permits(reader, gewerbe, person),
        "abmeldegrund": reason if kind == "abmeldung" else None,
    }
    if len(reader.problems) > before:
        return None
    return Meldung(kind, node.line, node.path, business_id, values)


def _reason(reader: _Reader, node: Node | None) -> str | None:
    if node is None:
        return None
    # gruendeUmmeldung is a group of grundUmmeldungSchluessel codes
    leaves = [child for child in node.children if child.text] if node.children else [node]
    for leaf in leaves:
        if not _REASON.match(leaf.text or ""):
            reader.fail(leaf, "code must be two digits")
            return None
    return leaves[0].text if leaves else None


def _employees(reader: _Reader, gewerbe: Node) -> int:
    """Vollzeit plus Teilzeit: the register keeps the number of people employed."""
    total = 0
    for name in ("anzahlVollzeitBeschaeftigte", "anzahlTeilzeitBeschaeftigte"):
        found = gewerbe.first(name)
        if found is None:
            continue
        if not (found.text or "").isdigit():
            reader.fail(found, "must be a whole number >= 0")
            continue
        total += int(found.text or "0")
    return total


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- the whole document ---------------------------------------------------------------------


@dataclass(frozen=True)
class GewerbeMessage:
    """A checked message: its version and its Meldungen in document order."""

    version: str
    message: str
    meldungen: tuple[Meldung, ...]


def read_message(data: bytes) -> GewerbeMessage:
    """Parse and check one XGewerbeanzeige document; ``ImportRejected`` lists every problem.

    ``UnsafeXml`` (DTDs, entities, not well-formed, too large) is turned into a rejection too.
    """
    try:
        root = parse_untrusted(data, max_bytes=MAX_BYTES)
    except UnsafeXml as error:
        raise ImportRejected([(0, f"refused: {error}")]) from error
    recognised = _recognise(root)
    if isinstance(recognised, list):
        raise ImportRejected(recognised)
    version, node, _ = recognised
    reader = _Reader(version)
    if version == codes.DATML_VERSION:
        pairs = _check_root_13(reader, node)
        message = "DatML/RAW Gewerbemeldung"
    else:
        pairs = [(m.name, m) for m in _check_root_2x(reader, node, root)]
        message = node.name
    meldungen = [m for kind, satz in pairs if (m := _meldung(reader, kind, satz)) is not None]
    if reader.problems:
        raise ImportRejected(reader.problems[:MAX_ERRORS])
    return GewerbeMessage(version, message, tuple(meldungen))


# --- storing --------------------------------------------------------------------------------

_KEPT_ON_UMMELDUNG = ("betriebsbeginn", "betriebsende", "abmeldegrund")


def _validated(
    meldung: Meldung, values: dict[str, Any], problems: Problems
) -> dict[str, Any] | None:
    try:
        record = BusinessRecord.model_validate(values)
    except ValidationError as error:
        problems.append((meldung.line, f"{meldung.path}: {validation_message(error)}"))
        return None
    return record.model_dump(mode="json")


def _apply(
    meldung: Meldung, current: dict[str, Any] | None, problems: Problems
) -> dict[str, Any] | None:
    """The business after this Meldung, or None with a problem recorded."""
    where = f"{meldung.path}: gewerbebetriebID {meldung.business_id!r}"
    if meldung.kind == "anmeldung":
        if current is not None:
            problems.append((meldung.line, f"{where} is already in the register"))
            return None
        return _validated(meldung, meldung.values, problems)
    if meldung.kind == "ummeldung":
        if current is None:
            problems.append((meldung.line, f"{where}: Ummeldung of a business not in the register"))
            return None
        kept = {key: current[key] for key in _KEPT_ON_UMMELDUNG}
        return _validated(meldung, meldung.values | kept, problems)
    return _close(meldung, current, problems, where)


def _close(
    meldung: Meldung, current: dict[str, Any] | None, problems: Problems, where: str
) -> dict[str, Any] | None:
    """Abmeldung: closes the business, or stores one never seen here as closed."""
    if current is None:
        return _validated(meldung, meldung.values, problems)
    if current.get("betriebsende") is not None:
        problems.append((meldung.line, f"{where} is already abgemeldet"))
        return None
    closing = {key: meldung.values[key] for key in ("betriebsende", "abmeldegrund")}
    return _validated(meldung, current | closing, problems)


def store_message(engine: Engine, message: GewerbeMessage) -> int:
    """One transaction: every Meldung applied, or none; returns how many were applied."""
    wanted = {meldung.business_id for meldung in message.meldungen}
    with begin_writing(engine) as connection:
        rows = connection.execute(
            select(GwBusiness.business_id, GwBusiness.record).where(
                GwBusiness.business_id.in_(wanted)
            )
        )
        stored: dict[str, dict[str, Any]] = {row.business_id: dict(row.record) for row in rows}
        state: dict[str, dict[str, Any]] = dict(stored)
        problems: Problems = []
        for meldung in message.meldungen:
            after = _apply(meldung, state.get(meldung.business_id), problems)
            if after is not None:
                state[meldung.business_id] = after
        if problems:
            raise ImportRejected(problems[:MAX_ERRORS])
        for business_id, document in state.items():
            row = business_row(document)
            if business_id in stored:
                if document != stored[business_id]:
                    del row["business_id"]
                    connection.execute(
                        update(GwBusiness)
                        .where(GwBusiness.business_id == business_id)
                        .values(**row)
                    )
            else:
                connection.execute(insert(GwBusiness), [row])
    return len(message.meldungen)
