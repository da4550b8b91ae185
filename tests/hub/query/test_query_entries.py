"""The query's ledger entry is built from what its steps returned (hub.query.entries)."""

from __future__ import annotations

import inspect

from hub import errors
from hub.audit.ledger.service import LedgerRecord
from hub.domain import Outcome, QueryKind
from hub.errors import HubError
from hub.policy.schemas import Decision
from hub.query import entries
from hub.query.entries import AskedQuery, Progress


def _base() -> LedgerRecord:
    return LedgerRecord(
        request_id="r-1",
        register="melderegister",
        outcome=Outcome.INVALID,
        http_status=400,
        client_id="c-1",
        authority="wohngeldstelle",
    )


def _asked() -> AskedQuery:
    return AskedQuery(
        request_id="r-1",
        register="melderegister",
        client_id="c-1",
        authority="wohngeldstelle",
        authority_category="city_office",
        user_id="m.schmidt",
        user_roles=(),
        user_roles_ignored=("behoerdenleitung",),
        purpose="wohngeld_antrag",
        case_reference="WG-1",
        kind=QueryKind.PERSON,
        fields_requested=("name", "birth"),
        catalogue_revision=7,
    )


def _released_decision() -> Decision:
    return Decision(
        outcome=Outcome.RELEASED,
        fields=["name", "birth"],
        withheld=[],
        reasons=["auskunftssperre_exception_34a_6"],
        legal_basis=["BMG §37 Abs. 1"],
        transforms={"birth": "year"},
    )


def _hand_made_outcome(error: type[HubError]) -> Outcome:
    """How the query service mapped errors to outcomes before errors named their own."""
    if issubclass(error, errors.ArchiveLawApplies):
        return Outcome.ARCHIVE
    if issubclass(error, errors.AccessDenied):
        return Outcome.DENIED
    if issubclass(error, errors.PolicyUnavailable):
        return Outcome.POLICY_UNAVAILABLE
    if issubclass(error, errors.RegisterStale):
        return Outcome.STALE
    if issubclass(error, errors.RegisterUnavailable | errors.RegisterTimeout):
        return Outcome.UPSTREAM_ERROR
    return Outcome.INVALID if error.status < 500 else Outcome.ERROR


def test_every_error_a_query_can_end_with_keeps_its_outcome() -> None:
    """The class attribute gives what the hand-made mapping gave (the ledger is unchanged).

    Token refusals and review cases were ledgered elsewhere with their own outcomes.
    """
    elsewhere = {
        errors.Unauthenticated,
        errors.InsufficientScope,
        errors.ReviewCaseNotFound,
        errors.ReviewCaseClosed,
    }
    for _name, cls in inspect.getmembers(errors, inspect.isclass):
        if issubclass(cls, HubError) and cls not in elsewhere:
            assert cls.outcome == _hand_made_outcome(cls), cls.__name__


def test_an_early_end_keeps_what_the_endpoint_knew() -> None:
    entry = entries.rejected(_base(), Progress(), errors.RegisterTimeout("late"))
    assert (entry.outcome, entry.http_status) == (Outcome.UPSTREAM_ERROR, 504)
    assert (entry.request_id, entry.client_id, entry.catalogue_revision) == ("r-1", "c-1", None)
    assert entry.decision_id is None


def test_a_status_override_is_the_recorded_status() -> None:
    entry = entries.rejected(
        _base(), Progress(), errors.OAuthError("invalid_client", "x", status=401)
    )
    assert (entry.outcome, entry.http_status) == (Outcome.INVALID, 401)


def test_a_released_entry_names_request_decision_and_persons() -> None:
    progress = Progress(catalogue_revision=7, asked=_asked())
    progress.ruling = entries.rule(_released_decision())
    progress.hit_person_ids = ("P-1", "P-2")
    entry = entries.released(_base(), progress, person_ids=["P-1"], hit_ids=["h-1"])
    assert (entry.outcome, entry.http_status) == (Outcome.RELEASED, 200)
    assert entry.user_roles_ignored == ["behoerdenleitung"]
    assert (entry.kind, entry.fields_requested) == ("person", ["name", "birth"])
    assert entry.fields_released == ["name", "birth"]
    assert entry.fields_transformed == {"birth": "year"}
    assert entry.decision_id == progress.ruling.decision_id
    assert (entry.hit_person_ids, entry.released_person_ids, entry.hit_ids) == (
        ["P-1", "P-2"],
        ["P-1"],
        ["h-1"],
    )


def test_an_answer_that_cannot_be_sent_records_nothing_released() -> None:
    progress = Progress(catalogue_revision=7, asked=_asked())
    progress.ruling = entries.rule(_released_decision())
    progress.answer_failed()
    entry = entries.rejected(_base(), progress, errors.InternalFailure("render"))
    assert (entry.outcome, entry.http_status) == (Outcome.ERROR, 500)
    assert (entry.fields_released, entry.released_person_ids, entry.hit_ids) == ([], [], [])
    assert entry.decision_id is not None


def test_neutral_and_confirmed_entries_release_no_field() -> None:
    progress = Progress(catalogue_revision=7, asked=_asked())
    progress.ruling = entries.rule(_released_decision())
    confirmed = entries.confirmed(_base(), progress, person_ids=["P-1"])
    assert (confirmed.outcome, confirmed.fields_released) == (Outcome.RELEASED, [])
    assert (confirmed.fields_transformed, confirmed.released_person_ids) == (None, ["P-1"])
    neutral = entries.neutral(_base(), progress)
    assert (neutral.outcome, neutral.fields_released, neutral.fields_transformed) == (
        Outcome.NEUTRAL,
        [],
        None,
    )
    assert neutral.reasons == ["auskunftssperre_exception_34a_6"]  # the ledger keeps them all
