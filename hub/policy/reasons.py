"""The policy's reason codes, split into those a caller may see and those only the ledger keeps.

Every code the Rego in ``policies/`` can emit has a row in its ``reason_basis`` tables and a
member in exactly one of the two enums here (tests/policies/test_reason_codes.py reads the
Rego and fails otherwise). A caller sees only :class:`CallerReason` members
(:func:`caller_reasons`): a code the policy emits but this module does not list as a caller
reason stays in the ledger, so a new code is internal until someone decides otherwise.

The line between them: codes about the request (who asks, for what, with which keys and
fields) tell the caller what to change; codes about a hit would tell the caller something
about a person (a block, a related person, an archived record, that nobody was found) and
must not reach them (BMG §34a Abs. 5, BMeldDAV §8 Abs. 3, BMG §39a Abs. 2 S. 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class CallerReason(StrEnum):
    """Reasons about the request itself: in answers and refusals as well as in the ledger."""

    # Preconditions: preconditions.rego, melderegister.rego
    PHASE_UNKNOWN = "phase_unknown"
    CLIENT_UNKNOWN = "client_unknown"
    CATEGORY_UNKNOWN = "category_unknown"
    CATEGORY_NOT_SERVED = "category_not_served"
    MISSING_USER = "missing_user"
    MISSING_PURPOSE = "missing_purpose"
    MISSING_CASE_REFERENCE = "missing_case_reference"
    PURPOSE_UNKNOWN = "purpose_unknown"
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed"
    MISSING_KIND = "missing_kind"
    KIND_NOT_ALLOWED = "kind_not_allowed"
    KIND_RULES_PENDING = "kind_rules_pending"
    FIELDS_MALFORMED = "fields_malformed"
    NO_FIELDS_REQUESTED = "no_fields_requested"
    REGISTER_UNKNOWN = "register_unknown"
    REGISTER_MISMATCH = "register_mismatch"
    REGISTER_RULES_PENDING = "register_rules_pending"
    WILDCARD_IN_PERSON_SEARCH = "wildcard_in_person_search"
    HIT_LIMIT_EXCEEDED = "hit_limit_exceeded"
    SELECTION_CRITERION_EXCLUDED = "selection_criterion_excluded"
    SELECTION_CRITERION_NOT_ADMITTED = "selection_criterion_not_admitted"
    SELECTION_CRITERIA_MISSING = "selection_criteria_missing"
    CONFIRM_FIELDS_REQUESTED = "confirm_fields_requested"
    GEWERBE_TRANSFER_GROUND_MISSING = "gewerbe_transfer_ground_missing"
    GEWERBE_OWI_NOT_CRIMINAL_OFFENCE = "gewerbe_owi_not_criminal_offence"
    PSTR_RESEARCH_NOT_SERVED = "pstr_research_not_served"
    # Fields (fields.rego, transforms.rego; the first two also hub.query.minimise)
    FIELD_NOT_APPROVED = "field_not_approved"
    NO_RELEASABLE_FIELDS = "no_releasable_fields"
    FIELD_UNKNOWN = "field_unknown"
    FIELD_BEYOND_LEGAL_MAXIMUM = "field_beyond_legal_maximum"
    FIELD_NOT_IN_ALLOWLIST = "field_not_in_allowlist"
    IDNR_REQUIRES_SPECIAL_BASIS = "idnr_requires_special_basis"
    TRANSFORMATION_INVALID = "transformation_invalid"
    COARSER_VALUE_REQUIRED = "coarser_value_required"
    # Decision assembly (decision.rego)
    DENIED_BY_DEFAULT = "denied_by_default"
    # The 403 archive-law-applies names it: the caller must turn to the archive (PStG §61).
    PSTR_FORTFUEHRUNGSFRIST_ABGELAUFEN = "pstr_fortfuehrungsfrist_abgelaufen"


class InternalReason(StrEnum):
    """Reasons about hits (persons): in the ledger and the register office's tasks only."""

    NO_MATCH = "no_match"
    HITS_MALFORMED = "hits_malformed"
    # Melderegister holds, omissions and their grounds (melderegister.rego)
    AUSKUNFTSSPERRE = "auskunftssperre"
    AUSKUNFTSSPERRE_OMITTED = "auskunftssperre_omitted"
    AUSKUNFTSSPERRE_EXCEPTION_34A_6 = "auskunftssperre_exception_34a_6"
    NOTIFY_SPERRE_INITIATOR = "notify_sperre_initiator"
    FOLLOW_UP_WAIVED = "follow_up_waived"
    DATENBESTAETIGUNG_NEUTRAL = "datenbestaetigung_neutral"
    RELATED_PERSON_BLOCKED = "related_person_blocked"
    RELATED_PERSONS_UNKNOWN = "related_persons_unknown"
    BEDINGTER_SPERRVERMERK = "bedingter_sperrvermerk"
    BEDINGTER_SPERRVERMERK_ANHOERUNG = "bedingter_sperrvermerk_anhoerung"
    BEDINGTER_SPERRVERMERK_AKTUELLE_ANSCHRIFT = "bedingter_sperrvermerk_aktuelle_anschrift"
    ARCHIVE_RULE_13_2 = "archive_rule_13_2"
    ARCHIVE_EXCEPTION_EINWILLIGUNG = "archive_exception_einwilligung"
    ARCHIVE_EXCEPTION_WISSENSCHAFT = "archive_exception_wissenschaft"
    ARCHIVE_EXCEPTION_BEWEISNOT = "archive_exception_beweisnot"
    ARCHIVE_EXCEPTION_SICHERHEITSBEHOERDEN = "archive_exception_sicherheitsbehoerden"
    ARCHIVE_EXCEPTION_WAHLZWECKE = "archive_exception_wahlzwecke"
    ARCHIVE_EXCEPTION_STAG_VERFAHREN = "archive_exception_stag_verfahren"
    # Personenstand entries the Standesamt answers by hand (personenstandsregister.rego)
    PSTR_SPERRVERMERK = "pstr_sperrvermerk"
    PSTR_STILLGELEGT = "pstr_stillgelegt"
    PSTR_ADOPTION = "pstr_adoption"
    PSTR_SBGG = "pstr_sbgg"
    PSTR_ABSTAMMUNGSGUTACHTEN = "pstr_abstammungsgutachten"
    PSTR_HIT_FACTS_MALFORMED = "pstr_hit_facts_malformed"


_SHOWN = frozenset(CallerReason)


def caller_reasons(reasons: Iterable[str]) -> list[str]:
    """The reasons a caller may see, in their order; any other code stays in the ledger."""
    return [reason for reason in reasons if reason in _SHOWN]
