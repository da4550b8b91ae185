"""Register documents → policy facts and field values keyed by field ID."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from adapters.base import STRIP_SPERRVERMERK_ADDRESSES
from adapters.melderegister.rows import PersonRow

ADULT_AGE = 18

Persons = Mapping[str, PersonRow]


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def minor_children_ids(record: Mapping[str, Any], persons: Persons, *, today: date) -> list[str]:
    """Only minor children are register data of the parent (BMG §3 Abs. 1 Nr. 16)."""
    return [
        child_id
        for child_id in record.get("children_ids", [])
        if child_id in persons and _age_on(persons[child_id].birth_date, today) < ADULT_AGE
    ]


def related_by_role(
    record: Mapping[str, Any], persons: Persons, *, today: date
) -> list[tuple[str, str]]:
    related = [("legal_rep", rep_id) for rep_id in record.get("legal_rep_ids", [])]
    if record.get("spouse_id"):
        related.append(("spouse", record["spouse_id"]))
    related += [("child", child) for child in minor_children_ids(record, persons, today=today)]
    return [(role, person_id) for role, person_id in related if person_id in persons]


def is_blocked(person: PersonRow) -> bool:
    return person.sperre_basis is not None


def hit_facts(person: PersonRow, persons: Persons, *, today: date) -> dict[str, Any]:
    """What the policy needs to decide about this person; no field values."""
    sperre = (
        {"basis": person.sperre_basis, "initiator": person.sperre_initiator}
        if person.sperre_basis is not None
        else None
    )
    return {
        "auskunftssperre": sperre,
        "bedingter_sperrvermerk": person.bedingter_sperrvermerk,
        "unblocked_current_address": bool(unflagged_current_addresses(person.record)),
        "deceased_on": person.death_date.isoformat() if person.death_date else None,
        "moved_away_on": person.moved_away_date.isoformat() if person.moved_away_date else None,
        "related": [
            {"role": role, "blocked": is_blocked(persons[related_id])}
            for role, related_id in related_by_role(person.record, persons, today=today)
        ],
    }


_ADDRESS_DATES = frozenset({"moved_in", "moved_out"})
# Register-internal per address (blocks data, BMG §3 Abs. 1 Nr. 18): never part of an address.
_ADDRESS_INTERNAL = frozenset({"bedingter_sperrvermerk"})


def unflagged_current_addresses(record: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Current addresses the register marks as free of a bedingter Sperrvermerk (explicit false)."""
    return [
        address
        for address in record.get("addresses", [])
        if address.get("moved_out") is None and address.get("bedingter_sperrvermerk") is False
    ]


def dated_addresses(addresses: list[Mapping[str, Any]], *, dates: bool) -> list[dict[str, Any]]:
    """Each address says whether it is current; its Ein-/Auszugsdatum only with ``dates``.

    Addresses are BMG §34 Abs. 1 Nr. 9 data, the dates Nr. 10 (field ``move_dates``): a
    release of ``addresses`` alone must not carry them.
    """
    return [
        {
            **{
                key: value
                for key, value in address.items()
                if key not in _ADDRESS_INTERNAL and (dates or key not in _ADDRESS_DATES)
            },
            "current": address.get("moved_out") is None,
        }
        for address in addresses
    ]


