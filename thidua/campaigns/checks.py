"""Checks on a campaign definition, shown to the coordinator as warnings before publishing.

They work on the definition dict, so the same checks run on a file being loaded, on a loaded
campaign (through its export) and, later, on a draft produced by the plan importer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from thidua.campaigns.definition import parse_date, parse_instant
from thidua.core.timeutils import holiday_name, local, parse_weekday_vi, weekday_vi
from thidua.units.models import Unit


@dataclass(frozen=True)
class Finding:
    code: str
    where: str  # path in the definition, e.g. "milestones[1]"
    message: str
    subject: str = ""  # what it is about, for people: a milestone's or activity's title


def _weekday_finding(where: str, subject: str, day: dt.date, written: str | None) -> Finding | None:
    if not written:
        return None
    number = parse_weekday_vi(written)
    if number is None:
        return Finding("weekday_unreadable", where, _("“%(text)s” is not a weekday name.") % {"text": written}, subject)
    if number != day.weekday():
        return Finding(
            "weekday_mismatch",
            where,
            _("The plan calls %(date)s “%(written)s”, but it is a %(actual)s.")
            % {"date": day.strftime("%d/%m/%Y"), "written": written, "actual": weekday_vi(day)},
            subject,
        )
    return None


def _non_working(day: dt.date) -> str | None:
    holiday = holiday_name(day)
    if holiday:
        return _("a public holiday (%(name)s)") % {"name": holiday}
    if day.weekday() >= 5:
        return weekday_vi(day)
    return None


@dataclass(frozen=True)
class _Period:
    """The campaign period as dates; either end may be unknown (then nothing is outside it on that side)."""

    start: dt.date | None
    end: dt.date | None

    def outside(self, day: dt.date) -> bool:
        return (self.start is not None and day < self.start) or (self.end is not None and day > self.end)


def _period(d: dict) -> _Period:
    """The period's dates; one that starts on the issue date starts on the issuer's date (maybe unknown)."""
    period = d["period"]
    start = parse_date(d["issuer"].get("date")) if period["start"] == "issue_date" else parse_date(period["start"])
    return _Period(start, parse_date(period["end"]))


def _period_findings(d: dict, period: _Period) -> list[Finding]:
    """A period that starts on the issue date needs an issue date."""
    if d["period"]["start"] != "issue_date" or period.start is not None:
        return []
    message = _("The period starts on the issue date, but the plan gives no issue date.")
    return [Finding("period_start_unknown", "period", message, _("Period"))]


def _activity_findings(d: dict, period: _Period) -> list[Finding]:
    """Dated activities: the weekday written in the plan, and the date inside the period."""
    findings: list[Finding] = []
    for i, a in enumerate(d["activities"], start=1):
        day = parse_date(a.get("date"))
        if day is None:
            continue
        where, subject = f"activities[{i}]", a["title"]
        finding = _weekday_finding(where, subject, day, a.get("weekday"))
        if finding:
            findings.append(finding)
        if period.outside(day):
            message = _("The date %(date)s is outside the campaign period.") % {"date": day.strftime("%d/%m/%Y")}
            findings.append(Finding("date_outside_period", where, message, subject))
    return findings


def _deadline_day_findings(where: str, subject: str, day: dt.date, period: _Period) -> list[Finding]:
    """A deadline's day: inside the period and a working day."""
    findings: list[Finding] = []
    date = day.strftime("%d/%m/%Y")
    if period.outside(day):
        message = _("The deadline %(date)s is outside the campaign period.") % {"date": date}
        findings.append(Finding("deadline_outside_period", where, message, subject))
    reason = _non_working(day)
    if reason:
        message = _("The deadline %(date)s falls on a non-working day: %(reason)s.") % {"date": date, "reason": reason}
        findings.append(Finding("deadline_non_working_day", where, message, subject))
    return findings


def _milestone_findings(d: dict, period: _Period) -> list[Finding]:
    """Deadlines: the weekday written in the plan, the day (see above), and their order."""
    findings: list[Finding] = []
    previous = None
    for i, m in enumerate(d["milestones"], start=1):
        where, subject = f"milestones[{i}]", m["title"]
        deadline = local(parse_instant(m["deadline"]))
        day = deadline.date()
        finding = _weekday_finding(where, subject, day, m.get("weekday"))
        if finding:
            findings.append(finding)
        findings += _deadline_day_findings(where, subject, day, period)
        if previous is not None and deadline < previous:
            message = _("This deadline is earlier than the one before it.")
            findings.append(Finding("deadline_order", where, message, subject))
        previous = deadline
    return findings


def _named_units(d: dict) -> list[tuple[str, str, str, str]]:
    """(where, subject, code, name) of every unit the definition names by code."""
    named: list[tuple[str, str, str, str]] = []
    for i, a in enumerate(d["activities"], start=1):
        for j, s in enumerate(a["assignments"], start=1):
            if s.get("unit"):
                named.append((f"activities[{i}].assignments[{j}]", a["title"], s["unit"], s["name"]))
    for section, key, title in (("indicators", "reported_by", "name"), ("milestones", "expected", "title")):
        for i, item in enumerate(d[section], start=1):
            for code in item[key].get("units", []):
                named.append((f"{section}[{i}]", item[title], code, code))
    return named


def _unit_findings(d: dict) -> list[Finding]:
    """Units named by code must be in the directory."""
    named = _named_units(d)
    known = set(Unit.objects.filter(code__in={n[2] for n in named}).values_list("code", flat=True))
    findings: list[Finding] = []
    for where, subject, code, name in named:
        if code not in known:
            message = _("“%(name)s” (code %(code)s) is not in the unit directory.") % {"name": name, "code": code}
            findings.append(Finding("unit_not_in_directory", where, message, subject))
    return findings


def check_definition(d: dict) -> list[Finding]:
    """Warnings for a valid definition: wrong weekdays, deadlines outside the period or on a
    non-working day, deadlines out of order, units not in the directory."""
    period = _period(d)
    return (
        _period_findings(d, period) + _activity_findings(d, period) + _milestone_findings(d, period) + _unit_findings(d)
    )
