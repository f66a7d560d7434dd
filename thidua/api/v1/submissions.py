"""Documents: a unit's status for a milestone (with every version and its receipt), sending a new
version (the web portal's file rules: thidua.submissions.services.submission_create), a receipt,
and the completeness board of a subtree."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from thidua.api.v1.base import Paging, errors
from thidua.api.v1.campaigns import UnitRef, local
from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Campaign, Milestone
from thidua.core.files import uploaded
from thidua.core.outbox import site_url
from thidua.submissions import access as submission_access
from thidua.submissions import queries, services
from thidua.submissions.models import Submission
from thidua.units import access
from thidua.units.models import Unit

router = Router(tags=["submissions"])


class FileOut(Schema):
    name: str
    sha256: str
    size: int
    kind: str


class ReceiptOut(Schema):
    number: str
    campaign: str
    milestone: str
    unit: UnitRef
    version: int
    received_at: dt.datetime = Field(description="The server's clock when the upload was complete.")
    deadline: dt.datetime = Field(description="The deadline that applied (the unit's extension, if any).")
    on_time: bool
    review: str = Field(description="received, accepted or supplement")
    note: str
    files: list[FileOut]
    url: str = Field(description="The receipt's page on the site (absolute, from THIDUA_SITE_URL).")


class UnitStatusOut(Schema):
    campaign: str
    milestone: str
    unit: UnitRef
    status: str = Field(description="on_time, late, missing (deadline passed), awaiting, exempted")
    deadline: dt.datetime
    first_received_at: dt.datetime | None
    versions: list[ReceiptOut]
    may_submit: bool = Field(description="Whether this token may send a new version now.")


class CellOut(Schema):
    milestone: str
    status: str
    deadline: dt.datetime
    first_received_at: dt.datetime | None
    versions: int


class BoardRow(Schema):
    unit: UnitRef
    cells: list[CellOut] = Field(description="One per milestone that expects the unit.")


class SummaryOut(Schema):
    milestone: str
    title: str
    deadline: dt.datetime
    expected: int
    exempted: int
    received: int
    on_time: int
    late: int
    missing: int
    awaiting: int
    reporting_rate: float | None = Field(description="Percentage of expected units that sent it.")
    on_time_rate: float | None


class BoardOut(Schema):
    campaign: str
    scope: UnitRef
    summaries: list[SummaryOut]
    count: int
    limit: int
    offset: int
    rows: list[BoardRow]


class BoardFilter(Schema):
    unit: str = Field("", max_length=40, description="The subtree (a unit's code); default: the widest you see.")
    status: str = Field(
        "",
        pattern="^(|on_time|late|missing|awaiting|exempted)$",
        description="Only units in this status for some milestone.",
    )


def _milestone_or_404(campaign: Campaign, code: str) -> Milestone:
    milestone = campaign.milestones.filter(code=code).first()
    if milestone is None:
        raise Http404
    return milestone


def _unit_for_documents(request, campaign: Campaign, milestone: Milestone, code: str) -> Unit:
    """As the unit's document page: whoever sees the unit (or reviews the milestone), if expected."""
    unit = Unit.objects.filter(code=code).first()
    if (
        unit is None
        or not submission_access.can_see_documents(request.user, milestone, unit)
        or not queries.is_expected(milestone, campaign, unit)
    ):
        raise Http404
    return unit


def receipt_out(s: Submission) -> dict:
    return {
        "number": s.receipt_number,
        "campaign": s.milestone.campaign.slug,
        "milestone": s.milestone.code,
        "unit": {"code": s.unit.code, "name": s.unit.name},
        "version": s.version,
        "received_at": local(s.received_at),
        "deadline": local(s.deadline),
        "on_time": s.on_time,
        "review": s.status,
        "note": s.note,
        "files": [
            {"name": f.name, "sha256": f.stored.sha256, "size": f.stored.size, "kind": f.stored.kind}
            for f in s.files.all()
        ],
        "url": site_url(services.receipt_path(s)),
    }


