"""Dates, times of day and weekdays as plans write them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from thidua.core.timeutils import parse_weekday_vi
from thidua.planimport.parser.text import URL_RE, mask

# A date, a day range or a month, in the ways plans write them:
#   "04/5/2023", "15 - 16/7/2023", "20 và 21/5" (d0, d, m, y);  "04-5-2023", "04.5.2023" (d2, m2, y2);
#   "ngày 20 tháng 4 năm 2023", "ngày 20 tháng 4, 2023" (d3, m3, y3);  "tháng 5/2023", "tháng 5 năm 2023" (mo, yo).
DATE_RE = re.compile(
    r"(?<![\d/.])(?:(?P<d0>\d{1,2})\s*(?:-|–|và)\s*)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?![\d/])"
    r"|(?<![\d/.\-])(?P<d2>\d{1,2})[-.](?P<m2>\d{1,2})[-.](?P<y2>\d{4})(?!\d)"
    r"|(?i:ngày)\s+(?P<d3>\d{1,2})\s+(?i:tháng)\s+(?P<m3>\d{1,2})(?:\s*(?:(?i:năm)|,|/)\s*(?P<y3>\d{4}))?"
    r"|(?i:tháng)\s+(?P<mo>\d{1,2})(?:\s*(?:/|(?i:năm))\s*(?P<yo>\d{4}))?(?![\d/])"
)
# A time of day: "11g00", "17h", "8 giờ 30 phút", "16 giờ", "14:30" (h, and m1, m2 or m3).
TIME_RE = re.compile(
    r"(?<![\d/.,])(?P<h>\d{1,2})\s*(?:(?:g|h)(?:\s*(?P<m1>\d{2})(?:\s*(?:phút|p)\b)?|(?!\w))"
    r"|(?i:giờ)(?:\s*(?P<m2>\d{2})(?:\s*(?i:phút))?)?|:(?P<m3>\d{2}))",
)
# A weekday: "thứ Sáu", "Thứ 7", "Chủ nhật", "CN".
WEEKDAY_RE = re.compile(r"(?<!\w)(?:(?i:thứ)\s*(?:(?i:hai|ba|tư|năm|sáu|bảy)|[2-7])|(?i:chủ)\s*(?i:nhật)|CN)(?!\w)")
# A weekday right after a date: "06/5/2023 (thứ Sáu)", "04/5, thứ Năm".
WEEKDAY_AFTER_RE = re.compile(r"\s*[(,]\s*(" + WEEKDAY_RE.pattern + r")\s*\)?")
# A weekday right before a date: "thứ Bảy, ngày 06/5/2023", "Chủ nhật 16/7".
WEEKDAY_BEFORE_RE = re.compile(r"(" + WEEKDAY_RE.pattern + r")\s*,?\s*(?i:ngày)?\s*$")


@dataclass
class WrittenDate:
    """A date, a day range or a whole month as written; the year may be missing."""

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


def _optional_int(value: str | None) -> int | None:
    return int(value) if value else None


def find_dates(text: str) -> list[WrittenDate]:
    """The dates in `text`, in order, outside URLs; impossible months and days are left out."""
    masked = mask(text, URL_RE)
    found = []
    for m in DATE_RE.finditer(masked):
        if m["d"]:
            found.append(
                WrittenDate(m.start(), m.end(), int(m["d"]), int(m["m"]), _optional_int(m["y"]), _optional_int(m["d0"]))
            )
        elif m["d2"]:
            found.append(WrittenDate(m.start(), m.end(), int(m["d2"]), int(m["m2"]), int(m["y2"])))
        elif m["d3"]:
            found.append(WrittenDate(m.start(), m.end(), int(m["d3"]), int(m["m3"]), _optional_int(m["y3"])))
        else:
            found.append(WrittenDate(m.start(), m.end(), None, int(m["mo"]), _optional_int(m["yo"])))
    return [d for d in found if 1 <= d.month <= 12 and (d.day is None or 1 <= d.day <= 31)]


def weekday_near(text: str, date: WrittenDate) -> tuple[int, int] | None:
    """Where the weekday written with `date` is (after it, else within 25 characters before it), or None."""
    m = WEEKDAY_AFTER_RE.match(text, date.end)
    if m and parse_weekday_vi(m.group(1)) is not None:
        return m.start(1), m.end(1)
    window_start = max(0, date.start - 25)
    m = WEEKDAY_BEFORE_RE.search(text[window_start : date.start])
    if m and parse_weekday_vi(m.group(1)) is not None:
        return window_start + m.start(1), window_start + m.end(1)
    return None