def current_addresses(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    current = [a for a in record.get("addresses", []) if a.get("moved_out") is None]
    return dated_addresses(current, dates=False)


def _blocks(record: Mapping[str, Any]) -> dict[str, bool]:
    blocks = record.get("blocks") or {}
    return {
        "auskunftssperre": blocks.get("auskunftssperre") is not None,
        "bedingter_sperrvermerk": bool(blocks.get("bedingter_sperrvermerk")),
    }


def related_summary(person: PersonRow) -> dict[str, Any]:
    """The related-person data the register keeps (BMG §3 Abs. 1 Nr. 9, 15, 16)."""
    record = person.record
    death = record.get("death") or {}
    return {
        "name": record["name"],
        "given_names": record["given_names"],
        "doctor": record.get("doctor"),
        "birth_date": record["birth"]["date"],
        "sex": record["sex"],
        "addresses": current_addresses(record),
        "death_date": death.get("date"),
        "blocks": _blocks(record),
    }


def _move_dates(record: Mapping[str, Any]) -> dict[str, Any]:
    addresses = record.get("addresses", [])
    main = [a for a in addresses if a.get("kind") == "haupt" and a.get("moved_out") is None]
    moved_out = [a["moved_out"] for a in addresses if a.get("moved_out")]
    moved_away = record.get("moved_away") or {}
    return {
        "moved_in": main[0].get("moved_in") if main else None,
        "last_moved_out": max(moved_out) if moved_out else None,
        "moved_away": moved_away.get("date"),
        "moved_away_to": moved_away.get("to_city"),
    }


def _copy(key: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda record: record.get(key)


_PLAIN_FIELDS: dict[str, Callable[[Mapping[str, Any]], Any]] = {
    name: _copy(name)
    for name in (
        "name",
        "prev_names",
        "given_names",
        "doctor",
        "religious_artist_name",
        "birth",
        "sex",
        "idnr",
        "nationality",
        "religion",
        "addresses",
        "marital",
        "id_docs",
        "azr_no",
        "death",
        "vote_excl",
        "elstam",
        "vbm",
        "passport_denial",
        "weapons",
        "explosives",
        "residence_queries",
        "landlord",
    )
}
_PLAIN_FIELDS["move_dates"] = _move_dates
_PLAIN_FIELDS["blocks"] = _blocks

_ROLE_OF_FIELD = {"spouse": "spouse", "children": "child", "legal_rep": "legal_rep"}
RELATED_FIELDS = frozenset(_ROLE_OF_FIELD)


def _related_values(
    person: PersonRow, persons: Persons, *, role: str, strip: frozenset[str], today: date
) -> list[dict[str, Any]]:
    return [
        related_summary(persons[related_id])
        for related_role, related_id in related_by_role(person.record, persons, today=today)
        if related_role == role and not (role in strip and is_blocked(persons[related_id]))
    ]


# Marital statuses that make the spouse a Lebenspartner (LPartG), not an Ehegatte.
_PARTNERSHIP_STATUSES = frozenset({"lebenspartnerschaft", "lp_verstorben", "lp_aufgehoben"})


def _spouse(record: Mapping[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    """The spouse summary and whether they are Ehegatte or Lebenspartner (BMG §3 Abs. 1 Nr. 15)."""
    status = (record.get("marital") or {}).get("status")
    partnership = "lebenspartnerschaft" if status in _PARTNERSHIP_STATUSES else "ehe"
    return {**summary, "partnership": partnership}


_FREE_SEARCH_DROPPED = _ADDRESS_DATES | {"current"}  # every address shown is current


def _free_search_values(values: dict[str, Any]) -> dict[str, Any]:
    """Free search: only the current Haupt-/alleinige Wohnung and the Einzugsdatum.

    BMG §34a Abs. 3 S. 1 (address), S. 2 (Einzugsdatum nach §34 Abs. 1 S. 1 Nr. 10).
    """
    if "addresses" in values:
        # Without moved_in/moved_out: the Einzugsdatum is move_dates, security bodies only.
        values["addresses"] = [
            {key: value for key, value in address.items() if key not in _FREE_SEARCH_DROPPED}
            for address in values["addresses"] or []
            if address.get("kind") == "haupt" and address["current"]
        ]
    if "move_dates" in values:
        values["move_dates"] = {"moved_in": values["move_dates"].get("moved_in")}
    return values


def field_values(
    person: PersonRow,
    persons: Persons,
    *,
    fields: frozenset[str],
    strip: frozenset[str],
    today: date,
    kind: str = "person",
) -> dict[str, Any]:
    """Only the requested fields; blocked related persons of stripped roles left out silently."""
    if kind == "free":
        return _free_search_values(
            field_values(person, persons, fields=fields, strip=strip, today=today)
        )
    values: dict[str, Any] = {}
    for field in sorted(fields):
        if field in _ROLE_OF_FIELD:
            related = _related_values(
                person, persons, role=_ROLE_OF_FIELD[field], strip=strip, today=today
            )
            if field == "spouse":
                values[field] = _spouse(person.record, related[0]) if related else None
            else:
                values[field] = related
        elif field in _PLAIN_FIELDS:
            values[field] = _PLAIN_FIELDS[field](person.record)
    if "addresses" in values and STRIP_SPERRVERMERK_ADDRESSES in strip:
        values["addresses"] = unflagged_current_addresses(person.record)  # BMG §52 Abs. 2 S. 3
    if values.get("addresses"):
        values["addresses"] = dated_addresses(values["addresses"], dates="move_dates" in fields)
    return values
