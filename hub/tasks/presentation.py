"""The register office's tasks in plain words: each reason code as a German sentence with its norm.

The policy speaks in codes (``auskunftssperre``, ``notify_sperre_initiator``, ``pstr_request``);
the office reads sentences that say what happened and what the law asks, with the norm. The
texts stay German in every workbench language: they quote German law. A code without a
sentence here is shown as "further reason" with the code, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from hub.domain import TaskKind

SPERRE_BASES: Final = MappingProxyType(
    {"amts_wegen": "von Amts wegen", "antrag": "auf Antrag der betroffenen Person"}
)

_SENTENCES: Final = MappingProxyType(
    {
        "auskunftssperre": (
            "Für die Person ist eine Auskunftssperre eingetragen: der Anfragende erhielt eine "
            "neutrale Antwort; Übermittlung nur, wenn eine Gefahr für die Person ausgeschlossen "
            "werden kann (§ 51 Abs. 1, § 34a Abs. 5 BMG)."
        ),
        "bedingter_sperrvermerk": (
            "Bedingter Sperrvermerk (§ 52 BMG): die betroffene Person ist vor einer Auskunft "
            "anzuhören."
        ),
        "bedingter_sperrvermerk_anhoerung": (
            "Bedingter Sperrvermerk: Anhörung der betroffenen Person vor der Auskunft "
            "(§ 52 Abs. 2 S. 2 BMG)."
        ),
        "bedingter_sperrvermerk_aktuelle_anschrift": (
            "Bedingter Sperrvermerk: nur die aktuelle, nicht gesperrte Anschrift darf genannt "
            "werden (§ 52 Abs. 2 S. 3 BMG)."
        ),
        "archive_rule_13_2": (
            "Weggezogen oder verstorben vor mehr als fünf Jahren: nur die Daten nach § 13 Abs. 2 "
            "S. 3 BMG, außer eine Ausnahme nach S. 4 liegt vor."
        ),
        "related_person_blocked": (
            "Eine Bezugsperson (Ehegatte, Kind, gesetzlicher Vertreter) ist gesperrt: ihre Daten "
            "wurden weggelassen (§ 34a Abs. 5 S. 3 BMG)."
        ),
        "follow_up_waived": (
            "Die anfragende Stelle hat auf eine weitere Bearbeitung verzichtet (§ 38 Abs. 5 BMG)."
        ),
        "datenbestaetigung_neutral": (
            "Datenbestätigung für eine gesperrte Person: neutral beantwortet (§ 39a BMG)."
        ),
        "pstr_request": (
            "Auskunft aus dem Personenstandsregister: nur das Standesamt entscheidet, ob die "
            "anfragende Behörde die Daten zur Erfüllung ihrer Aufgaben braucht (§ 65 Abs. 1 PStG)."
        ),
        "pstr_standesamt": (
            "Personenstandsregister: das Ersuchen wird vom Standesamt von Hand bearbeitet "
            "(§ 65 Abs. 1 PStG)."
        ),
        "pstr_sperrvermerk": (
            "Der Eintrag trägt einen Sperrvermerk: Auskunft nur nach Prüfung durch das Standesamt "
            "(§ 64 PStG)."
        ),
        "pstr_stillgelegt": (
            "Der Eintrag ist stillgelegt: Auskunft nur nach Prüfung durch das Standesamt "
            "(§ 64 Abs. 2 PStG)."
        ),
        "pstr_adoption": (
            "Adoption beurkundet: Offenbarungsverbot, Auskunft nur in den Fällen des § 1758 BGB "
            "(§ 63 Abs. 1 PStG)."
        ),
        "pstr_sbgg": (
            "Änderung des Geschlechtseintrags: Offenbarungsverbot nach § 13 SBGG, Auskunft nur "
            "ausnahmsweise."
        ),
        "pstr_abstammungsgutachten": (
            "Abstammungsgutachten betroffen: besondere Prüfung durch das Standesamt (§ 62 PStG)."
        ),
        "pstr_research": (
            "Anfrage zu Forschungszwecken: Genehmigung nach § 66 PStG durch das Standesamt."
        ),
        "pstr_fortfuehrungsfrist_abgelaufen": (
            "Die Fortführungsfrist des Eintrags ist abgelaufen: zuständig ist das Archiv "
            "(§ 7 Abs. 3 PStG)."
        ),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    code: str
    sentence: str
    known: bool


def _notify_initiator(task: Mapping[str, Any], authority_title: Callable[[str], str]) -> str:
    basis = SPERRE_BASES.get(str(task.get("sperre_basis") or ""), "")
    initiator = task.get("sperre_initiator")
    head = "Auskunftssperre" + (f" {basis}" if basis else "")
    if initiator:
        head += f", veranlasst durch {authority_title(str(initiator))}"
    return f"{head}: veranlassende Stelle unterrichten, § 34 Abs. 5 S. 3 BMG."


def reasons(task: Mapping[str, Any], authority_title: Callable[[str], str]) -> list[Reason]:
    """The task's reasons as sentences, in the policy's order."""
    found = []
    for code in task.get("reasons") or ():
        if code == "notify_sperre_initiator":
            found.append(
                Reason(code=code, sentence=_notify_initiator(task, authority_title), known=True)
            )
        elif code in _SENTENCES:
            found.append(Reason(code=code, sentence=_SENTENCES[code], known=True))
        else:
            found.append(
                Reason(
                    code=code, sentence=f"Weiterer Grund der Entscheidung ({code}).", known=False
                )
            )
    return found


def manual_why(task: Mapping[str, Any]) -> str:
    """Why a request came to the office instead of being answered (empty for holds)."""
    if task.get("kind") != TaskKind.MANUAL_REQUEST:
        return ""
    register = task.get("register")
    if register == "personenstandsregister":
        return (
            "Anfragen an das Personenstandsregister beantwortet nicht der Hub: das Standesamt "
            "prüft jedes Ersuchen (§ 65 PStG) und antwortet selbst."
        )
    return "Die Anfrage kann nach dem Gesetz nicht automatisch beantwortet werden."


def person_label(task: Mapping[str, Any]) -> str:
    """Who the task is about: the register's person id, else the search data's name."""
    if task.get("person_id"):
        return str(task["person_id"])
    match = task.get("match") or {}
    names = " ".join(str(match[key]) for key in ("given_names", "name") if match.get(key))
    born = match.get("birth_date")
    return f"{names}, geb. {born}" if names and born else names


def group_key(task: Mapping[str, Any]) -> tuple[str, str]:
    """Tasks about the same person in the same register belong together."""
    return str(task.get("register") or ""), person_label(task)


def same_person(tasks: Sequence[Mapping[str, Any]], task: Mapping[str, Any]) -> list[str]:
    """The other open tasks about the task's person (ids), for one closing of them all."""
    key = group_key(task)
    if not key[1]:
        return []
    return [
        str(other["task_id"])
        for other in tasks
        if other["task_id"] != task["task_id"] and group_key(other) == key
    ]