@router.get(
    "/campaigns/{slug}/milestones/{milestone}/units/{code}",
    response={200: UnitStatusOut, **errors()},
    summary="A unit's status for one milestone, with every version",
)
def unit_status(request, slug: str, milestone: str, code: str):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    m = _milestone_or_404(campaign, milestone)
    unit = _unit_for_documents(request, campaign, m, code)
    state = queries.statuses(m, [unit.pk])[unit.pk]
    versions = (
        Submission.objects.filter(milestone=m, unit=unit)
        .select_related("milestone__campaign", "unit")
        .prefetch_related("files__stored")
        .order_by("version")
    )
    return {
        "campaign": campaign.slug,
        "milestone": m.code,
        "unit": {"code": unit.code, "name": unit.name},
        "status": state.status,
        "deadline": local(state.deadline),
        "first_received_at": local(state.first_received_at),
        "versions": [receipt_out(s) for s in versions],
        "may_submit": submission_access.may_send(request.user, campaign, unit)
        and state.status != queries.Status.EXEMPTED,
    }


@router.post(
    "/campaigns/{slug}/milestones/{milestone}/units/{code}/submissions",
    response={201: ReceiptOut, **errors(403, 413)},
    summary="Send a new version of the unit's document (multipart: files, note)",
)
def submission_send(
    request,
    slug: str,
    milestone: str,
    code: str,
    files: Annotated[
        list[UploadedFile], File(description="One or more files (the portal's rules: type, size, count).")
    ],
    note: Annotated[str, Form(max_length=2000)] = "",
):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    m = _milestone_or_404(campaign, milestone)
    unit = _unit_for_documents(request, campaign, m, code)
    campaign_access.require_open(campaign)
    access.require(submission_access.may_send(request.user, campaign, unit))
    uploads = [uploaded(f) for f in files]
    submission = services.submission_create(
        actor=request.user, milestone=m, unit=unit, uploads=uploads, note=note.strip()
    )
    submission = (
        Submission.objects.select_related("milestone__campaign", "unit")
        .prefetch_related("files__stored")
        .get(pk=submission.pk)
    )
    return Status(201, receipt_out(submission))


@router.get(
    "/campaigns/{slug}/receipts/{number}", response={200: ReceiptOut, **errors()}, summary="A receipt by its number"
)
def receipt(request, slug: str, number: str):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    s = (
        Submission.objects.select_related("milestone__campaign", "unit")
        .prefetch_related("files__stored")
        .filter(receipt_number=number, milestone__campaign=campaign)
        .first()
    )
    if s is None or not submission_access.can_see_documents(request.user, s.milestone, s.unit):
        raise Http404
    return receipt_out(s)


@router.get(
    "/campaigns/{slug}/board",
    response={200: BoardOut, **errors()},
    summary="Completeness board of a subtree: who sent what, on time or late, with rates",
)
def board(request, slug: str, filters: Query[BoardFilter], paging: Query[Paging]):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    scope = campaign_access.campaign_scope(request.user, campaign, filters.unit or None)
    result = queries.board(campaign, within=scope)
    rows = result.rows
    if filters.status:
        rows = [(u, cells) for u, cells in rows if any(c and c.status == filters.status for c in cells)]
    chunk = rows[paging.offset : paging.offset + paging.limit]
    return {
        "campaign": campaign.slug,
        "scope": {"code": scope.code, "name": scope.name},
        "summaries": [
            {
                "milestone": m.code,
                "title": m.title,
                "deadline": local(m.deadline),
                "expected": s.expected,
                "exempted": s.exempted,
                "received": s.received,
                "on_time": s.on_time,
                "late": s.late,
                "missing": s.missing,
                "awaiting": s.awaiting,
                "reporting_rate": s.reporting_rate,
                "on_time_rate": s.on_time_rate,
            }
            for m, s in zip(result.milestones, result.summaries)
        ],
        "count": len(rows),
        "limit": paging.limit,
        "offset": paging.offset,
        "rows": [
            {
                "unit": {"code": u.code, "name": u.name},
                "cells": [
                    {
                        "milestone": m.code,
                        "status": c.status,
                        "deadline": local(c.deadline),
                        "first_received_at": local(c.first_received_at),
                        "versions": c.versions,
                    }
                    for m, c in zip(result.milestones, cells)
                    if c is not None
                ],
            }
            for u, cells in chunk
        ],
    }
