"""The workbenches' language: German by default, English per account; Berlin time.

Messages are gettext catalogues (Babel): English message ids in the code and templates,
``locale/<lang>/LC_MESSAGES/messages.po`` beside this module. The ``.po`` files are compiled
in memory when the module loads, so there is no build step to forget and no stale ``.mo``
(reading the ~1,000 messages takes a few milliseconds, once per process).

The language of the request lives in a context variable: set once per request (the signed-in
account's choice, else German) and read by ``gettext`` in Python and in the templates alike.
"""

from __future__ import annotations

import gettext as gnu_gettext
import io
from contextvars import ContextVar
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
LANGUAGES: Final = {"de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE: Final = "de"
BERLIN: Final = ZoneInfo("Europe/Berlin")
DATE_PATTERNS: Final = {"de": "dd.MM.yyyy", "en": "yyyy-MM-dd"}
TIME_PATTERNS: Final = {"de": "dd.MM.yyyy, HH:mm:ss", "en": "yyyy-MM-dd HH:mm:ss"}

_language: ContextVar[str] = ContextVar("ui_language", default=DEFAULT_LANGUAGE)


def _compiled(language: str) -> gnu_gettext.NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gnu_gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gnu_gettext.GNUTranslations(buffer)


TRANSLATIONS: Final = {language: _compiled(language) for language in LANGUAGES}


def chosen(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def use_language(language: str | None) -> None:
    """The language of the rest of this request (its task's context)."""
    _language.set(chosen(language))


def current_language() -> str:
    return _language.get()


def gettext(message: str) -> str:
    return TRANSLATIONS[_language.get()].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return TRANSLATIONS[_language.get()].ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate later"
    """Marks a module-level label for extraction; translated where it is shown."""
    return message


def _moment(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local_time(value: datetime | str | None) -> str:
    """A stored UTC instant as Berlin wall-clock time, in the reader's format."""
    if value is None or value == "":
        return ""
    language = _language.get()
    return format_datetime(_moment(value), TIME_PATTERNS[language], tzinfo=BERLIN, locale=language)


def local_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    language = _language.get()
    if isinstance(value, str):
        value = _moment(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = _moment(value).astimezone(BERLIN).date()
    return format_date(value, DATE_PATTERNS[language], locale=language)


def parse_day(raw: str) -> date:
    """A day as typed: ``31.01.2026`` (German) or ``2026-01-31``; ValueError otherwise."""
    text = raw.strip()
    if "." in text:
        day, month, year = text.split(".")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(text)


def berlin_midnight(day: date) -> datetime:
    """The UTC instant a Berlin day starts (23:00 or 22:00 UTC the day before)."""
    return datetime(day.year, day.month, day.day, tzinfo=BERLIN).astimezone(UTC)
