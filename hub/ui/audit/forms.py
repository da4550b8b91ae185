"""The DPO's search and chart forms: query strings in, CONTRACT §7 filters out, or errors.

Days are typed the German way (``31.01.2026``; ``2026-01-31`` works too) and count as whole
Berlin calendar days: ``to`` includes its day. Full ISO date-times are taken as given (``to``
exclusive, as in GET /v1/audit/entries). Messages are translated (hub.ui.i18n).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hub.audit.reads import AUDIT_REGISTER, AuditFilters
from hub.ui.i18n import N_, berlin_midnight, parse_day
from hub.ui.i18n import gettext as _

TEXT_FILTERS = {
    "authority": 64,
    "client": 64,
    "user": 200,
    "purpose": 64,
    "register": 64,
    "outcome": 32,
    "person": 64,
}
# A register record id as the import format allows it (CONTRACT §5; the adapters check the
# same form): no blanks, no umlauts, at most 64 characters. Anything else is no person id.
PERSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# Which entries a search shows: disclosures (default), the DPO's own reads, or both.
SCOPES = ("disclosures", "reads", "all")
SCOPE_LABELS = {
    "disclosures": N_("disclosures (register calls)"),
    "reads": N_("reads of the ledger (DPO)"),
    "all": N_("both"),
}
PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
DEFAULT_CHART_DAYS = 14
MAX_CHART_DAYS = 92
MAX_CURSOR = 500


@dataclass(kw_only=True)
class SearchForm:
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    filters: AuditFilters = field(default_factory=AuditFilters)
    limit: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None


def _moment(name: str, raw: str, *, end: bool, errors: list[str]) -> datetime | None:
    try:
        if len(raw) <= len("2026-01-31"):
            day = parse_day(raw)
            return berlin_midnight(day + timedelta(days=1) if end else day)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        errors.append(_("%(name)s: not a date (DD.MM.YYYY)") % {"name": _label(name)})
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def parse_search(query: Mapping[str, str]) -> SearchForm:
    form = SearchForm()
    values = {key: query.get(key, "").strip() for key in ("from", "to", *TEXT_FILTERS)}
    form.values = values
    texts: dict[str, str | None] = {}
    for name, bound in TEXT_FILTERS.items():
        value = values[name]
        if len(value) > bound:
            form.errors.append(
                _("%(name)s: at most %(count)d characters") % {"name": _label(name), "count": bound}
            )
        texts[name] = value or None
    start = (
        _moment("from", values["from"], end=False, errors=form.errors) if values["from"] else None
    )
    end = _moment("to", values["to"], end=True, errors=form.errors) if values["to"] else None
    if start is not None and end is not None and end <= start:
        form.errors.append(_("To: must not be before From."))
    limit = query.get("limit", "").strip()
    if limit:
        if limit.isdigit() and int(limit) in PAGE_SIZES:
            form.limit = int(limit)
        else:
            form.errors.append(
                _("Per page: one of %(sizes)s") % {"sizes": ", ".join(map(str, PAGE_SIZES))}
            )
    form.values["limit"] = str(form.limit)
    cursor = query.get("cursor", "").strip()
    if len(cursor) > MAX_CURSOR:
        form.errors.append(_("Page: not a page of this search."))
    form.cursor = cursor or None
    scope = _scope(values, query.get("scope", "").strip(), form.errors)
    person = texts["person"]
    if person is not None and not PERSON_ID.fullmatch(person):
        # Checked before anything is read or recorded: a name is no person id.
        form.errors.append(
            _("Person ID: not a person id (letters, digits, '.', '_', '-'; no names).")
        )
    if not form.errors:
        if scope == "reads":
            texts["register"] = AUDIT_REGISTER
        form.filters = AuditFilters(
            from_=start, to=end, without_reads=scope == "disclosures", **texts
        )
    return form


def _scope(values: dict[str, str], raw: str, errors: list[str]) -> str:
    scope = raw or SCOPES[0]
    values["scope"] = scope
    if scope not in SCOPES:
        errors.append(_("Show: choose one of the listed options."))
    elif scope == "reads" and values["register"] not in {"", AUDIT_REGISTER}:
        errors.append(_("Register: reads of the ledger are in no register; leave it empty."))
    elif scope == "disclosures" and values["register"] == AUDIT_REGISTER:
        errors.append(_("Register: 'audit' holds only reads; choose “Show: reads of the ledger”."))
    return scope


LABELS = {
    "from": N_("From"),
    "to": N_("To"),
    "authority": N_("Authority"),
    "client": N_("Client"),
    "user": N_("User"),
    "purpose": N_("Purpose"),
    "register": N_("Register"),
    "outcome": N_("Outcome"),
    "person": N_("Person ID"),
}


def _label(name: str) -> str:
    return _(LABELS.get(name, name))


@dataclass(kw_only=True)
class ChartForm:
    start: date
    end: date  # inclusive
    errors: list[str] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        return berlin_midnight(self.start), berlin_midnight(self.end + timedelta(days=1))


def parse_chart(query: Mapping[str, str], *, today: date) -> ChartForm:
    errors: list[str] = []
    parsed: dict[str, date] = {}
    for name in ("from", "to"):
        raw = query.get(name, "").strip()
        if raw:
            try:
                parsed[name] = parse_day(raw)
            except ValueError:
                errors.append(_("%(name)s: not a date (DD.MM.YYYY)") % {"name": _label(name)})
    end = parsed.get("to", today)
    start = parsed.get("from", end - timedelta(days=DEFAULT_CHART_DAYS - 1))
    if end < start:
        errors.append(_("To: must not be before From."))
    elif (end - start).days + 1 > MAX_CHART_DAYS:
        errors.append(_("From/To: at most %(days)d days") % {"days": MAX_CHART_DAYS})
    if errors:
        end = today
        start = end - timedelta(days=DEFAULT_CHART_DAYS - 1)
    return ChartForm(start=start, end=end, errors=errors)
