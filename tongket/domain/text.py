"""Vietnamese text keys: accent-free matching, import headers, and name ordering."""

import re
import unicodedata
from dataclasses import dataclass

from tongket.domain.errors import DomainError

_WHITESPACE = re.compile(r"\s+")
# \W with the underscore added: every run of characters that is not a letter or a digit.
_NON_ALNUM = re.compile(r"[\W_]+")

# Vietnamese alphabet order; f, j, w and z (loan words, foreign names) are slotted at their
# Latin positions so that any name still sorts sensibly.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}

# Marks that make a different letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}

# Traditional tone order: ngang (no mark) < huyền < hỏi < ngã < sắc < nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def fold(text: str) -> str:
    """Accent- and case-insensitive key: "  Đặng Thị  Ánh " -> "dang thi anh"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ is a letter of its own, not d plus a mark, so NFD leaves it alone.
    bare = bare.replace("đ", "d").replace("Đ", "D").casefold()
    return _WHITESPACE.sub(" ", bare).strip()


def normalize_header(text: str) -> str:
    """Key for an imported column header: "Số thẻ đảng viên" -> "so_the_dang_vien"."""
    # NFKD first so that compatibility forms such as "²" become plain "2".
    folded = fold(unicodedata.normalize("NFKD", text))
    return _NON_ALNUM.sub("_", folded).strip("_")


@dataclass(frozen=True)
class HeaderMatch:
    """Result of :func:`match_headers`."""

    index: dict[str, int]
    unknown: list[str]
    duplicates: list[str]


def _spelling_lookup(columns: dict[str, list[str]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, spellings in columns.items():
        for spelling in [code, *spellings]:
            key = normalize_header(spelling)
            owner = lookup.setdefault(key, code)
            if owner != code:
                # A programming slip in the column table; refuse rather than guess.
                raise DomainError(
                    "headers.ambiguous",
                    f'Tiêu đề "{spelling}" được khai báo cho cả hai cột "{owner}" và "{code}".',
                    {"value": spelling, "columns": [owner, code]},
                )
    return lookup


def match_headers(headers: list[str], columns: dict[str, list[str]]) -> HeaderMatch:
    """Find each known column among an imported file's headers.

    ``columns`` maps a code name to its accepted spellings (the code name itself is always
    accepted). Matching ignores case, accents, spacing and punctuation. Blank headers are
    skipped; a column matched twice keeps its first position and is listed in ``duplicates``.
    """
    lookup = _spelling_lookup(columns)
    index: dict[str, int] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for position, header in enumerate(headers):
        # Spreadsheet readers give None (or numbers) for some header cells.
        text = "" if header is None else str(header)
        if not text.strip():
            continue
        code = lookup.get(normalize_header(text))
        if code is None:
            unknown.append(text)
        elif code not in index:
            index[code] = position
        elif code not in duplicates:
            duplicates.append(code)
    return HeaderMatch(index=index, unknown=unknown, duplicates=duplicates)


def _letter_rank(letter: str) -> int:
    # Characters outside the alphabet (digits, foreign letters) go after it, by code point.
    return _LETTER_RANK.get(letter, len(_ALPHABET) + ord(letter[0]))


def _word_keys(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(letter ranks, tone ranks) of one word."""
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.casefold()):
        if ch in _TONE_RANK:
            tones.append(_TONE_RANK[ch])
        elif not unicodedata.combining(ch):
            letters.append(ch)
        elif ch in _LETTER_MARKS and letters:
            letters[-1] += ch  # a + breve is the letter ă, kept whole
        # Other combining marks are foreign to Vietnamese and do not change the order.
    ranks = tuple(_letter_rank(unicodedata.normalize("NFC", letter)) for letter in letters)
    # The tone belongs to the syllable, not to a letter: "hòa" and "hoà" sort the same.
    return ranks, tuple(tones)


def vi_sort_key(full_name: str) -> tuple:
    """Sort key for Vietnamese person names: given name (last word) first, then the rest.

    Letters follow the Vietnamese alphabet (a ă â b c d đ e ê ...); tones only break ties
    between equal letters, in the order ngang, huyền, hỏi, ngã, sắc, nặng. Case-insensitive.
    """
    words = unicodedata.normalize("NFC", full_name).split()
    given = _word_keys(words[-1]) if words else ((), ())
    rest = [_word_keys(word) for word in words[:-1]]
    return (
        given[0],
        given[1],
        tuple(letters for letters, _ in rest),
        tuple(tones for _, tones in rest),
        # Last, the text itself, so that equal keys still sort the same way every time.
        " ".join(words),
    )


def _encode(values) -> str:
    # Three hex digits per value, shifted by one so that "000" can end a sequence: a shorter
    # sequence then sorts before a longer one that starts the same, as tuples do.
    return "".join(f"{min(v + 1, 0xFFF):03x}" for v in values) + "000"


def vi_sort_string(full_name: str) -> str:
    """vi_sort_key as a plain string that a database orders byte by byte the same way, so
    that member lists sort in Vietnamese order on SQLite and PostgreSQL alike."""
    given_letters, given_tones, rest_letters, rest_tones, text = vi_sort_key(full_name)
    return (
        _encode(given_letters)
        + _encode(given_tones)
        + "".join(_encode(word) for word in rest_letters)
        + "!"  # sorts before any digit: a name with fewer words comes first
        + "".join(_encode(word) for word in rest_tones)
        + "!"
        + text
    )
