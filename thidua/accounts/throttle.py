"""Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
from one address, that pair is locked out; each further lockout within a day doubles the pause
(15 minutes, 30, 1 hour … at most a day). Every failure is kept in axes' failure log (admin)."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessFailureLog
from django.conf import settings

from thidua.core import timeutils

BASE = dt.timedelta(minutes=15)
LONGEST = dt.timedelta(days=1)


def cool_off(request=None) -> dt.timedelta:
    """The pause for this user name: 15 minutes for the first lockout of the day, doubling after."""
    username = request.POST.get("username", "") if request is not None and request.method == "POST" else ""
    if not username:
        return BASE
    since = timeutils.now() - dt.timedelta(days=1)
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()
    lockouts = max(1, failures // max(settings.AXES_FAILURE_LIMIT, 1))
    return min(BASE * 2 ** min(lockouts - 1, 10), LONGEST)
