"""The portal's numbers feed the campaign: submitted, feasible, forwarded (and adopted, when the
campaign defines it) initiatives per unit become the values of the campaign's initiative indicators.

Each initiative counts for the nearest ancestor-or-self of its author's unit that reports the
indicator (for the seed campaign: the direct unit). The value is written through
progress.services.indicator_value_set, so aggregates, history and audit follow as for any figure.
A unit none of whose people submitted anything keeps whatever it entered itself: not reported is
not zero.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction

from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.errors import Refused
from thidua.initiatives.models import Initiative
from thidua.progress.models import IndicatorValue, PendingValue, ValueChange
from thidua.progress.services import Origin, indicator_value_set, pending_value_queue
from thidua.units.models import Unit

log = logging.getLogger(__name__)

S = Initiative.Status
# indicator code → the statuses it counts
MEASURES: dict[str, tuple[str, ...]] = {
    "initiatives_submitted": tuple(s for s in S.values if s not in (S.PENDING, S.MERGED)),
    "initiatives_feasible": Initiative.FEASIBLE_STATUSES,
    "initiatives_forwarded": Initiative.FORWARDED_STATUSES,
    "initiatives_adopted": (S.ADOPTED,),
}
NOTE = "sáng kiến"
_paused = contextvars.ContextVar("initiatives_feed_paused", default=False)


@contextlib.contextmanager
def paused():
    """Build many initiatives (the demo) without recounting after each; call initiatives_feed once after."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


def attribution(indicator: Indicator, campaign: Campaign, units: Iterable[Unit]) -> dict[int, Unit | None]:
    """unit id → the nearest ancestor-or-self that reports the indicator (None if none does)."""
    units = list(units)
    paths = {p for u in units for p in u.ancestor_paths(include_self=True)}
    by_path = {u.path: u for u in Unit.objects.filter(path__in=paths)}
    result: dict[int, Unit | None] = {}
    for unit in units:
        result[unit.pk] = next(
            (
                by_path[p]
                for p in reversed(unit.ancestor_paths(include_self=True))
                if p in by_path and in_scope(indicator, campaign, by_path[p])
            ),
            None,
        )
    return result


def count_for(indicator: Indicator, campaign: Campaign, target: Unit) -> int:
    """Initiatives of the campaign attributed to `target` whose status the indicator counts."""
    statuses = set(MEASURES[indicator.code])
    rows = list(
        Initiative.objects.official()
        .filter(campaign=campaign, unit__in=Unit.objects.subtree(target))
        .values_list("unit_id", "status")
    )
    if not rows:
        return 0
    units = Unit.objects.filter(pk__in={u for u, _s in rows})
    owner = attribution(indicator, campaign, units)
    return sum(1 for unit_id, status in rows if status in statuses and owner[unit_id] == target)


def _has_official(campaign: Campaign, target: Unit) -> bool:
    return (
        Initiative.objects.official()
        .counted()
        .filter(campaign=campaign, unit__in=Unit.objects.subtree(target))
        .exists()
    )


def initiatives_feed(
    *, actor, campaign: Campaign, units: Iterable[Unit] | None = None, as_of: dt.date | None = None
) -> int:
    """Recount the initiative indicators of the units the given author units count for (every unit
    with initiatives when `units` is None) and write the values that changed. Returns how many.

    Figures locked by an approved sign-off are left alone (logged): the initiative itself stands.
    """
    indicators = list(campaign.indicators.filter(code__in=MEASURES, kind=Indicator.Kind.COUNT))
    if not indicators:
        return 0
    if units is None:
        units = Unit.objects.filter(
            pk__in=Initiative.objects.filter(campaign=campaign).exclude(status=S.PENDING).values("unit_id")
        )
    units = list({u.pk: u for u in units}.values())
    as_of = as_of or timeutils.local(timeutils.now()).date()
    written = 0
    with transaction.atomic():
        for indicator in indicators:
            targets = {t.pk: t for t in attribution(indicator, campaign, units).values() if t is not None}
            for target in sorted(targets.values(), key=lambda u: u.pk):
                # Lock the unit before counting, so two initiatives confirmed at once both count.
                list(Unit.objects.select_for_update().filter(pk=target.pk).values_list("pk"))
                count = count_for(indicator, campaign, target)
                current = IndicatorValue.objects.filter(indicator=indicator, unit=target).first()
                if current is not None and current.numerator == count:
                    continue
                if current is None and count == 0 and not _has_official(campaign, target):
                    continue  # nothing of its people counts yet: not reported is not zero
                try:
                    PendingValue.objects.filter(indicator=indicator, unit=target).delete()
                    indicator_value_set(
                        actor=actor,
                        indicator=indicator,
                        unit=target,
                        numerator=count,
                        as_of=max(as_of, current.as_of) if current else as_of,
                        origin=Origin(ValueChange.Source.FORM, NOTE),
                    )
                    written += 1
                except Refused as exc:  # locked by an approval: kept until the lock is lifted
                    log.info("initiative count of %s for %s waits: %s", indicator.code, target.code, exc)
                    pending_value_queue(
                        indicator=indicator,
                        unit=target,
                        numerator=count,
                        as_of=as_of,
                        note=NOTE,
                        reason=str(exc),
                    )
    return written
