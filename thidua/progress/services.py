"""Writes of indicator figures. Every value write updates the aggregates of all the unit's
ancestors in the same transaction (one UPDATE), records the change and the audit entry.

No batch job, no cache: after the request that wrote a value, every total up to the city is right.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from thidua.campaigns.models import Activity, Campaign, Indicator, Milestone
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.forms import MAX_FIGURE
from thidua.progress import access, rules
from thidua.progress.models import (
    ActivityEvent,
    Aggregate,
    IndicatorValue,
    PendingValue,
    SignOff,
    SignOffValue,
    ValueChange,
)
from thidua.units.models import Unit

ZERO = Decimal(0)


@dataclass(frozen=True)
class Origin:
    """Where a value change comes from, kept on its history row: the source (form, upload, event)
    and a note (the uploaded file's name, the event …)."""

    source: str = ValueChange.Source.FORM
    note: str = ""


FORM_ENTRY = Origin()


class EditConflict(Refused):
    """Someone changed the value since the form was opened."""

    def __init__(self, message: str, current: IndicatorValue):
        super().__init__(message)
        self.current = current


def _whole(value, label: str) -> Decimal:
    if value is None:
        raise Refused(_("%(label)s is empty.") % {"label": label})
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        value = Decimal("NaN")  # text: refused below like any other non-number
    # NaN and ±Infinity are not whole numbers (and would not fit the column).
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise Refused(_("%(label)s must be a whole number ≥ 0.") % {"label": label})
    if value > MAX_FIGURE:
        raise Refused(_("%(label)s is larger than any real figure.") % {"label": label})
    return value


def check_value(indicator: Indicator, numerator, denominator=None) -> tuple[Decimal, Decimal | None]:
    """Whole numbers ≥ 0; a ratio's numerator at most its denominator; a share is yes (1) or no (0)."""
    num = _whole(numerator, indicator.name)
    if indicator.kind == Indicator.Kind.SHARE:
        if num not in (0, 1):
            raise Refused(_("“%(name)s” is answered yes (1) or no (0).") % {"name": indicator.name})
        return num, None
    if indicator.kind == Indicator.Kind.RATIO:
        den = _whole(denominator, _("“%(name)s”: the number out of") % {"name": indicator.name})
        if num > den:
            raise Refused(
                _("“%(name)s”: %(num)s is more than the %(den)s it is counted out of.")
                % {"name": indicator.name, "num": num, "den": den}
            )
        return num, den
    return num, None


def is_jump(previous: IndicatorValue | None, numerator: Decimal) -> bool:
    """More than three times the unit's previous value (a typo such as an extra zero?)."""
    return previous is not None and previous.numerator > 0 and numerator > 3 * previous.numerator


def locked_by(indicator: Indicator, unit: Unit, as_of: dt.date | None = None) -> SignOff | None:
    """The approved sign-off (of this unit or a unit above it) that locks its figures as of
    `as_of`, if any. An approval locks the figures up to the date they were signed off as of:
    the mid-term approval does not stop the unit entering later figures for its final report."""
    qs = SignOff.objects.filter(
        campaign_id=indicator.campaign_id,
        status=SignOff.Status.APPROVED,
        unit__path__in=unit.ancestor_paths(include_self=True),
    )
    if as_of is not None:
        qs = qs.filter(as_of__gte=as_of)
    return qs.select_related("unit").order_by("-as_of").first()


def _ids(paths) -> list[int]:
    return sorted(Unit.objects.filter(path__in=list(paths)).values_list("pk", flat=True))


def _add_to_aggregates(indicator_id: int, unit_ids: list[int], d_num, d_den, d_reported: int) -> None:
    """One INSERT of the missing rows and one UPDATE; rows in id order so writers never deadlock."""
    Aggregate.objects.bulk_create(
        [Aggregate(indicator_id=indicator_id, unit_id=pk) for pk in unit_ids], ignore_conflicts=True
    )
    Aggregate.objects.filter(indicator_id=indicator_id, unit_id__in=unit_ids).update(
        numerator_sum=F("numerator_sum") + d_num,
        denominator_sum=F("denominator_sum") + d_den,
        reported=F("reported") + d_reported,
        updated_at=timeutils.now(),
    )


def _roll_up(indicator: Indicator, unit: Unit, d_num: Decimal, d_den: Decimal, d_reported: int) -> None:
    """Add the change to the aggregates of the unit and every ancestor."""
    _add_to_aggregates(indicator.pk, _ids(unit.ancestor_paths(include_self=True)), d_num, d_den, d_reported)


def aggregates_after_move(*, unit: Unit, old_ancestor_ids: list[int]) -> None:
    """After `unit` moved (with its subtree): take its subtree's figures off the old ancestors'
    totals and add them to the new ones'. The subtree's own aggregates do not change."""
    old_ids = set(old_ancestor_ids)
    new_ids = set(_ids(unit.ancestor_paths()))
    sums = (
        IndicatorValue.objects.filter(unit__in=Unit.objects.subtree(unit))
        .values("indicator_id")
        .annotate(n=Sum("numerator"), d=Sum("denominator"), r=Count("pk"))
    )
    for row in sums:
        num, den, reported = row["n"] or ZERO, row["d"] or ZERO, row["r"]
        if old_ids - new_ids:
            _add_to_aggregates(row["indicator_id"], sorted(old_ids - new_ids), -num, -den, -reported)
        if new_ids - old_ids:
            _add_to_aggregates(row["indicator_id"], sorted(new_ids - old_ids), num, den, reported)


def indicator_value_set(
    *,
    actor,
    indicator: Indicator,
    unit: Unit,
    numerator,
    denominator=None,
    as_of: dt.date,
    expected_version: int | None = None,
    origin: Origin = FORM_ENTRY,
) -> IndicatorValue:
    """Set a unit's own value of an indicator as of a date.

    Refuses (Refused) a unit that does not report the indicator, a bad number, figures locked
    by an approved sign-off, and (EditConflict) a value changed by someone else since
    `expected_version` was read. Otherwise writes the value, its history, the audit entry and every
    ancestor's aggregate, all in one transaction.
    """
    campaign = indicator.campaign
    if not in_scope(indicator, campaign, unit):
        raise Refused(_("%(unit)s does not report “%(name)s”.") % {"unit": unit.name, "name": indicator.name})
    num, den = check_value(indicator, numerator, denominator)
    if indicator.kind != Indicator.Kind.COUNT and unit.closed_on and as_of >= unit.closed_on:
        raise Refused(
            _("%(unit)s closed on %(date)s: its ratios and shares no longer count.")
            % {"unit": unit.name, "date": unit.closed_on.strftime("%d/%m/%Y")}
        )
    with transaction.atomic():
        lock = locked_by(indicator, unit, as_of)
        if lock is not None:
            raise Refused(
                _("The figures of %(unit)s were approved on %(date)s; ask %(approver)s to withdraw the approval first.")
                % {
                    "unit": lock.unit.name,
                    "date": timeutils.format_vn(lock.decided_at),
                    "approver": _("the unit above"),
                }
            )
        current = IndicatorValue.objects.select_for_update().filter(indicator=indicator, unit=unit).first()
        if expected_version is not None and (current.version if current else 0) != expected_version:
            raise EditConflict(
                _(
                    "“%(name)s” of %(unit)s was changed by someone else in the meantime (now %(value)s). Check it and save again."
                )
                % {"name": indicator.name, "unit": unit.name, "value": current.numerator if current else "—"},
                current,
            )
        old_num = current.numerator if current else None
        old_den = current.denominator if current else None
        if current is not None and old_num == num and old_den == den and current.as_of == as_of:
            return current  # nothing changed
        if current is None:
            try:
                with transaction.atomic():
                    current = IndicatorValue.objects.create(
                        indicator=indicator, unit=unit, numerator=num, denominator=den, as_of=as_of, updated_by=actor
                    )
            except IntegrityError as exc:
                # Another officer created it between our read and write: same as a version clash.
                raise EditConflict(
                    _("Someone else entered this value at the same moment. Check it and save again."), current
                ) from exc
        else:
            current.numerator, current.denominator, current.as_of = num, den, as_of
            current.version += 1
            current.updated_at, current.updated_by = timeutils.now(), actor
            current.save()
        _roll_up(
            indicator,
            unit,
            num - (old_num or ZERO),
            (den or ZERO) - (old_den or ZERO),
            0 if old_num is not None else 1,
        )
        ValueChange.objects.create(
            indicator=indicator,
            unit=unit,
            as_of=as_of,
            old_numerator=old_num,
            old_denominator=old_den,
            new_numerator=num,
            new_denominator=den,
            changed_by=actor if getattr(actor, "pk", None) else None,
            source=origin.source,
            note=origin.note[:300],
        )
        log_action(
            actor=actor,
            action="indicator_value.set",
            obj=current,
            changes={
                "value": [old_num, num],
                "out_of": [old_den, den],
                "as_of": [None, as_of],
                "source": [None, origin.source],
            },
            reason=origin.note,
        )
        return current


def indicator_value_add(
    *, actor, indicator: Indicator, unit: Unit, amount, as_of: dt.date, origin: Origin
) -> IndicatorValue:
    """Add to a count (an activity event's participants …); the result goes through indicator_value_set."""
    with transaction.atomic():
        current = IndicatorValue.objects.select_for_update().filter(indicator=indicator, unit=unit).first()
        base = current.numerator if current else ZERO
        new = base + Decimal(amount)
        if new < 0:
            new = ZERO
        return indicator_value_set(
            actor=actor,
            indicator=indicator,
            unit=unit,
            numerator=new,
            as_of=max(as_of, current.as_of) if current else as_of,
            expected_version=current.version if current else 0,
            origin=origin,
        )


class JumpsToConfirm(Refused):
    """Figures more than three times the previous ones, sent without the confirmation."""

    def __init__(self, message: str, indicators: list[Indicator]):
        super().__init__(message)
        self.indicators = indicators


def indicator_values_save(
    *,
    actor,
    campaign: Campaign,
    unit: Unit,
    changes: list[tuple[Indicator, Decimal, Decimal | None, int]],
    as_of: dt.date,
    confirm: bool = False,
) -> list[rules.Violation]:
    """The entry page's save, for the page and the API alike: [(indicator, numerator, denominator,
    expected version)] written all or nothing. JumpsToConfirm when a figure is more than three times
    the previous one and `confirm` is not given; every `indicator_value_set` refusal; the campaign's
    "refuse" validation rules undo the whole save. Returns the "warn" violations."""
    current = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(unit=unit, indicator__in=[change[0] for change in changes])
    }
    jumps = [i for i, num, _den, _version in changes if is_jump(current.get(i.pk), num)]
    if jumps and not confirm:
        raise JumpsToConfirm(_("Some figures are more than three times the previous ones."), jumps)
    with transaction.atomic():
        for indicator, num, den, version in changes:
            indicator_value_set(
                actor=actor,
                indicator=indicator,
                unit=unit,
                numerator=num,
                denominator=den,
                as_of=as_of,
                expected_version=version,
            )
        return rules.enforce(campaign, [unit]) if changes else []


