"""When a ledger entry falls due for deletion, by retention class.

The periods: Melderegister logs at least 12 months, deleted by the end of the following
calendar year (BMG §40 Abs. 5); Gewerberegister logs 6 months (GewO §14 Abs. 11); IdNr
transmissions 2 years (IDNrG §9 Abs. 3). The Personenstandsregister and the decision log
have no period in law and keep the Melderegister's (own interpretation).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

# Calendar years are German ones: an entry at 23:30 UTC on 31 Dec belongs to the next year.
LOCAL = ZoneInfo("Europe/Berlin")
# Kept ≥ 12 months, deleted by the end of the calendar year following the year of storage.
END_OF_FOLLOWING_YEAR = frozenset({"L-MELDE", "L-MELDE-SEC", "L-PSTR", "L-DECISION"})
MONTHS = {"L-GEWERBE": 6, "L-IDNR": 24}


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; the hub stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _add_months(value: datetime, months: int) -> datetime:
    total = value.month - 1 + months
    year, month = value.year + total // 12, total % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def delete_from(retention_class: str, occurred_at: datetime) -> datetime | None:
    """The first instant the entry may (and must) be deleted; None for an unknown class."""
    stored = _aware(occurred_at)
    if retention_class in END_OF_FOLLOWING_YEAR:
        year = stored.astimezone(LOCAL).year
        return datetime(year + 2, 1, 1, tzinfo=LOCAL)
    months = MONTHS.get(retention_class)
    return None if months is None else _add_months(stored, months)


def oldest_kept(retention_class: str, now: datetime) -> datetime | None:
    """The oldest storage time ``retention_class`` still keeps as of ``now`` (see delete_from)."""
    if retention_class in END_OF_FOLLOWING_YEAR:
        return datetime(_aware(now).astimezone(LOCAL).year - 1, 1, 1, tzinfo=LOCAL)
    months = MONTHS.get(retention_class)
    return None if months is None else _add_months(_aware(now), -months)


def is_due(retention_class: str, occurred_at: datetime, now: datetime) -> bool:
    cutoff = delete_from(retention_class, occurred_at)
    return cutoff is not None and _aware(now) >= cutoff
