"""The importer: reads a plan section by section and puts the draft definition together.

The readers run in a fixed order — header, footer, the issuer, title, the outline's walk (goals, activities,
assignments), period, audience, organisation, milestones — because later ones use what earlier ones found (the
issuer's level, the plan's year, the period) and because that order is the order of the spans and warnings.
"""

from __future__ import annotations

from thidua.campaigns.checks import check_definition
from thidua.campaigns.definition import FORMAT, validate
from thidua.planimport.parser.confidence import field_confidence
from thidua.planimport.parser.duties import read_named_duties
from thidua.planimport.parser.footer import read_footer
from thidua.planimport.parser.goals import add_quota_goal, add_text_targets
from thidua.planimport.parser.header import read_header, settle_issuer
from thidua.planimport.parser.milestones import read_milestones
from thidua.planimport.parser.organisation import (
    coordinator_from_email,
    org_paras,
    read_organisation,
    read_submission_email,
)
from thidua.planimport.parser.outline import build_outline
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.period import read_audience, read_period, settle_period_range, warn_unknown_period
from thidua.planimport.parser.result import ImportResult
from thidua.planimport.parser.sections import walk
from thidua.planimport.parser.state import ParseState
from thidua.planimport.parser.title import campaign_slug, find_plan_year, read_title, theme_in_context


def _text_of(state: ParseState, paras: list[Para], path: str) -> str | None:
    """The text from the first paragraph to the last, recorded as the span `path`; None for no paragraphs."""
    if not paras:
        return None
    s, e = paras[0].start, paras[-1].end
    state.span(path, s, e)
    return state.slice(s, e)


def _registration(state: ParseState) -> str | None:
    if not state.registration:
        return None
    deadline, start, end = state.registration
    state.span("registration_deadline", start, end)
    return deadline


def _read(state: ParseState, issuer_code: str | None) -> dict:
    """The definition's parts, read in the order that gives spans and warnings their order."""
    issuer = read_header(state)
    distribution, signature = read_footer(state)
    settle_issuer(state, issuer, signature["on_behalf"], issuer_code)
    title, theme = read_title(state)
    state.plan_year = find_plan_year(state, issuer, title or "")
    outline = build_outline(state)
    walk(state, outline.roots, None)
    for p in outline.closing:  # "Tổng cộng: 4 đội" among the last lines
        add_quota_goal(state, p)
    add_text_targets(state, outline.context + outline.closing)  # a dispatch's "vận động 100% đoàn viên …"
    if theme is None:
        theme = theme_in_context(state, outline.context)
    context = _text_of(state, outline.context, "context")
    period = read_period(state, outline.context)
    settle_period_range(state, period, issuer["date"])
    audience = read_audience(state)
    submission_email = read_submission_email(state)
    org = read_organisation(state)
    read_named_duties(state, org_paras(state))
    coordinator_from_email(state, org, submission_email, issuer["unit"])
    read_milestones(state, submission_email)
    closing_text = _text_of(state, outline.closing, "closing_text")
    registration = _registration(state)
    warn_unknown_period(state, period)
    return {
        "title": title,
        "theme": theme,
        "context": context,
        "issuer": issuer,
        "period": period,
        "audience": audience,
        "org": org,
        "submission_email": submission_email,
        "registration_deadline": registration,
        "closing_text": closing_text,
        "distribution": distribution,
        "signature": signature,
    }


def _warnings(state: ParseState, definition: dict) -> list:
    """The importer's early warnings, then check_definition()'s (without what the importer already said),
    then the importer's late ones."""
    reported = {f.where for f in state.late if f.code == "unit_not_in_directory"}
    checks = [
        f
        for f in check_definition(definition)
        if not (f.code == "unit_not_in_directory" and f.where in reported)
        and not (f.code == "period_start_unknown" and definition["period"]["start"] is None)
    ]
    return [*state.early, *checks, *state.late]


def import_text(text: str, *, issuer_code: str | None = None, slug: str | None = None) -> ImportResult:
    """Read a plan's text and return the draft definition, where each field came from and the warnings.

    The definition always passes definition.validate(); `issuer_code` is the issuer when the header names
    none, `slug` replaces the slug made from the theme or title.
    """
    state = ParseState.read(text)
    parts = _read(state, issuer_code)
    org = parts["org"]
    definition = {
        "format": FORMAT,
        "slug": slug or campaign_slug(state, parts["title"], parts["theme"]),
        "status": "draft",
        "title": parts["title"] or "Kế hoạch (không có tiêu đề)",
        "theme": parts["theme"],
        "context": parts["context"],
        "issuer": parts["issuer"],
        "period": parts["period"],
        "audience": parts["audience"],
        "steering_committee": org["steering_committee"],
        "coordinator": org["coordinator"] or {"unit": None, "duties": None},
        "unit_duties": org["unit_duties"],
        "submission_email": parts["submission_email"],
        "registration_deadline": parts["registration_deadline"],
        "goals": state.goals,
        "activities": state.activities,
        "indicators": [],
        "milestones": state.milestones,
        "closing_text": parts["closing_text"],
        "distribution": parts["distribution"],
        "signature": parts["signature"],
    }
    validate(definition)
    warnings = _warnings(state, definition)
    confidence = field_confidence(state.text, definition, state.spans, warnings, state.named_duties)
    return ImportResult(
        state.text, definition, state.spans, warnings, state.suggestions, confidence, state.named_duties
    )
