"""Campaigns the token's owner sees: the list, one campaign with its goals, activities, indicators
and milestones, and its definition (the exchange format, as JSON)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema

from thidua.api.v1.base import Paging, errors, page
from thidua.campaigns import access as campaign_access
from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign, Milestone
from thidua.core import timeutils

router = Router(tags=["campaigns"])


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def local(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else timeutils.local(value)


class UnitRef(Schema):
    code: str
    name: str


class CampaignOut(Schema):
    slug: str
    status: str = Field(description="draft, published or closed")
    title: str
    theme: str
    issuer: UnitRef | None
    document_number: str
    issue_date: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    registration_deadline: dt.datetime | None


class CampaignPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CampaignOut]


class MilestoneOut(Schema):
    code: str
    kind: str = Field(description="plan, midterm, final or other")
    title: str
    deadline: dt.datetime = Field(description="Received strictly before this instant (Asia/Ho_Chi_Minh).")
    deadline_text: str
    submit_to: str


class GoalOut(Schema):
    code: str
    text: str
    target: float | None
    target_unit: str


class ActivityOut(Schema):
    code: str
    title: str
    description: str
    start_date: dt.date | None
    end_date: dt.date | None
    venue: str
    target: float | None
    target_unit: str


class IndicatorOut(Schema):
    code: str
    name: str
    kind: str = Field(description="count, ratio (of people) or share (of units)")
    direction: str
    target: float | None
    unit_of_measure: str
    denominator: str
    goal: str | None
    activity: str | None


class CampaignDetail(CampaignOut):
    context: str
    audience: str
    goals: list[GoalOut]
    activities: list[ActivityOut]
    indicators: list[IndicatorOut]
    milestones: list[MilestoneOut]


class StatusFilter(Schema):
    status: str = Field("", pattern="^(|draft|published|closed)$", description="Only campaigns in this status.")


def campaign_out(c: Campaign) -> dict:
    return {
        "slug": c.slug,
        "status": c.status,
        "title": c.title,
        "theme": c.theme,
        "issuer": {"code": c.issuer_unit.code, "name": c.issuer_unit.name} if c.issuer_unit_id else None,
        "document_number": c.document_number,
        "issue_date": c.issue_date,
        "period_start": c.effective_period_start,
        "period_end": c.period_end,
        "registration_deadline": local(c.registration_deadline),
    }


def milestone_out(m: Milestone) -> dict:
    return {
        "code": m.code,
        "kind": m.kind,
        "title": m.title,
        "deadline": local(m.deadline),
        "deadline_text": m.deadline_text,
        "submit_to": m.submit_to,
    }


def indicator_out(i) -> dict:
    return {
        "code": i.code,
        "name": i.name,
        "kind": i.kind,
        "direction": i.direction,
        "target": number(i.target_value),
        "unit_of_measure": i.unit_of_measure,
        "denominator": i.denominator,
        "goal": i.goal.code if i.goal_id else None,
        "activity": i.activity.code if i.activity_id else None,
    }


@router.get("/campaigns", response={200: CampaignPage, **errors()}, summary="Campaigns")
def campaign_list(request, filters: Query[StatusFilter], paging: Query[Paging]):
    qs = campaign_access.visible_campaigns(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return page(qs.order_by("-period_end", "slug"), paging, campaign_out)


@router.get("/campaigns/{slug}", response={200: CampaignDetail, **errors()}, summary="One campaign")
def campaign_detail(request, slug: str):
    c = campaign_access.get_campaign_or_404(request.user, slug)
    return {
        **campaign_out(c),
        "context": c.context,
        "audience": c.audience,
        "goals": [
            {"code": g.code, "text": g.text, "target": number(g.target_value), "target_unit": g.target_unit}
            for g in c.goals.all()
        ],
        "activities": [
            {
                "code": a.code,
                "title": a.title,
                "description": a.description,
                "start_date": a.start_date,
                "end_date": a.end_date,
                "venue": a.venue,
                "target": number(a.target_value),
                "target_unit": a.target_unit,
            }
            for a in c.activities.all()
        ],
        "indicators": [indicator_out(i) for i in c.indicators.select_related("goal", "activity")],
        "milestones": [milestone_out(m) for m in c.milestones.all()],
    }


@router.get(
    "/campaigns/{slug}/definition",
    response={200: dict[str, Any], **errors()},
    summary="The campaign's definition (exchange format, as JSON)",
)
def campaign_definition(request, slug: str):
    c = campaign_access.get_campaign_or_404(request.user, slug)
    return defn.export_definition(c)


@router.get(
    "/campaigns/{slug}/milestones", response={200: list[MilestoneOut], **errors()}, summary="Deadlines of a campaign"
)
def milestone_list(request, slug: str):
    c = campaign_access.get_campaign_or_404(request.user, slug)
    return [milestone_out(m) for m in c.milestones.all()]


@router.get("/campaigns/{slug}/indicators", response={200: list[IndicatorOut], **errors()}, summary="Indicators")
def indicator_list(request, slug: str):
    c = campaign_access.get_campaign_or_404(request.user, slug)
    return [indicator_out(i) for i in c.indicators.select_related("goal", "activity")]
