"""Young civil servants' initiatives: what the public gallery shows, and nothing more (the rule is
`queries.gallery` / `Initiative.objects.public()`: published as feasible, not declined everywhere;
authors' names only where they agreed; never a contact address)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Query, Router, Schema

from thidua.api.v1.base import Paging, errors, page
from thidua.api.v1.campaigns import local
from thidua.initiatives import queries
from thidua.initiatives.models import Forwarding, Initiative

router = Router(tags=["initiatives"])


class ForwardingOut(Schema):
    department: str
    forwarded_at: dt.datetime
    answer: str = Field(description="Empty while the department has not answered.")
    answered_on: dt.date | None
    remarks: str
    results: list[str]


class InitiativeOut(Schema):
    code: str
    title: str
    field: str
    status: str
    unit: str
    authors: list[str] = Field(description="Only where the authors agreed to publication.")
    submitted_at: dt.datetime | None
    problem: str
    solution: str
    benefit: str
    tried_at: str
    forwardings: list[ForwardingOut]


class InitiativePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InitiativeOut]


class InitiativeFilter(Schema):
    q: str = Field("", max_length=200, description="Words of the title or text, with or without accents.")
    field: str = Field("", max_length=20)
    status: str = Field("", max_length=14)
    year: int | None = Field(None, ge=2000, le=2100)


def initiative_out(i: Initiative) -> dict:
    return {
        "code": i.code or "",
        "title": i.title,
        "field": i.field,
        "status": i.status,
        "unit": i.unit.name,
        "authors": i.author_lines if i.show_authors else [],
        "submitted_at": local(i.submitted_at),
        "problem": i.problem,
        "solution": i.solution,
        "benefit": i.benefit,
        "tried_at": i.tried_at,
        "forwardings": [
            {
                "department": f.agency.name,
                "forwarded_at": local(f.forwarded_at),
                "answer": f.response,
                "answered_on": f.response_date,
                "remarks": f.response_reason,
                "results": [r.text for r in f.results.all()],
            }
            for f in i.forwardings.all()
        ],
    }


FORWARDINGS = Prefetch("forwardings", queryset=Forwarding.objects.select_related("agency").prefetch_related("results"))


@router.get("/initiatives", response={200: InitiativePage, **errors()}, summary="Published initiatives")
def initiative_list(request, filters: Query[InitiativeFilter], paging: Query[Paging]):
    qs = queries.gallery(q=filters.q.strip(), field=filters.field, status=filters.status, year=filters.year)
    return page(qs.prefetch_related(FORWARDINGS), paging, initiative_out)


@router.get("/initiatives/{code}", response={200: InitiativeOut, **errors()}, summary="One published initiative")
def initiative_detail(request, code: str):
    found = Initiative.objects.public().select_related("unit").prefetch_related(FORWARDINGS).filter(code=code).first()
    if found is None:
        raise Http404
    return initiative_out(found)
