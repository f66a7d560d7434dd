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
def signed(value):
    """A change or a bonus: '+2', '−2,5' (a true minus sign), '±0'."""
    if value is None or value == "":
        return ""
    if value > 0:
        return f"+{number(value)}"
    if value < 0:
        return f"\u2212{number(-value)}"
    return "±0"


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


@register.filter
def vn_datetime_seconds(value):
    """'10:59:59 thứ Tư 31/05/2023': receipts show the second."""
    if not isinstance(value, dt.datetime):
        return ""
    loc = timeutils.local(value)
    return f"{loc:%H:%M:%S} {timeutils.weekday_vi(loc.date())} {loc:%d/%m/%Y}"


@register.filter
def duration_vi(value):
    """A timedelta as '2 ngày 3 giờ 5 phút' (in the active language)."""
    if not isinstance(value, dt.timedelta):
        return ""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%d day", "%d days", days) % days)
    if hours:
        parts.append(ngettext("%d hour", "%d hours", hours) % hours)
    if minutes and not days:
        parts.append(ngettext("%d minute", "%d minutes", minutes) % minutes)
    if not parts:
        if secs == 0:
            return _("less than a second")
        parts.append(ngettext("%d second", "%d seconds", secs) % secs)
    return " ".join(parts)


@register.filter
def filesize_vi(value):
    if not isinstance(value, int):
        return ""
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB".replace(".", ",")
    return f"{value / 1048576:.1f} MB".replace(".", ",")


@register.filter
def percent(value):
    """12.5 → '12,5 %'; None → '—'."""
    if value is None:
        return "—"
    return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",") + " %"


@register.filter
def index(sequence, position):
    try:
        return sequence[position]
    except (IndexError, TypeError, KeyError):
        return None


@register.filter
def person(user):
    """A user's full name, else their user name; '—' for nobody (a system action)."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


@register.filter
def since(value, start):
    """value − start as a timedelta (for 'late by …' against a deadline)."""
    if isinstance(value, dt.datetime) and isinstance(start, dt.datetime):
        return value - start
    return None


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current address with page `number` (the `trang` parameter), every filter kept."""
    query = context["request"].GET.copy()
    query["trang"] = number
    return "?" + query.urlencode()
