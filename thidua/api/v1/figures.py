"""Figures: the roll-ups of a subtree (every indicator, or one broken down by the units below), a
unit's own values with their versions, and writing them with the entry page's rules (the progress
services: whole numbers, ratio ≤ its denominator, locks by approved sign-offs, optimistic versions,
the campaign's validation rules, the confirmation of jumps)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from thidua.api.v1.base import errors
from thidua.api.v1.campaigns import UnitRef, local, number
from thidua.api.v1.problems import ApiProblem
from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Campaign, Indicator
from thidua.campaigns.queries import in_scope
from thidua.core import timeutils
from thidua.core.forms import MAX_FIGURE, MAX_ID
from thidua.progress import queries, services
from thidua.progress.models import IndicatorValue
from thidua.units import access
from thidua.units.models import Unit

router = Router(tags=["figures"])


class FigureOut(Schema):
    indicator: str
    name: str
    kind: str
    value: float | None = Field(
        description="The count, or the percentage for ratios and shares; null: nothing reported."
    )
    numerator: int
    denominator: int
    target: float | None
    progress: float | None = Field(description="Percentage of the target reached.")
    reported: int = Field(description="Reporting units with a value.")
    expected: int = Field(description="Reporting units in the subtree.")
    updated_at: dt.datetime | None


class FiguresOut(Schema):
    campaign: str
    scope: UnitRef
    approved_only: bool
    figures: list[FigureOut]


class LineOut(Schema):
    unit: UnitRef
    figure: FigureOut
    commitment: float | None
    against_commitment: float | None


class BreakdownOut(Schema):
    campaign: str
    scope: UnitRef
    total: FigureOut
    lines: list[LineOut]


class ScopeFilter(Schema):
    unit: str = Field("", max_length=40, description="The subtree (a unit's code); default: the widest you see.")
    approved: bool = Field(False, description="Count only figures in approved sign-offs.")


class ValueOut(Schema):
    indicator: str
    name: str
    kind: str
    value: int | None = Field(description="The unit's own figure (share: 1 yes, 0 no); null: not entered.")
    out_of: int | None = Field(description="For a ratio: the number counted out of.")
    as_of: dt.date | None
    version: int = Field(description="Send it back as `version` when changing the value (0: none yet).")
    updated_at: dt.datetime | None


class ValuesOut(Schema):
    campaign: str
    unit: UnitRef
    may_edit: bool
    locked_by: str | None = Field(description="An approved sign-off that locks today's figures, if any.")
    values: list[ValueOut]


class ValueIn(Schema):
    indicator: str = Field(max_length=40)
    value: int = Field(ge=0, le=MAX_FIGURE)
    out_of: int | None = Field(None, ge=0, le=MAX_FIGURE)
    version: int = Field(ge=0, le=MAX_ID, description="The version read (0 if the unit had no value).")


class ValuesIn(Schema):
    as_of: dt.date | None = Field(None, description="Figures as of this day (default: today).")
    confirm: bool = Field(False, description="Save figures more than three times the previous ones anyway.")
    values: list[ValueIn] = Field(min_length=1, max_length=500)


class SavedOut(ValuesOut):
    saved: int
    warnings: list[str]


def figure_out(f: queries.Figure) -> dict:
    return {
        "indicator": f.indicator.code,
        "name": f.indicator.name,
        "kind": f.indicator.kind,
        "value": number(f.value),
        "numerator": int(f.numerator),
        "denominator": int(f.denominator),
        "target": number(f.indicator.target_value),
        "progress": number(f.progress),
        "reported": f.reported,
        "expected": f.expected,
        "updated_at": local(f.updated_at),
    }


@router.get(
    "/campaigns/{slug}/figures",
    response={200: FiguresOut, **errors()},
    summary="Roll-ups of a subtree: every indicator against its target",
)
def figures(request, slug: str, filters: Query[ScopeFilter]):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = campaign_access.campaign_scope(request.user, campaign, filters.unit or None)
    indicators = campaign.indicators.select_related("goal", "activity").order_by("order")
    return {
        "campaign": campaign.slug,
        "scope": {"code": unit.code, "name": unit.name},
        "approved_only": filters.approved,
        "figures": [figure_out(f) for f in queries.figures_as(indicators, unit, approved=filters.approved)],
    }


@router.get(
    "/campaigns/{slug}/figures/{indicator}",
    response={200: BreakdownOut, **errors()},
    summary="One indicator for a subtree, broken down by the units directly below",
)
def figure_breakdown(request, slug: str, indicator: str, filters: Query[ScopeFilter]):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    found = campaign.indicators.filter(code=indicator).first()
    if found is None:
        raise Http404
    unit = campaign_access.campaign_scope(request.user, campaign, filters.unit or None)
    return {
        "campaign": campaign.slug,
        "scope": {"code": unit.code, "name": unit.name},
        "total": figure_out(queries.figures_as([found], unit, approved=filters.approved)[0]),
        "lines": [
            {
                "unit": {"code": b.unit.code, "name": b.unit.name},
                "figure": figure_out(b.figure),
                "commitment": number(b.commitment),
                "against_commitment": number(b.against_commitment),
            }
            for b in queries.breakdown(found, unit)
        ],
    }


def _entry_unit(request, campaign: Campaign, code: str) -> Unit:
    unit = access.get_unit_or_404(request.user, code)
    if not campaign.issuer_unit.contains(unit):
        raise Http404
    return unit


def _own_indicators(campaign: Campaign, unit: Unit) -> list[Indicator]:
    """The indicators the unit reports, as the entry page lists them."""
    indicators = [i for i in campaign.indicators.order_by("order") if in_scope(i, campaign, unit)]
    if unit.closed_on:
        indicators = [i for i in indicators if i.kind == Indicator.Kind.COUNT]
    return indicators


def _values(request, campaign: Campaign, unit: Unit) -> dict:
    indicators = _own_indicators(campaign, unit)
    current = {v.indicator_id: v for v in IndicatorValue.objects.filter(unit=unit, indicator__in=indicators)}
    lock = services.locked_by(indicators[0], unit, timeutils.local(timeutils.now()).date()) if indicators else None
    rows = []
    for i in indicators:
        v = current.get(i.pk)
        rows.append(
            {
                "indicator": i.code,
                "name": i.name,
                "kind": i.kind,
                "value": int(v.numerator) if v else None,
                "out_of": int(v.denominator) if v and v.denominator is not None else None,
                "as_of": v.as_of if v else None,
                "version": v.version if v else 0,
                "updated_at": local(v.updated_at) if v else None,
            }
        )
    return {
        "campaign": campaign.slug,
        "unit": {"code": unit.code, "name": unit.name},
        "may_edit": access.can_edit_unit(request.user, unit)
        and campaign.status == Campaign.Status.PUBLISHED
        and lock is None,
        "locked_by": lock.unit.code if lock else None,
        "values": rows,
    }


@router.get(
    "/campaigns/{slug}/units/{code}/values",
    response={200: ValuesOut, **errors()},
    summary="A unit's own figures, with the version of each",
)
def values_read(request, slug: str, code: str):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    return _values(request, campaign, _entry_unit(request, campaign, code))


@router.put(
    "/campaigns/{slug}/units/{code}/values",
    response={200: SavedOut, **errors(403, 409)},
    summary="Write a unit's own figures (all or nothing, the entry page's rules)",
)
def values_write(request, slug: str, code: str, body: ValuesIn):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    unit = _entry_unit(request, campaign, code)
    campaign_access.require_open(campaign)
    access.require(access.can_edit_unit(request.user, unit))
    indicators = {i.code: i for i in _own_indicators(campaign, unit)}
    unknown = sorted({v.indicator for v in body.values} - set(indicators))
    if unknown:
        raise ApiProblem(
            400,
            _("%(unit)s does not report: %(codes)s.") % {"unit": unit.name, "codes": ", ".join(unknown)},
        )
    if len({v.indicator for v in body.values}) != len(body.values):
        raise ApiProblem(400, _("Each indicator may appear only once."))
    changes = [(indicators[v.indicator], Decimal(v.value), v.out_of, v.version) for v in body.values]
    try:
        warnings = services.indicator_values_save(
            actor=request.user,
            campaign=campaign,
            unit=unit,
            changes=changes,
            as_of=body.as_of or timeutils.local(timeutils.now()).date(),
            confirm=body.confirm,
        )
    except services.JumpsToConfirm as exc:
        raise ApiProblem(
            409,
            _(
                "Some figures are more than three times the previous ones. Check them and send again with confirm: true."
            ),
            errors=[
                {"field": i.code, "message": _("more than three times the previous figure")} for i in exc.indicators
            ],
        ) from exc
    except services.EditConflict as exc:
        raise ApiProblem(409, str(exc)) from exc
    return {**_values(request, campaign, unit), "saved": len(changes), "warnings": [w.message for w in warnings]}
