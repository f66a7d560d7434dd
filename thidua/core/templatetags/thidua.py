"""Template filters for Vietnamese dates, deadlines and numbers."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from thidua.core import timeutils

register = template.Library()


@register.filter
def vn_datetime(value):
    """'11:00 thứ Bảy 06/05/2023' (Ho Chi Minh City time)."""
    return timeutils.format_vn(value) if isinstance(value, dt.datetime) else ""


@register.filter
def vn_date(value):
    if isinstance(value, dt.datetime):
        value = timeutils.local(value).date()
    return value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ""


@register.filter
def weekday(value):
    return timeutils.weekday_vi(value) if isinstance(value, dt.date) else ""


@register.filter
def number(value):
    """1234567 → '1.234.567' (Vietnamese grouping); decimals keep their ',' part."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@register.filter
def time_left(deadline, now=None):
    """'còn 3 ngày 4 giờ' before a deadline, 'đã quá hạn' after it."""
    if not isinstance(deadline, dt.datetime):
        return ""
    now = now or timeutils.now()
    if not timeutils.is_on_time(now, deadline):
        return _("overdue")
    delta = deadline - now
    days, hours, minutes = delta.days, delta.seconds // 3600, (delta.seconds % 3600) // 60
    if days:
        return _("%(days)s left") % {"days": ngettext("%d day", "%d days", days) % days} + (
            " " + ngettext("%d hour", "%d hours", hours) % hours if hours else ""
        )
    if hours:
        return _("%(hours)s left") % {"hours": ngettext("%d hour", "%d hours", hours) % hours}
    return _("%(minutes)s left") % {"minutes": ngettext("%d minute", "%d minutes", max(minutes, 1)) % max(minutes, 1)}


@register.filter
def is_past(deadline):
    return isinstance(deadline, dt.datetime) and not timeutils.is_on_time(timeutils.now(), deadline)
