"""Time and deadline helpers: store UTC, show Asia/Ho_Chi_Minh, compare deadlines in one place.

Nothing here reads the process time zone: every conversion names its zone, so the answers are
the same on a server set to UTC or to ICT.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.core.text import fold

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Vietnamese weekday names as written in plans, Monday = 0.
WEEKDAYS_VI = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]
_WEEKDAY_WORDS = {
    "hai": 0,
    "2": 0,
    "ba": 1,
    "3": 1,
    "tu": 2,
    "4": 2,
    "nam": 3,
    "5": 3,
    "sau": 4,
    "6": 4,
    "bay": 5,
    "7": 5,
}


def now() -> dt.datetime:
    """The current instant, aware (UTC)."""
    return timezone.now()


def local(value: dt.datetime) -> dt.datetime:
    """An aware datetime seen in Asia/Ho_Chi_Minh."""
    if timezone.is_naive(value):
        raise ValueError("naive datetime: refuse to guess its time zone")
    return value.astimezone(VN_TZ)


def vn_datetime(day: dt.date, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """The aware instant of a wall-clock time in Ho Chi Minh City (e.g. 11:00 on a deadline day)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=VN_TZ)


def is_on_time(received_at: dt.datetime, deadline: dt.datetime) -> bool:
    """'trước 11g00 ngày D' means received strictly before the deadline instant."""
    if timezone.is_naive(received_at) or timezone.is_naive(deadline):
        raise ValueError("deadline comparison needs aware datetimes")
    return received_at < deadline


def shift(value: dt.datetime, *, minutes: int) -> dt.datetime | None:
    """`value` moved by `minutes`, or None when that leaves the calendar (a deadline extended to
    31/12/9999 has no reminder three days after it)."""
    try:
        return value + dt.timedelta(minutes=minutes)
    except OverflowError:
        return None


def weekday_vi(day: dt.date) -> str:
    return WEEKDAYS_VI[day.weekday()]


def parse_weekday_vi(text: str) -> int | None:
    """'thứ Sáu', 'Thứ 6', 'chủ nhật', 'CN' → weekday number (Monday = 0), else None."""
    words = fold(text).replace("(", " ").replace(")", " ").split()
    if not words:
        return None
    if words[0] == "cn" or words[:2] == ["chu", "nhat"]:
        return 6
    if words[0] == "thu" and len(words) >= 2:
        return _WEEKDAY_WORDS.get(words[1])
    return None


def weekday_in_text(text: str) -> int | None:
    """The first weekday a text names anywhere ('Ngày thứ Bảy tình nguyện' → 5), else None."""
    words = fold(text or "").replace("(", " ").replace(")", " ").split()
    for i, word in enumerate(words):
        found = parse_weekday_vi(" ".join(words[i : i + 2])) if word in ("thu", "cn", "chu") else None
        if found is not None:
            return found
    return None


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year, language="vi")


def holiday_name(day: dt.date) -> str | None:
    """The Vietnamese public holiday on this date (Tết, 30/4, 1/5, 2/9 …), if any."""
    return _vn_holidays(day.year).get(day)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def format_vn(value: dt.datetime | None, with_weekday: bool = True) -> str:
    """'11:00 thứ Bảy 06/05/2023' in Ho Chi Minh City time."""
    if value is None:
        return ""
    loc = local(value)
    text = loc.strftime("%H:%M")
    if with_weekday:
        text += " " + weekday_vi(loc.date())
    return text + loc.strftime(" %d/%m/%Y")


def step_label(minutes: int) -> str:
    """A reminder step relative to a deadline, in words: -4320 → "in 3 days", 1440 → "1 day ago"."""
    if minutes < 0:
        amount = -minutes
        text = _("in %(time)s")
    else:
        amount = minutes
        text = _("%(time)s ago")
    if amount % 1440 == 0:
        span = translation.ngettext("%d day", "%d days", amount // 1440) % (amount // 1440)
    elif amount % 60 == 0:
        span = translation.ngettext("%d hour", "%d hours", amount // 60) % (amount // 60)
    else:
        span = translation.ngettext("%d minute", "%d minutes", amount) % amount
    return text % {"time": span}
