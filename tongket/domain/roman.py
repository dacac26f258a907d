"""Roman numerals, as Party documents number terms and congresses ("khóa XII", "lần thứ XIII")."""

NUMERALS = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]


def roman(number: int) -> str:
    """12 → "XII"; only positive numbers have a Roman form."""
    if number < 1:
        raise ValueError("Roman numerals start at 1")
    out = []
    for value, letters in NUMERALS:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)
