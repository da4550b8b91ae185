"""The workbenches' German: every message translated, Berlin time, German dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from hub.domain import LedgerKind, QueryKind
from hub.ui import i18n
from hub.ui.audit.forms import KIND_LABELS
from tests.fixtures.paths import REPO

KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}
METHODS = [("hub/ui/**.py", "python"), ("hub/ui/templates/**.html", "jinja2")]
OPTIONS = {"hub/ui/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def test_every_message_of_the_code_and_templates_has_its_german() -> None:
    """babel.cfg's extraction, checked: a new English text without German fails here."""
    path = i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="de")
    missing = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        REPO, METHODS, OPTIONS, keywords=KEYWORDS
    ):
        key = message[0] if isinstance(message, tuple) else message
        found = catalog.get(key)
        if found is None or not found.string or found.fuzzy:
            missing.append(key)
    assert missing == []


@pytest.mark.parametrize(
    ("stored", "german"),
    [
        ("2026-12-06T23:30:00.000000Z", "07.12.2026, 00:30:00"),  # winter: UTC+1
        ("2026-07-01T22:15:00+00:00", "02.07.2026, 00:15:00"),  # summer: UTC+2
    ],
)
def test_times_are_berlin_wall_clock_in_german_format(stored: str, german: str) -> None:
    i18n.use_language("de")
    assert i18n.local_time(stored) == german
    i18n.use_language("en")
    assert i18n.local_time(stored).startswith(german[6:10])  # ISO order in English
    i18n.use_language(None)


def test_days_are_typed_and_shown_the_german_way() -> None:
    assert i18n.parse_day("31.01.2026") == date(2026, 1, 31)
    assert i18n.parse_day("2026-01-31") == date(2026, 1, 31)
    with pytest.raises(ValueError, match="day is out of range"):
        i18n.parse_day("31.02.2026")
    i18n.use_language("de")
    assert i18n.local_date("2026-01-31") == "31.01.2026"
    # A Berlin day starts at 23:00 UTC the day before in winter.
    assert i18n.berlin_midnight(date(2026, 1, 31)) == datetime(2026, 1, 30, 23, tzinfo=UTC)


def test_unknown_language_falls_back_to_german() -> None:
    i18n.use_language("fr")
    assert i18n.current_language() == "de"
    assert i18n.gettext("Sign in") == "Anmelden"


def test_every_kind_of_ledger_entry_has_a_label_the_dpo_reads_in_german() -> None:
    """The results table shows an entry's kind through KIND_LABELS: every kind is listed."""
    assert set(KIND_LABELS) == {*QueryKind, *LedgerKind}
    i18n.use_language("de")
    try:
        german = {i18n.gettext(label) for label in KIND_LABELS.values()}
    finally:
        i18n.use_language(None)
    assert not german & set(KIND_LABELS.values())  # each one translated
