"""Anomaly rules over the access ledger : what a DPO looks for.

Pure functions over ledger events; the SQL that narrows a large ledger down to candidate
subjects lives in ``hub.audit.review.repository``. Each rule counts distinct keys per
subject inside a sliding time window; where the count reaches the rule's threshold the
events of that window become a finding, overlapping windows one finding.

Only register queries count: not the ledger's own reads (register ``audit``) and not the
token layer's refusals (``AUTH_FAILURE_OUTCOMES``: no client or no scope, nothing queried).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from hub.config import AnomalySettings
from hub.domain import Outcome

AUTH_FAILURE_OUTCOMES = frozenset({Outcome.UNAUTHENTICATED, Outcome.FORBIDDEN})
NEUTRAL = Outcome.NEUTRAL

UNRELATED_PERSONS = "unrelated_persons"
OFF_HOURS_BULK = "off_hours_bulk"
REPEATED_NEUTRAL = "repeated_neutral"
MANY_AUTHORITIES = "many_authorities"
CASE_REFERENCE_PERSONS = "case_reference_persons"
CASE_REFERENCE_CLIENTS = "case_reference_clients"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One counted row: an entry (per hit person where the rule counts persons)."""

    occurred_at: datetime
    seq: int
    entry_id: str
    subject: tuple[str, ...]
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A rule as data: what it groups by, what it counts and when that is too much.

    ``subject`` and ``keys`` name the repository's columns; every key must reach
    ``threshold`` distinct values within ``window``. ``persons``: count over the hit
    persons (the person index) instead of over entries.
    """

    code: str
    subject_kind: str
    subject: tuple[str, ...]
    keys: tuple[str, ...]
    threshold: int
    window: timedelta
    persons: bool
    describe: Callable[[dict[str, str], int, Rule], str]
    outcome: str | None = None
    off_hours: AnomalySettings | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule: Rule
    subject: dict[str, str]
    window_start: datetime
    window_end: datetime
    entries: tuple[tuple[int, str], ...]  # (seq, entry_id) in chain order, each once
    observed: int

    @property
    def first_seq(self) -> int:
        return self.entries[0][0]

    @property
    def last_seq(self) -> int:
        return self.entries[-1][0]

    @property
    def subject_key(self) -> str:
        return subject_key(self.rule.code, self.subject)

    @property
    def subject_kind(self) -> str:
        if self.rule.subject_kind == "user" and "user_id" not in self.subject:
            return "client"
        return self.rule.subject_kind

    @property
    def severity(self) -> str:
        return severity(self.observed, self.rule.threshold)

    @property
    def summary(self) -> str:
        return self.rule.describe(self.subject, self.observed, self.rule)[:1000]


def subject_key(rule: str, subject: dict[str, str]) -> str:
    canonical = json.dumps([rule, subject], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def severity(observed: int, threshold: int) -> str:
    ratio = observed / threshold
    if ratio >= 3:  # noqa: PLR2004 - three times the threshold
        return "high"
    return "medium" if ratio >= 2 else "low"  # noqa: PLR2004


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


@cache
def hessen_holidays(year: int) -> frozenset[date]:
    """Public holidays of Hessen (Hessisches Feiertagsgesetz §1)."""
    easter = easter_sunday(year)
    # Karfreitag, Ostermontag, Christi Himmelfahrt, Pfingstmontag, Fronleichnam
    movable = (-2, 1, 39, 50, 60)
    fixed = ((1, 1), (5, 1), (10, 3), (12, 25), (12, 26))
    return frozenset(
        [easter + timedelta(days=offset) for offset in movable]
        + [date(year, month, day) for month, day in fixed]
    )


def is_office_time(moment: datetime, hours: AnomalySettings) -> bool:
    """Within office hours in the configured zone; weekends and holidays never are."""
    local = moment.astimezone(ZoneInfo(hours.timezone))
    if local.isoweekday() not in hours.office_days:
        return False
    if hours.public_holidays == "hessen" and local.date() in hessen_holidays(local.year):
        return False
    return hours.office_hours_start <= local.time().replace(tzinfo=None) < hours.office_hours_end


@dataclass(slots=True)
class _Burst:
    start: int
    end: int
    observed: int


def find_bursts(events: Sequence[Event], *, window: timedelta, threshold: int) -> list[_Burst]:
    """Index ranges of time-ordered events that reach the threshold.

    A range qualifies where some window (t - window, t] holds at least ``threshold``
    distinct values of every key; ranges that share events are merged.
    """
    if not events:
        return []
    counters: list[Counter[str]] = [Counter() for _ in events[0].keys]
    bursts: list[_Burst] = []
    left = 0
    for right, event in enumerate(events):
        for counter, key in zip(counters, event.keys, strict=True):
            counter[key] += 1
        while event.occurred_at - events[left].occurred_at >= window:
            for counter, key in zip(counters, events[left].keys, strict=True):
                counter[key] -= 1
                if not counter[key]:
                    del counter[key]
            left += 1
        observed = min(len(counter) for counter in counters)
        if observed < threshold:
            continue
        if bursts and left <= bursts[-1].end:
            bursts[-1].end = right
            bursts[-1].observed = max(bursts[-1].observed, observed)
        else:
            bursts.append(_Burst(start=left, end=right, observed=observed))
    return bursts


def evaluate(rule: Rule, events: Iterable[Event]) -> list[Finding]:
    """Findings of one rule; ``events`` ordered by subject, then time and seq."""
    findings: list[Finding] = []
    for subject, group in groupby(events, key=lambda event: event.subject):
        timeline = list(group)
        if rule.off_hours is not None:
            hours = rule.off_hours
            timeline = [e for e in timeline if not is_office_time(e.occurred_at, hours)]
        names = dict(zip(rule.subject, subject, strict=True))
        subject_ids = {name: value for name, value in names.items() if value}
        for burst in find_bursts(timeline, window=rule.window, threshold=rule.threshold):
            chosen = timeline[burst.start : burst.end + 1]
            findings.append(
                Finding(
                    rule=rule,
                    subject=subject_ids,
                    window_start=chosen[0].occurred_at,
                    window_end=chosen[-1].occurred_at,
                    entries=tuple(sorted({(e.seq, e.entry_id) for e in chosen})),
                    observed=burst.observed,
                )
            )
    return findings


def _who(subject: dict[str, str]) -> str:
    client = subject.get("client_id", "?")
    user = subject.get("user_id")
    return f"user {user!r} of client {client!r}" if user else f"client {client!r} (no user id)"


def _span(window: timedelta) -> str:
    minutes = window.total_seconds() / 60
    return f"{minutes:g} min" if minutes < 120 else f"{minutes / 60:g} h"  # noqa: PLR2004


def _unrelated(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"{_who(subject)} reached {observed} distinct persons under as many different case "
        f"references within {_span(rule.window)} (threshold {rule.threshold})"
    )


def _off_hours(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"{_who(subject)} sent {observed} register queries outside office hours within "
        f"{_span(rule.window)} (threshold {rule.threshold})"
    )


def _person(subject: dict[str, str]) -> str:
    return f"person {subject.get('person_id', '?')!r} of the {subject.get('register', '?')}"


def _neutral(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"{observed} neutral answers about {_person(subject)} within {_span(rule.window)} "
        f"(threshold {rule.threshold}): repeated attempts to reach a blocked person?"
    )


def _authorities(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"{_person(subject)} was queried by {observed} different authorities within "
        f"{_span(rule.window)} (threshold {rule.threshold})"
    )


def _case_persons(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"case reference {subject.get('case_reference', '?')!r} of client "
        f"{subject.get('client_id', '?')!r} was used for {observed} distinct persons within "
        f"{_span(rule.window)} (threshold {rule.threshold})"
    )


def _case_clients(subject: dict[str, str], observed: int, rule: Rule) -> str:
    return (
        f"case reference {subject.get('case_reference', '?')!r} was used by {observed} "
        f"different clients within {_span(rule.window)} (threshold {rule.threshold})"
    )


def _parameters(threshold: int, window: timedelta, **extra: Any) -> dict[str, Any]:
    return {"threshold": threshold, "window_seconds": window.total_seconds(), **extra}


def rules(settings: AnomalySettings) -> tuple[Rule, ...]:
    """The rules with the configured thresholds (``HUB_ANOMALY__...``)."""
    s = settings
    user = ("client_id", "user_id")
    person = ("register", "person_id")
    windows = {
        UNRELATED_PERSONS: timedelta(hours=s.unrelated_persons_hours),
        OFF_HOURS_BULK: timedelta(minutes=s.off_hours_window_minutes),
        REPEATED_NEUTRAL: timedelta(hours=s.neutral_per_person_hours),
        MANY_AUTHORITIES: timedelta(hours=s.authorities_per_person_hours),
        CASE_REFERENCE_PERSONS: timedelta(hours=s.case_reference_hours),
    }
    office = {
        "office_hours": f"{s.office_hours_start:%H:%M}-{s.office_hours_end:%H:%M}",
        "office_days": list(s.office_days),
        "public_holidays": s.public_holidays,
        "timezone": s.timezone,
    }
    specs: list[tuple[str, str, tuple[str, ...], tuple[str, ...], int, bool, Any]] = [
        (UNRELATED_PERSONS, "user", user, ("person", "case_or_entry"), s.unrelated_persons,
         True, _unrelated),
        (OFF_HOURS_BULK, "user", user, ("entry_id",), s.off_hours_queries, False, _off_hours),
        (REPEATED_NEUTRAL, "person", person, ("entry_id",), s.neutral_per_person, True,
         _neutral),
        (MANY_AUTHORITIES, "person", person, ("authority",), s.authorities_per_person, True,
         _authorities),
        (CASE_REFERENCE_PERSONS, "case_reference", ("client_id", "case_reference"),
         ("person",), s.persons_per_case_reference, True, _case_persons),
        (CASE_REFERENCE_CLIENTS, "case_reference", ("case_reference",), ("client_id",),
         s.clients_per_case_reference, False, _case_clients),
    ]  # fmt: skip
    built = []
    for code, kind, subject, keys, threshold, persons, describe in specs:
        window = windows.get(code, windows[CASE_REFERENCE_PERSONS])
        off_hours = code == OFF_HOURS_BULK
        built.append(
            Rule(
                code=code,
                subject_kind=kind,
                subject=subject,
                keys=keys,
                threshold=threshold,
                window=window,
                persons=persons,
                describe=describe,
                outcome=NEUTRAL if code == REPEATED_NEUTRAL else None,
                off_hours=s if off_hours else None,
                parameters=_parameters(threshold, window, **(office if off_hours else {})),
            )
        )
    return tuple(built)
