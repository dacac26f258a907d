"""Vietnamese names for generated demo members (common family, middle and given names)."""

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
]
MIDDLE_MALE = ["Văn", "Minh", "Hữu", "Đức", "Thanh", "Quốc", "Công", "Hoàng"]
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Phương", "Hồng"]
GIVEN_MALE = [
    "An",
    "Bình",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Tuấn",
    "Vinh",
    "Ẩn",
    "Ước",
]
GIVEN_FEMALE = [
    "Anh",
    "Ánh",
    "Chi",
    "Hà",
    "Hạnh",
    "Hòa",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Oanh",
    "Thảo",
    "Trang",
    "Uyên",
    "Vy",
    "Yến",
    "Ơn",
    "Ưng",
]


def person_name(rng, gender: str) -> str:
    middle, given = (MIDDLE_MALE, GIVEN_MALE) if gender == "male" else (MIDDLE_FEMALE, GIVEN_FEMALE)
    return f"{rng.choice(FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
