"""The DPO's search and chart forms: query strings in, the ledger's filters out, or errors.

Days are typed the German way (``31.01.2026``; ``2026-01-31`` works too) and count as whole
Berlin calendar days: ``to`` includes its day. Full ISO date-times are taken as given (``to``
exclusive, as in GET /v1/audit/entries). Messages are translated (hub.ui.i18n).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from hub.audit.ledger.reads import AUDIT_REGISTER, AuditFilters
from hub.audit.ledger.search import SORTS, Order, Position, day_position, decode_position
from hub.domain import LedgerKind, Outcome, QueryKind
from hub.errors import InvalidQuery
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
    "case": 200,
}
# Every outcome the ledger records (query path, ledger reads, token refusals, reviews, syncs,
# aggregates, publications), in hub.domain.Outcome's order (the order a DPO looks for them).
OUTCOME_LABELS = {
    Outcome.RELEASED: N_("released"),
    Outcome.NEUTRAL: N_("neutral"),
    Outcome.MANUAL: N_("manual"),
    Outcome.DENIED: N_("denied"),
    Outcome.ARCHIVE: N_("held: archived data (§13 Abs. 2 BMG)"),
    Outcome.INVALID: N_("invalid request"),
    Outcome.UNAUTHENTICATED: N_("not signed in (token refused)"),
    Outcome.FORBIDDEN: N_("scope missing"),
    Outcome.NOT_FOUND: N_("not found"),
    Outcome.STALE: N_("register not current"),
    Outcome.UPSTREAM_ERROR: N_("register unreachable"),
    Outcome.POLICY_UNAVAILABLE: N_("policy engine unavailable"),
    Outcome.ERROR: N_("hub error"),
    Outcome.REFUSED_AGGREGATED: N_("refused (aggregate only)"),
    Outcome.CLOSED: N_("closed"),
    Outcome.CONFLICT: N_("conflict (already done)"),
    Outcome.APPLIED: N_("applied (register sync)"),
    Outcome.PUBLISHED: N_("published (open data)"),
}
# What an entry was about, as the results table shows it: a query's kind or another ledger kind.
KIND_LABELS = {
    QueryKind.PERSON: N_("person"),
    QueryKind.FREE: N_("free"),
    QueryKind.CONFIRM: N_("confirm"),
    LedgerKind.READ: N_("read"),
    LedgerKind.REVIEW: N_("review case"),
    LedgerKind.CHANGES: N_("register changes"),
    LedgerKind.RELOAD: N_("mirror reloaded"),
    LedgerKind.OPENDATA: N_("open data publication"),
}
SORT_LABELS = {
    "time": N_("Time"),
    "authority": N_("Authority"),
    "purpose": N_("Purpose"),
    "outcome": N_("Outcome"),
    "register": N_("Register"),
}
# The choice filters: the form names the catalogue's codes, typed codes or titles in any case.
CHOICE_FILTERS = ("authority", "purpose", "register")
# A register record id as the register's import format allows it (the adapters check the
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
    order: Order = field(default_factory=Order)
    position: Position | None = None
    last: bool = False  # the last page (the oldest entries when newest first)

    def link(self, path: str = "/ui/audit", **changes: str) -> str:
        """``path`` with this search's filters, order and size, changed by ``changes``.

        A day to jump to is navigation, not a filter: it is never carried on.
        """
        kept = {name: value for name, value in self.values.items() if name != "at"}
        kept.update(changes)
        return f"{path}?{urlencode(sorted((k, v) for k, v in kept.items() if v))}"

    @property
    def paged(self) -> bool:
        """Whether the page shown is another than the first."""
        return self.position is not None or self.last


@dataclass(frozen=True, slots=True, kw_only=True)
class Choices:
    """Code -> title of what the choice filters offer (the catalogue's, the hub's registers)."""

    authority: dict[str, str]
    purpose: dict[str, str]
    register: dict[str, str]

    def resolve(self, name: str, typed: str) -> str | None:
        """The code a typed code or title means, in any case; None when nothing matches."""
        offered: dict[str, str] = getattr(self, name)
        if typed in offered:
            return typed
        folded = typed.casefold()
        for code, title in offered.items():
            if folded in {code.casefold(), title.casefold()}:
                return code
        return None


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


def parse_search(query: Mapping[str, str], choices: Choices) -> SearchForm:
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
    _resolve_choices(form, texts, choices)
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
    _order(form, query)
    _navigation(form, query)
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
        case_reference = texts.pop("case")
        form.filters = AuditFilters(
            from_=start,
            to=end,
            without_reads=scope == "disclosures",
            case_reference=case_reference,
            **texts,
        )
    return form


def _resolve_choices(form: SearchForm, texts: dict[str, str | None], choices: Choices) -> None:
    """Codes for what was typed or chosen; ``audit`` (the ledger's reads) is no choice."""
    for name in CHOICE_FILTERS:
        typed = texts[name]
        if typed is None or (name == "register" and typed == AUDIT_REGISTER):
            continue
        code = choices.resolve(name, typed)
        if code is None:
            form.errors.append(
                _("%(name)s: choose one of the listed entries.") % {"name": _label(name)}
            )
        texts[name] = form.values[name] = code or typed


def _order(form: SearchForm, query: Mapping[str, str]) -> None:
    key = query.get("sort", "").strip() or "time"
    direction = query.get("dir", "").strip() or "desc"
    if key not in SORTS or direction not in {"asc", "desc"}:
        form.errors.append(_("Sort: choose one of the column headings."))
        key, direction = "time", "desc"
    form.order = Order(key=key, descending=direction == "desc")
    form.values["sort"], form.values["dir"] = key, direction


def _navigation(form: SearchForm, query: Mapping[str, str]) -> None:
    """Which page: a cursor (next/previous), the last page, or a day to jump to."""
    cursor = query.get("cursor", "").strip()
    day = query.get("at", "").strip()
    form.last = query.get("page", "").strip() == "last"
    if len(cursor) > MAX_CURSOR:
        form.errors.append(_("Page: not a page of this search."))
    elif cursor:
        try:
            form.position = decode_position(cursor, form.order)
        except InvalidQuery:
            form.errors.append(_("Page: not a page of this search."))
    elif day:
        form.values["at"] = day
        try:
            parsed = parse_day(day)
        except ValueError:
            form.errors.append(_("%(name)s: not a date (DD.MM.YYYY)") % {"name": _("Go to day")})
            return
        if form.order.key != "time":  # a day is a place in time order only
            form.order = Order(descending=form.order.descending)
            form.values["sort"] = "time"
        start, end = berlin_midnight(parsed), berlin_midnight(parsed + timedelta(days=1))
        form.position = day_position(form.order, start, end)


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
    "case": N_("Case reference"),
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