# --- activity events --------------------------------------------------------------------------


def event_indicators(activity: Activity, unit: Unit) -> list[Indicator]:
    """The count indicators of an activity that this unit reports (what an event can add to)."""
    return [i for i in activity.indicators.filter(kind=Indicator.Kind.COUNT) if in_scope(i, activity.campaign, unit)]


def event_record(
    *,
    actor,
    activity: Activity,
    unit: Unit,
    date: dt.date,
    place: str = "",
    participants: int | None = None,
    description: str = "",
    counts: dict[str, int] | None = None,
) -> ActivityEvent:
    """Log an event and add its counts to the unit's indicators, in one transaction. The date is
    within the campaign's period; only the activity's own indicators that the unit reports count."""
    _check_event_date(activity.campaign, date)
    counts = {code: int(n) for code, n in (counts or {}).items() if n}
    allowed = {i.code: i for i in event_indicators(activity, unit)}
    for code, n in counts.items():
        if code not in allowed:
            raise Refused(
                _("“%(code)s” is not an indicator of this activity for %(unit)s.") % {"code": code, "unit": unit.name}
            )
        _whole(n, allowed[code].name)
    campaign = activity.campaign
    with transaction.atomic():
        event = ActivityEvent.objects.create(
            campaign=campaign,
            activity=activity,
            unit=unit,
            date=date,
            place=place,
            participants=participants,
            description=description,
            counts=counts,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for code, n in counts.items():
            origin = Origin(ValueChange.Source.EVENT, f"{activity.title} — {date:%d/%m/%Y}")
            indicator_value_add(actor=actor, indicator=allowed[code], unit=unit, amount=n, as_of=date, origin=origin)
        log_action(
            actor=actor, action="event.record", obj=event, changes={"counts": [None, counts], "date": [None, date]}
        )
    return event


def _check_event_date(campaign: Campaign, date: dt.date) -> None:
    start, end = campaign.effective_period_start, campaign.period_end
    if (start and date < start) or (end and date > end):
        raise Refused(
            _("The date must be within the campaign: %(start)s – %(end)s.")
            % {"start": start.strftime("%d/%m/%Y") if start else "…", "end": end.strftime("%d/%m/%Y") if end else "…"},
            field="date",
        )


def event_warnings(activity: Activity, date: dt.date) -> list[str]:
    """What looks wrong but may be true: a "Thứ Bảy tình nguyện" session on a Wednesday."""
    weekday = timeutils.weekday_in_text(activity.weekday_text or activity.title)
    if weekday is None or date.weekday() == weekday:
        return []
    return [
        _("%(date)s is a %(actual)s, but “%(activity)s” takes place on %(expected)s: check the date.")
        % {
            "date": date.strftime("%d/%m/%Y"),
            "actual": timeutils.weekday_vi(date),
            "activity": activity.title,
            "expected": timeutils.WEEKDAYS_VI[weekday],
        }
    ]


def event_withdraw(*, actor, event: ActivityEvent, reason: str) -> None:
    """Withdraw a mistaken event: its counts are taken back off the indicators; the event stays, marked."""
    if event.withdrawn_at:
        return
    with transaction.atomic():
        indicators = {i.code: i for i in event.activity.indicators.all()}
        for code, n in event.counts.items():
            if code in indicators:
                origin = Origin(ValueChange.Source.EVENT, _("withdrawn: %(reason)s") % {"reason": reason})
                indicator_value_add(
                    actor=actor,
                    indicator=indicators[code],
                    unit=event.unit,
                    amount=-int(n),
                    as_of=event.date,
                    origin=origin,
                )
        event.withdrawn_at = timeutils.now()
        event.save(update_fields=["withdrawn_at"])
        log_action(actor=actor, action="event.withdraw", obj=event, changes={"withdrawn": [False, True]}, reason=reason)


# --- figures waiting for an approval to be lifted ------------------------------------------------


def pending_value_queue(
    *, indicator: Indicator, unit: Unit, numerator, denominator=None, as_of: dt.date, note: str, reason: str
) -> PendingValue:
    """Keep a system-computed figure the lock refused (the latest one wins for a unit and indicator)."""
    pending, _created = PendingValue.objects.update_or_create(
        indicator=indicator,
        unit=unit,
        defaults={
            "numerator": numerator,
            "denominator": denominator,
            "as_of": as_of,
            "note": note[:200],
            "reason": reason[:500],
        },
    )
    return pending


def pending_values_apply(*, actor, campaign: Campaign, top: Unit) -> int:
    """Write the waiting figures of `top`'s subtree that are no longer locked; returns how many."""
    written = 0
    waiting = PendingValue.objects.filter(indicator__campaign=campaign, unit__in=Unit.objects.subtree(top))
    for pending in waiting.select_related("indicator", "unit"):
        try:
            with transaction.atomic():
                indicator_value_set(
                    actor=actor,
                    indicator=pending.indicator,
                    unit=pending.unit,
                    numerator=pending.numerator,
                    denominator=pending.denominator,
                    as_of=max(pending.as_of, timeutils.local(timeutils.now()).date()),
                    origin=Origin(ValueChange.Source.FORM, pending.note),
                )
                pending.delete()
                written += 1
        except Refused:
            continue  # still locked (by a unit higher up): it keeps waiting
    return written


# --- sign-off ---------------------------------------------------------------------------------


@dataclass
class SignOffResult:
    signoff: SignOff
    values: int


def signoff_submit(*, actor, milestone: Milestone, unit: Unit, as_of: dt.date | None = None) -> SignOffResult:
    """The unit signs off its figures (and those of the units below it) with its report."""
    campaign: Campaign = milestone.campaign
    if milestone.kind not in (Milestone.Kind.MIDTERM, Milestone.Kind.FINAL):
        raise Refused(_("Figures are signed off with the mid-term and the final report."))
    with transaction.atomic():
        if SignOff.objects.filter(
            milestone=milestone, unit=unit, status__in=[SignOff.Status.SUBMITTED, SignOff.Status.APPROVED]
        ).exists():
            raise Refused(_("These figures are already signed off and awaiting a decision or approved."))
        signoff = SignOff.objects.create(
            campaign=campaign,
            milestone=milestone,
            unit=unit,
            as_of=as_of or timeutils.local(timeutils.now()).date(),
            submitted_by=actor if getattr(actor, "pk", None) else None,
        )
        values = IndicatorValue.objects.filter(indicator__campaign=campaign, unit__in=Unit.objects.subtree(unit))
        rows = [
            SignOffValue(
                signoff=signoff,
                indicator_id=v.indicator_id,
                unit_id=v.unit_id,
                numerator=v.numerator,
                denominator=v.denominator,
            )
            for v in values
        ]
        SignOffValue.objects.bulk_create(rows)
        log_action(
            actor=actor,
            action="signoff.submit",
            obj=signoff,
            changes={"status": [None, signoff.status], "values": [None, len(rows)]},
        )
    return SignOffResult(signoff=signoff, values=len(rows))


_DECISIONS = {
    "approve": (SignOff.Status.SUBMITTED, SignOff.Status.APPROVED),
    "return": (SignOff.Status.SUBMITTED, SignOff.Status.RETURNED),
    "reopen": (SignOff.Status.APPROVED, SignOff.Status.REOPENED),
}


def signoff_decide(*, actor, signoff: SignOff, decision: str, reason: str = "") -> SignOff:
    """The unit above approves, sends back (reason required) or withdraws an approval (reason
    required); nobody else may (thidua.progress.access; `actor=None` is the operator)."""
    if actor is not None and not access.may_decide_signoff(actor, signoff):
        raise Refused(_("Only the unit above %(unit)s decides on its figures.") % {"unit": signoff.unit.name})
    if decision not in _DECISIONS:
        raise Refused(_("Unknown decision."))
    reason = (reason or "").strip()
    if decision in ("return", "reopen") and not reason:
        raise Refused(_("Give the reason."))
    before, after = _DECISIONS[decision]
    with transaction.atomic():
        signoff = SignOff.objects.select_for_update().get(pk=signoff.pk)
        if signoff.status != before:
            raise Refused(
                _("This sign-off is “%(status)s”; it cannot be changed that way.")
                % {"status": signoff.get_status_display()}
            )
        signoff.status, signoff.decided_at, signoff.decided_by, signoff.reason = after, timeutils.now(), actor, reason
        signoff.save()
        log_action(
            actor=actor, action=f"signoff.{decision}", obj=signoff, changes={"status": [before, after]}, reason=reason
        )
        if after == SignOff.Status.REOPENED:  # the lock is lifted: what waited for it is written now
            pending_values_apply(actor=actor, campaign=signoff.campaign, top=signoff.unit)
    return signoff


# --- maintenance ------------------------------------------------------------------------------


def aggregates_rebuild(campaign: Campaign) -> int:
    """Recompute every aggregate of the campaign from the values (repair tool; normally unneeded)."""
    with transaction.atomic():
        Aggregate.objects.filter(indicator__campaign=campaign).delete()
        sums: dict[tuple[int, str], list] = defaultdict(lambda: [ZERO, ZERO, 0, None])
        for value in IndicatorValue.objects.filter(indicator__campaign=campaign).select_related("unit"):
            path = value.unit.path
            for i in range(Unit.steplen, len(path) + 1, Unit.steplen):
                entry = sums[(value.indicator_id, path[:i])]
                entry[0] += value.numerator
                entry[1] += value.denominator or ZERO
                entry[2] += 1
                entry[3] = max(entry[3] or value.updated_at, value.updated_at)  # the latest change counted
        ids = dict(Unit.objects.filter(path__in={p for _i, p in sums}).values_list("path", "pk"))
        Aggregate.objects.bulk_create(
            [
                Aggregate(
                    indicator_id=ind, unit_id=ids[path], numerator_sum=n, denominator_sum=d, reported=r, updated_at=t
                )
                for (ind, path), (n, d, r, t) in sums.items()
            ],
            batch_size=2000,
        )
        return len(sums)
