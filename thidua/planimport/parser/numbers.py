"""Target-like numbers in Vietnamese notation: "100%", "20.000 lượt", "1,5 triệu đồng", "30 phần quà"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from thidua.planimport.parser.text import EMAIL_RE, URL_RE, mask

# A number with its percent sign or multiplier: "100%", "20.000", "1,5 triệu", "3 tỷ", "50 phần trăm". Not part
# of a code, a date or a decimal ("12/5", "KH-123", "2.5.1").
NUMBER_RE = re.compile(
    r"(?<![\w.,/%-])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w/]|[.,]\d)"
    r"(?:\s*(?P<pct>%|phần trăm\b)|\s+(?P<mult>triệu|tỷ|tỉ|nghìn|ngàn|vạn)\b)?",
    re.I,
)
MULTIPLIERS = {"triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9, "nghìn": 1000, "ngàn": 1000, "vạn": 10**4}
# Thousands typed the English way: "20,000".
ENGLISH_THOUSANDS_RE = re.compile(r"\d{1,3}(?:,\d{3})+")
# A year standing alone ("năm 2023"), not a quantity.
YEAR_RE = re.compile(r"(19|20)\d\d")
# Words after a number that make it a quantity worth tracking (lower case, with diacritics).
CLASSIFIERS = (
    "lượt",
    "suất",
    "phần quà",
    "phần",
    "buổi",
    "km",
    "kg",
    "tấn",
    "đồng",
    "cây số",
    "giờ công",
    "ngày công",
    "đợt",
    "lớp",
    "chuyến",
)
# What plans count: the classifiers, and people, places and things ("500 đoàn viên", "12 công trình").
MEASURES = CLASSIFIERS + (
    "người",
    "đoàn viên",
    "thanh niên",
    "thiếu nhi",
    "sinh viên",
    "học sinh",
    "trẻ em",
    "chiến sĩ",
    "tình nguyện viên",
    "hộ",
    "gia đình",
    "học bổng",
    "công trình",
    "phần việc",
    "cây",
    "hoạt động",
    "chương trình",
    "sáng kiến",
    "ý tưởng",
    "đề tài",
    "mô hình",
    "điểm",
    "tuyến",
    "cuốn",
    "bộ",
    "căn",
    "nhà",
    "chiếc",
    "xe",
    "đơn vị",
    "cơ sở",
    "chi đoàn",
    "thành viên",
    "đội hình",
    "đội",
    "câu lạc bộ",
    "clb",
    "video",
    "clip",
    "bài",
    "tin",
    "tài khoản",
    "việc làm",
    "vị trí",
    "doanh nghiệp",
    "gian hàng",
    "ca",
    "đầu sách",
    "quyển",
    "túi",
    "bạn",
    "cán bộ",
    "đại biểu",
    "hội viên",
    "tác phẩm",
    "sản phẩm",
    "giải pháp",
    "hồ sơ",
    "thủ tục",
    "công dân",
    "lao động",
    "công nhân",
    "m2",
    "mét",
    "ứng viên",
)
# A measure word, as a whole word, right after the number (lower-cased text): "đoàn viên" in "500 đoàn viên
# tham gia", "lượt" in "20.000 lượt".
MEASURE_RE = re.compile("(?:" + "|".join(re.escape(w) for w in MEASURES) + r")(?!\w)")
# Words before a number that make it an ordinal, a code or a time, not a quantity (lower-cased text):
# "lần thứ 11", "Quận 1", "giai đoạn 2", "Nghị quyết 09", "năm 2023", "tháng 5", "lớp 12", "phòng 301", and a
# game's format: "bóng đá mini 05 người".
NOT_COUNT_BEFORE_RE = re.compile(
    r"(mức độ|mức|lần thứ|thứ|số|quận|phường|ấp|khu phố|vành đai|giai đoạn|nhiệm kỳ|khóa|khoá|kỳ|đợt|tuyến|"
    r"nghị quyết|chỉ thị|điều|khoản|mục|phụ lục|lớp|năm|tháng|ngày|tuần|giờ|lúc|tầng|phòng|lô|đường|"
    r"hẻm|level|cấp|top|phiên bản|version|chương|trang|tập|lần|vòng|mini|bóng đá|bóng chuyền|futsal)\s*$",
    re.I,
)


@dataclass
class Quantity:
    """A target-like number: offsets into the text it was found in, and its value."""

    start: int
    end: int
    value: int | float
    percent: bool
    measure_end: int  # end of the number and its multiplier / % sign


def to_number(num: str, mult: str | None) -> int | float:
    """The value of "20.000", "1,5" (+ "triệu") or "20,000"; whole values are ints."""
    if ENGLISH_THOUSANDS_RE.fullmatch(num) and not mult:
        value = float(num.replace(",", ""))  # 20,000 typed the English way
    else:
        value = float(num.replace(".", "").replace(",", "."))
    if mult:
        value *= MULTIPLIERS[mult.lower()]
    return int(value) if value == int(value) else value


def find_quantities(text: str) -> list[Quantity]:
    """Target-like numbers (percentages, counted quantities) in `text`, skipping URLs, e-mails, years, codes."""
    masked = mask(mask(text, URL_RE), EMAIL_RE)
    found = []
    for m in NUMBER_RE.finditer(masked):
        before = masked[max(0, m.start() - 20) : m.start()]
        if NOT_COUNT_BEFORE_RE.search(before.lower()):
            continue
        after = masked[m.end() : m.end() + 30].lower().lstrip()
        # A percentage, a multiplier or thousands separators make it a quantity; else a measure word must follow.
        counted = bool(m["pct"] or m["mult"] or "." in m["num"] or ENGLISH_THOUSANDS_RE.fullmatch(m["num"]))
        if not counted:
            counted = bool(MEASURE_RE.match(after))
        if not counted or (not m["pct"] and YEAR_RE.fullmatch(m["num"])):
            continue
        value = to_number(m["num"], m["mult"])
        found.append(Quantity(m.start(), m.end("num"), value, bool(m["pct"]), m.end()))
    return found
