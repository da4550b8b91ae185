"""Name matching for the Melderegister person search (BMG §38).

Registers compare names after folding them to a plain ASCII form (DIN 91379 Latin
letters to their base letters) and, for tolerant searches, by Kölner Phonetik code.
Everything here is pure and stdlib only so it can be tested in isolation.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from adapters.lookup import contains_wildcard

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "contains_wildcard",
    "given_names_match",
    "koelner_phonetik",
    "normalise_name",
    "surname_matches",
]

# German transliteration, applied only for exact comparison ("Müller" == "Mueller").
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})

# Letters that NFKD does not reduce to an ASCII base letter. Applied before NFKD,
# because NFKD would turn "ŀ" into "l·" and the middle dot into a word break.
_NON_DECOMPOSING = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "ŀ": "l",
        "ŧ": "t",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ŋ": "n",
        "ĸ": "k",
        "\u017f": "s",  # long s
        "ß": "ss",
    },
)

_NOT_LETTER = re.compile(r"[^a-z]+")


def _fold(value: str, *, german: bool) -> str:
    """Fold to lower-case ASCII words separated by single spaces."""
    text = unicodedata.normalize("NFC", value).casefold()  # casefold: "ß"/"ẞ" -> "ss"
    if german:
        text = text.translate(_GERMAN)
    text = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Hyphens, apostrophes, dots and non-Latin letters all become word breaks.
    return _NOT_LETTER.sub(" ", text).strip()


def normalise_name(value: str) -> str:
    """Return the exact-comparison form of a name; contains only ``[a-z ]``."""
    return _fold(value, german=True)


def _code_letter(prev: str, char: str, nxt: str) -> str:  # noqa: C901, PLR0911
    """Kölner Phonetik code of one letter given its neighbours ("" at word edges)."""
    if char in "aeijouy":
        return "0"
    if char in "bp":
        return "3" if char == "p" and nxt == "h" else "1"
    if char in "dt":
        return "8" if nxt in {"c", "s", "z"} else "2"
    if char in "fvw":
        return "3"
    if char in "gkq":
        return "4"
    if char == "c":
        if not prev:
            return "4" if nxt in set("ahkloqrux") else "8"
        return "4" if nxt in set("ahkoqux") and prev not in {"s", "z"} else "8"
    if char == "x":
        return "8" if prev in {"c", "k", "q"} else "48"
    if char == "l":
        return "5"
    if char in "mn":
        return "6"
    if char == "r":
        return "7"
    if char in "sz":
        return "8"
    return ""  # "h" carries no code


def _code_word(word: str) -> str:
    raw = "".join(
        _code_letter(word[i - 1] if i else "", ch, word[i + 1 : i + 2]) for i, ch in enumerate(word)
    )
    collapsed = [d for i, d in enumerate(raw) if i == 0 or d != raw[i - 1]]
    if not collapsed:
        return ""
    return collapsed[0] + "".join(d for d in collapsed[1:] if d != "0")


def koelner_phonetik(value: str) -> str:
    """Kölner Phonetik (Postel 1969); words are coded separately and space-joined.

    Diacritics are folded to the base letter (ä -> a, ß -> ss, which codes like a
    single s). Words that yield no code (e.g. "H") are left out.
    """
    codes = (_code_word(word) for word in _fold(value, german=False).split())
    return " ".join(code for code in codes if code)


def _word_keys(value: str) -> list[tuple[str, str]]:
    """Pair each word's normalised form with its phonetic code.

    Both foldings only replace letters by letters, so their words line up.
    """
    exact = _fold(value, german=True).split()
    plain = _fold(value, german=False).split()
    return [(e, _code_word(p)) for e, p in zip(exact, plain, strict=True)]


def _keys_match(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] == b[0] or (bool(a[1]) and a[1] == b[1])


def given_names_match(query: str, candidates: Sequence[str], *, phonetic: bool = True) -> bool:
    """Every query given name must match some word of the candidate's given names.

    ``phonetic=False``: normalised spelling only (data to confirm, BMG §39a).
    """
    wanted = _word_keys(query)
    available = [key for name in candidates for key in _word_keys(name)]

    def same(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return _keys_match(a, b) if phonetic else a[0] == b[0]

    return bool(wanted) and all(any(same(w, a) for a in available) for w in wanted)


def surname_matches(query: str, candidate: str) -> bool:
    """Exact match after normalisation, or the same Kölner Phonetik code."""
    wanted = normalise_name(query)
    if not wanted:
        return False
    if wanted == normalise_name(candidate):
        return True
    code = koelner_phonetik(query)
    return bool(code) and code == koelner_phonetik(candidate)
