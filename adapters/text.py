"""Which characters a caller's text may hold, and its one normal form (NFC).

Control, format (zero-width, bidi overrides and isolates, soft hyphen, BOM), surrogate and
line/paragraph separator characters are invisible or change how text compares and displays:
a name with one of them is not the name it looks like, so it is refused, never searched for
or stripped. Stdlib only: the hub's JSON and XML readers and the register imports share it.
"""

from __future__ import annotations

import re
import unicodedata

# Cc control, Cf format (U+200B..U+200F, U+202A..U+202E, U+2066..U+2069, U+FEFF, U+00AD, ...),
# Cs lone surrogates (only reachable through "\ud800" escapes), Zl/Zp line/paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# The code points of those categories (Unicode 14, Python 3.11) as ranges, so that a check
# runs in the regex engine: register imports check every line. A test compares them with
# unicodedata over the whole code space.
REFUSED_RANGES = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C),
    (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E),
    (0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xD800, 0xDFFF),
    (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)  # fmt: skip
_CLASS = "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in REFUSED_RANGES)
_REFUSED = re.compile(f"[{_CLASS}]")
# Free text (notes, descriptions, reasons) may span lines; names and ids may not.
_REFUSED_IN_TEXT = re.compile(f"(?![\t\n\r])[{_CLASS}]")


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
    found = (_REFUSED_IN_TEXT if multiline else _REFUSED).search(value)
    return None if found is None else describe_character(found.group())


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
