"""Numbers in Vietnamese notation, dates, times of day and weekdays."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from thidua.core.timeutils import parse_weekday_vi
from thidua.planimport.parser.text import _EMAIL_RE, _URL_RE, _mask

# --- 2. numbers, dates, times, weekdays -----------------------------------------------------------

_NUMBER_RE = re.compile(
    r"(?<![\w.,/%-])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\w/]|[.,]\d)"
    r"(?:\s*(?P<pct>%|phần trăm\b)|\s+(?P<mult>triệu|tỷ|tỉ|nghìn|ngàn|vạn)\b)?",
    re.I,
)
_MULTIPLIERS = {"triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9, "nghìn": 1000, "ngàn": 1000, "vạn": 10**4}
# Words after a number that make it a quantity worth tracking (lower case, with diacritics).
_CLASSIFIERS = (
    "lượt", "suất", "phần quà", "phần", "buổi", "km", "kg", "tấn", "đồng", "cây số", "giờ công", "ngày công",
    "đợt", "lớp", "chuyến",
)  # fmt: skip
_MEASURES = _CLASSIFIERS + (
    "người", "đoàn viên", "thanh niên", "thiếu nhi", "sinh viên", "học sinh", "trẻ em", "chiến sĩ",
    "tình nguyện viên", "hộ", "gia đình", "học bổng", "công trình", "phần việc", "cây", "hoạt động",
    "chương trình", "sáng kiến", "ý tưởng", "đề tài", "mô hình", "điểm", "tuyến", "cuốn", "bộ", "căn",
    "nhà", "chiếc", "xe", "đơn vị", "cơ sở", "chi đoàn", "thành viên", "đội hình", "đội", "câu lạc bộ",
    "clb", "video", "clip", "bài", "tin", "tài khoản", "việc làm", "vị trí", "doanh nghiệp", "gian hàng",
    "ca", "đầu sách", "quyển", "túi", "bạn", "cán bộ", "đại biểu", "hội viên", "tác phẩm", "sản phẩm",
    "giải pháp", "hồ sơ", "thủ tục", "công dân", "lao động", "công nhân", "m2", "mét", "ứng viên",
)  # fmt: skip
_NOT_COUNT_BEFORE = re.compile(
    r"(mức độ|mức|lần thứ|thứ|số|quận|phường|ấp|khu phố|vành đai|giai đoạn|nhiệm kỳ|khóa|khoá|kỳ|đợt|tuyến|"
    r"nghị quyết|chỉ thị|điều|khoản|mục|phụ lục|lớp|năm|tháng|ngày|tuần|giờ|lúc|tầng|phòng|lô|đường|"
    r"hẻm|level|cấp|top|phiên bản|version|chương|trang|tập|lần|vòng)\s*$",
    re.I,
)


@dataclass
class _Number:
    start: int
    end: int
    value: int | float
    percent: bool
    measure_end: int  # end of the number and its multiplier / % sign


def _to_number(num: str, mult: str | None) -> int | float:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", num) and not mult:
        value = float(num.replace(",", ""))  # 20,000 typed the English way
    else:
        value = float(num.replace(".", "").replace(",", "."))
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return int(value) if value == int(value) else value


def _numbers(text: str) -> list[_Number]:
    """Target-like numbers (percentages, counted quantities) in `text`, masking URLs, e-mails, dates."""
    masked = _mask(_mask(text, _URL_RE), _EMAIL_RE)
    found = []
    for m in _NUMBER_RE.finditer(masked):
        before = masked[max(0, m.start() - 20) : m.start()]
        if _NOT_COUNT_BEFORE.search(before.lower()):
            continue
        after = masked[m.end() : m.end() + 30].lower().lstrip()
        counted = bool(m["pct"] or m["mult"] or "." in m["num"] or re.fullmatch(r"\d{1,3}(?:,\d{3})+", m["num"]))
        if not counted:
            counted = any(re.match(re.escape(w) + r"(?!\w)", after) for w in _MEASURES)
        if not counted or (not m["pct"] and re.fullmatch(r"(19|20)\d\d", m["num"])):
            continue
        value = _to_number(m["num"], m["mult"])
        found.append(_Number(m.start(), m.end("num"), value, bool(m["pct"]), m.end()))
    return found


_DATE_RE = re.compile(
    r"(?<![\d/.])(?:(?P<d0>\d{1,2})\s*(?:-|–|và)\s*)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?![\d/])"
    r"|(?<![\d/.\-])(?P<d2>\d{1,2})[-.](?P<m2>\d{1,2})[-.](?P<y2>\d{4})(?!\d)"
    r"|(?i:ngày)\s+(?P<d3>\d{1,2})\s+(?i:tháng)\s+(?P<m3>\d{1,2})(?:\s*(?:(?i:năm)|,|/)\s*(?P<y3>\d{4}))?"
    r"|(?i:tháng)\s+(?P<mo>\d{1,2})(?:\s*(?:/|(?i:năm))\s*(?P<yo>\d{4}))?(?![\d/])"
)


@dataclass
class _Date:
    start: int
    end: int
    day: int | None  # None: a whole month
    month: int
    year: int | None
    first_day: int | None = None  # "15 - 16/7/2023": 15

    def resolve(self, year: int) -> tuple[dt.date, dt.date] | None:
        """(first, last) day it names, or None if impossible."""
        try:
            if self.day is None:
                last = calendar.monthrange(year, self.month)[1]
                return dt.date(year, self.month, 1), dt.date(year, self.month, last)
            day = dt.date(year, self.month, self.day)
            first = dt.date(year, self.month, self.first_day) if self.first_day else day
            return (first, day) if first <= day else (day, day)
        except ValueError:
            return None


def _dates(text: str) -> list[_Date]:
    masked = _mask(text, _URL_RE)
    found = []
    for m in _DATE_RE.finditer(masked):
        if m["d"]:
            found.append(
                _Date(m.start(), m.end(), int(m["d"]), int(m["m"]), int(m["y"]) if m["y"] else None,
                      int(m["d0"]) if m["d0"] else None)
            )  # fmt: skip
        elif m["d2"]:
            found.append(_Date(m.start(), m.end(), int(m["d2"]), int(m["m2"]), int(m["y2"])))
        elif m["d3"]:
            found.append(_Date(m.start(), m.end(), int(m["d3"]), int(m["m3"]), int(m["y3"]) if m["y3"] else None))
        else:
            found.append(_Date(m.start(), m.end(), None, int(m["mo"]), int(m["yo"]) if m["yo"] else None))
    return [d for d in found if 1 <= d.month <= 12 and (d.day is None or 1 <= d.day <= 31)]


_TIME_RE = re.compile(
    r"(?<![\d/.,])(?P<h>\d{1,2})\s*(?:(?:g|h)(?:\s*(?P<m1>\d{2})(?:\s*(?:phút|p)\b)?|(?!\w))"
    r"|(?i:giờ)(?:\s*(?P<m2>\d{2})(?:\s*(?i:phút))?)?|:(?P<m3>\d{2}))",
)
_WEEKDAY_RE = re.compile(r"(?<!\w)(?:(?i:thứ)\s*(?:(?i:hai|ba|tư|năm|sáu|bảy)|[2-7])|(?i:chủ)\s*(?i:nhật)|CN)(?!\w)")
_WEEKDAY_AFTER_RE = re.compile(r"\s*[(,]\s*(" + _WEEKDAY_RE.pattern + r")\s*\)?")
_WEEKDAY_BEFORE_RE = re.compile(r"(" + _WEEKDAY_RE.pattern + r")\s*,?\s*(?i:ngày)?\s*$")


def _weekday_near(text: str, date: _Date) -> tuple[int, int] | None:
    m = _WEEKDAY_AFTER_RE.match(text, date.end)
    if m and parse_weekday_vi(m.group(1)) is not None:
        return m.start(1), m.end(1)
    window_start = max(0, date.start - 25)
    m = _WEEKDAY_BEFORE_RE.search(text[window_start : date.start])
    if m and parse_weekday_vi(m.group(1)) is not None:
        return window_start + m.start(1), window_start + m.end(1)
    return None
