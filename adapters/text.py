"""Which characters a caller's text may hold, and its one normal form (NFC).

Control, format (zero-width, bidi overrides and isolates, soft hyphen, BOM), surrogate and
line/paragraph separator characters are invisible or change how text compares and displays:
a name with one of them is not the name it looks like, so it is refused, never searched for
or stripped. Stdlib only: the hub's JSON and XML readers and the register imports share it.
"""

from __future__ import annotations

import unicodedata

# Cc control, Cf format (U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF, U+00AD, ...),
# Cs lone surrogates (only reachable through "\ud800" escapes), Zl/Zp line/paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Free text (notes, descriptions, reasons) may span lines; names and ids may not.
_LINE_BREAKS = frozenset("\t\n\r")


_UNNAMED = {"Cc": "(control character)", "Cs": "(surrogate)"}


def describe_character(character: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: the code point, never the surrounding value."""
    category = unicodedata.category(character)
    name = unicodedata.name(character, "") or _UNNAMED.get(category, f"({category})")
    return f"U+{ord(character):04X} {name}"


def refused_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character ``value`` may not hold, described; None if it is clean."""
    if value.isascii() and value.isprintable():  # the common case, checked in C
        return None
    for character in value:
        if multiline and character in _LINE_BREAKS:
            continue
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            return describe_character(character)
    return None


def nfc(value: str) -> str:
    """The NFC form (composed: "u" + U+0308 becomes "ü"), the form registers store."""
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def compatibility_character(value: str) -> str | None:
    """The first character NFKC would replace (fullwidth letters, ligatures, ...), or None.

    Name matching folds with NFKD, so a fullwidth "Weber" (U+FF37 ...) would find "Weber":
    a search value must already be in its compatibility-stable form to be searched for.
    """
    if value.isascii() or unicodedata.is_normalized("NFKC", value):
        return None
    for character in value:
        if unicodedata.normalize("NFKC", character) != character:
            return describe_character(character)
    return None
