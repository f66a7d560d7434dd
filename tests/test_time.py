"""Deadlines and dates give the same answers whatever the server's own time zone is."""

import datetime as dt
import os
import time

import pytest

from thidua.core import timeutils


@pytest.fixture(params=["UTC", "Asia/Ho_Chi_Minh", "America/Los_Angeles"])
def process_tz(request):
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_deadline_boundary_is_strictly_before_11_ict(process_tz):
    deadline = timeutils.vn_datetime(dt.date(2023, 5, 31), 11)
    assert deadline == dt.datetime(2023, 5, 31, 4, 0, tzinfo=dt.UTC)
    just_before = dt.datetime(2023, 5, 31, 3, 59, 59, 999000, tzinfo=dt.UTC)
    assert timeutils.is_on_time(just_before, deadline)
    assert not timeutils.is_on_time(deadline, deadline)
    assert not timeutils.is_on_time(deadline + dt.timedelta(microseconds=1), deadline)


def test_local_view_and_format(process_tz):
    instant = dt.datetime(2023, 5, 6, 4, 0, tzinfo=dt.UTC)
    assert timeutils.local(instant).hour == 11
    assert timeutils.format_vn(instant) == "11:00 thứ Bảy 06/05/2023"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        timeutils.is_on_time(dt.datetime(2023, 5, 31, 10), timeutils.vn_datetime(dt.date(2023, 5, 31), 11))
    with pytest.raises(ValueError):
        timeutils.local(dt.datetime(2023, 5, 31, 10))


@pytest.mark.parametrize(
    "text, weekday",
    [
        ("thứ Sáu", 4),
        ("(thứ Năm)", 3),
        ("Thứ 7", 5),
        ("thu tu", 2),
        ("Chủ nhật", 6),
        ("CN", 6),
        ("thứ Hai", 0),
        ("hôm nay", None),
    ],
)
def test_vietnamese_weekday_names(text, weekday):
    assert timeutils.parse_weekday_vi(text) == weekday


def test_the_plans_dates():
    assert timeutils.weekday_vi(dt.date(2023, 5, 6)) == "thứ Bảy"  # the plan says thứ Sáu
    assert timeutils.weekday_vi(dt.date(2023, 5, 4)) == "thứ Năm"
    assert timeutils.weekday_vi(dt.date(2023, 5, 31)) == "thứ Tư"
    assert timeutils.weekday_vi(dt.date(2023, 6, 23)) == "thứ Sáu"


def test_working_days_know_vietnamese_holidays():
    assert not timeutils.is_working_day(dt.date(2023, 5, 6))  # Saturday
    assert not timeutils.is_working_day(dt.date(2023, 5, 1))  # Labour Day
    assert not timeutils.is_working_day(dt.date(2023, 5, 2))  # Hùng Kings (compensatory day)
    assert not timeutils.is_working_day(dt.date(2023, 1, 23))  # Tết
    assert timeutils.is_working_day(dt.date(2023, 5, 31))
    assert "Quốc tế Lao động" in timeutils.holiday_name(dt.date(2023, 5, 1))
