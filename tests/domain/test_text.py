"""Vietnamese text keys: folding, import headers and name ordering."""

import unicodedata

import pytest

from tongket.domain.errors import DomainError
from tongket.domain.text import HeaderMatch, fold, match_headers, normalize_header, vi_sort_key

# fold() drops accents (including đ and the horn of ơ/ư), case and extra spacing.
FOLD_CASES = [
    ("Đặng Thị Ánh", "dang thi anh"),
    ("  NGUYỄN   Văn A ", "nguyen van a"),
    ("Ưng Ơn", "ung on"),
    ("Trần\tQuốc\nToản", "tran quoc toan"),
    ("ĂÂÊÔƠƯĐ", "aaeooud"),
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize(("text", "key"), FOLD_CASES)
def test_fold(text, key):
    assert fold(text) == key


def test_fold_ignores_unicode_composition():
    # Text pasted from some editors arrives decomposed (NFD); it must fold the same.
    name = "Nguyễn Thị Hằng"
    assert fold(unicodedata.normalize("NFD", name)) == fold(name) == "nguyen thi hang"


# normalize_header() gives one key for every way a header may be typed.
HEADER_CASES = [
    ("Số thẻ đảng viên", "so_the_dang_vien"),
    (" SỐ THẺ ĐẢNG VIÊN ", "so_the_dang_vien"),
    ("so the dang vien", "so_the_dang_vien"),
    ("card_number", "card_number"),
    ("Diện tích (km²)", "dien_tich_km2"),
    ("Ngày sinh (dd/mm/yyyy)", "ngay_sinh_dd_mm_yyyy"),
    ("__Họ và tên__", "ho_va_ten"),
    ("STT", "stt"),
    ("---", ""),
]


@pytest.mark.parametrize(("text", "key"), HEADER_CASES)
def test_normalize_header(text, key):
    assert normalize_header(text) == key


COLUMNS = {
    "card_number": ["Số thẻ đảng viên", "Số thẻ"],
    "full_name": ["Họ và tên", "Họ tên"],
    "birth_date": ["Ngày sinh"],
}

# match_headers() finds columns by any accepted spelling or the code name, in any case or
# accent form, and reports what it could not place.
MATCH_CASES = [
    # Every column by a Vietnamese spelling.
    (
        ["Họ và tên", "SỐ THẺ ĐẢNG VIÊN", "ngay sinh"],
        {"full_name": 0, "card_number": 1, "birth_date": 2},
        [],
        [],
    ),
    # Code names are always accepted; blank headers are skipped without a warning.
    (
        ["", "card_number", "  ", "Full Name"],
        {"card_number": 1, "full_name": 3},
        [],
        [],
    ),
    # Unknown headers are kept as typed, for the warning shown to the user.
    (
        ["STT", "Họ tên", "Ghi chú"],
        {"full_name": 1},
        ["STT", "Ghi chú"],
        [],
    ),
    # Two columns for the same field: the first wins, the code is reported once.
    (
        ["Số thẻ", "Họ tên", "Số thẻ đảng viên", "card number"],
        {"card_number": 0, "full_name": 1},
        [],
        ["card_number"],
    ),
    # Spreadsheet readers give None for empty header cells.
    (
        [None, "Ngày sinh"],
        {"birth_date": 1},
        [],
        [],
    ),
    # No headers at all.
    ([], {}, [], []),
]


@pytest.mark.parametrize(("headers", "index", "unknown", "duplicates"), MATCH_CASES)
def test_match_headers(headers, index, unknown, duplicates):
    result = match_headers(headers, COLUMNS)
    assert result == HeaderMatch(index=index, unknown=unknown, duplicates=duplicates)


def test_match_headers_refuses_an_ambiguous_column_table():
    # Two code names claiming the same spelling is a bug in the table, not in the file.
    with pytest.raises(DomainError) as caught:
        match_headers(["Tên"], {"full_name": ["Tên"], "given_name": ["TÊN"]})
    assert caught.value.code == "headers.ambiguous"
    assert "TÊN" in caught.value.message


# vi_sort_key() pairs: the first name must sort strictly before the second.
ORDER_CASES = [
    # Given name (last word) decides before family name.
    ("Nguyễn Văn An", "Đặng Văn Ba"),
    # Equal base letters: a shorter word comes first.
    ("Lê Văn An", "Lê Văn Anh"),
    # a < ă < â in the alphabet, whatever the tones.
    ("Trần Thị Ánh", "Lê Ăn"),
    ("Lê Ăn", "Lê Ân"),
    # d < đ: "Dũng" comes before "Đức" even though ũ looks "later".
    ("Lê Dũng", "Lê Đức"),
    ("Lê Dương", "Lê Đa"),
    # o < ô < ơ and u < ư.
    ("Lê Toàn", "Lê Tôn"),
    ("Lê Tôn", "Lê Tơn"),
    ("Lê Uyên", "Lê Ưng"),
    # e < ê.
    ("Lê Thị Xen", "Lê Thị Xên"),
    # Tones only when the letters are equal: ngang < huyền < hỏi < ngã < sắc < nặng.
    ("Lê Anh", "Lê Ảnh"),
    ("Lê Ảnh", "Lê Ánh"),
    ("Lê Ha", "Lê Hà"),
    ("Lê Hà", "Lê Hả"),
    ("Lê Hả", "Lê Hã"),
    ("Lê Hã", "Lê Há"),
    ("Lê Há", "Lê Hạ"),
    # A tone never outweighs a letter: "Hạ" (h-a) before "Hai" (h-a-i).
    ("Lê Hạ", "Lê Hai"),
    # Same given name: the rest of the name, from the start, decides.
    ("Đặng Văn An", "Nguyễn Văn An"),
    ("Lê Thị An", "Lê Văn An"),
    # Letters of the rest first (e < ê), and only then its tones (ngang < nặng).
    ("Le Van An", "Lê Văn An"),
    ("Lê Thi An", "Lê Thị An"),
]


@pytest.mark.parametrize(("first", "second"), ORDER_CASES)
def test_vi_sort_key_orders(first, second):
    assert vi_sort_key(first) < vi_sort_key(second)


# Spellings that must sort as equals (up to the final tie-breaker on the text itself).
EQUAL_CASES = [
    # Case does not matter.
    ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
    # Old and new tone placement ("hòa" / "hoà") mean the same syllable.
    ("Lê Hòa", "Lê Hoà"),
    # Extra spaces do not matter.
    ("  Lê   Văn  An ", "Lê Văn An"),
    # Decomposed (NFD) input sorts as composed.
    (unicodedata.normalize("NFD", "Đặng Thị Ánh"), "Đặng Thị Ánh"),
]


@pytest.mark.parametrize(("one", "other"), EQUAL_CASES)
def test_vi_sort_key_equal_ranks(one, other):
    assert vi_sort_key(one)[:-1] == vi_sort_key(other)[:-1]


def test_vi_sort_key_example_list():
    # Given names An < Ánh < Ăn < Ba: "Ánh" beats "Ăn" on the letter a < ă, before any tone.
    names = ["Đặng Văn An", "Dương Thị Ánh", "Nguyễn Văn Ba", "Lê Ăn"]
    assert sorted(names, key=vi_sort_key) == [
        "Đặng Văn An",
        "Dương Thị Ánh",
        "Lê Ăn",
        "Nguyễn Văn Ba",
    ]


def test_vi_sort_key_tone_order():
    # Anh < Ảnh < Ánh: hỏi comes before sắc in the traditional tone order.
    assert sorted(["Ánh", "Anh", "Ảnh"], key=vi_sort_key) == ["Anh", "Ảnh", "Ánh"]


def test_vi_sort_key_handles_odd_input():
    # Empty names, digits and foreign letters must not break a sort.
    names = ["", "Lê Zoe", "Lê 2", "Lê Fan", "Lê Éa"]
    assert sorted(names, key=vi_sort_key) == ["", "Lê Éa", "Lê Fan", "Lê Zoe", "Lê 2"]


# vi_sort_string orders exactly as vi_sort_key, so the database can sort by it.
def test_vi_sort_string_orders_like_the_key():
    import random

    from tongket.domain.text import vi_sort_key, vi_sort_string

    rng = random.Random(91)
    syllables = [
        "An",
        "Ánh",
        "Ăn",
        "Ân",
        "Anh",
        "Ảnh",
        "Dũng",
        "Đức",
        "Đặng",
        "Dương",
        "Ơn",
        "Ưng",
        "Thị",
        "Văn",
        "Nguyễn",
        "Ngọc",
        "Ba",
        "Bà",
        "O",
        "Ô",
        "Ước",
        "Yến",
    ]
    names = [" ".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
    assert sorted(names, key=vi_sort_string) == sorted(names, key=vi_sort_key)
