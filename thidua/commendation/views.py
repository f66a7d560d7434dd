from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.campaigns import access as campaign_access
from thidua.campaigns.models import Criterion
from thidua.commendation import access as commendation_access
from thidua.commendation import scoring, services
from thidua.commendation.forms import (
    AdjustmentForm,
    AssessmentForm,
    DecideForm,
    DecisionForm,
    IndividualForm,
    ReasonForm,
    ReviewForm,
)
from thidua.commendation.models import Adjustment, Assessment, Proposal
from thidua.core.errors import Refused
from thidua.core.forms import PickForm, post_action
from thidua.units import access

# The proposals page lists what awaits someone first, what is settled last.
WORK_ORDER = [
    Proposal.Status.SUBMITTED,
    Proposal.Status.PROPOSED,
    Proposal.Status.DRAFT,
    Proposal.Status.RETURNED,
    Proposal.Status.APPROVED,
    Proposal.Status.DECIDED,
    Proposal.Status.WITHDRAWN,
]


def _unit_in_reach(request, campaign, code):
    """A unit whose self-assessment or proposals the user may touch: 404 when the unit is out of
    the user's reach (another district), so its existence is not confirmed; 403 below for roles."""
    unit = commendation_access.result_unit_or_404(request.user, campaign, code)
    if not (access.can_view_unit(request.user, unit) or commendation_access.may_review(request.user, campaign)):
        raise Http404
    return unit


def _campaign(request, slug):
    campaign = campaign_access.get_campaign_or_404(request.user, slug)
    access.require(commendation_access.may_see_results(request.user, campaign))
    return campaign


@login_required
def ranking(request, slug):
    """Each cluster's ranking, criterion by criterion, with the formulas and the tie rule."""
    campaign = _campaign(request, slug)
    clusters = list(campaign.clusters.all())
    cluster = next((c for c in clusters if c.code == request.GET.get("cum")), clusters[0] if clusters else None)
    rows = scoring.ranking(campaign, cluster) if cluster and campaign.criteria.exists() else []
    mine = {u.pk for u in access.role_units(request.user)}
    return render(
        request,
        "commendation/ranking.html",
        {
            "campaign": campaign,
            "clusters": clusters,
            "cluster": cluster,
            "criteria": list(campaign.criteria.all()),
            "rows": rows,
            "mine": mine,
            "can_review": commendation_access.may_review(request.user, campaign),
        },
    )


@login_required
def unit_result(request, slug, code):
    """Why a unit ranks where it does: every line's formula, inputs and points; bonuses and penalties."""
    campaign = _campaign(request, slug)
    unit = commendation_access.result_unit_or_404(request.user, campaign, code)
    [score] = scoring.scores(campaign, [unit])
    clusters = scoring.clusters_of(campaign, unit)
    places = []
    for cluster in clusters:
        ranked = scoring.ranking(campaign, cluster)
        place = next((s.rank for s in ranked if s.unit.pk == unit.pk), None)
        places.append((cluster, place, len(ranked)))
    assessment = Assessment.objects.filter(campaign=campaign, unit=unit).first()
    lines = {line.criterion_id: line for line in assessment.lines.all()} if assessment else {}
    return render(
        request,
        "commendation/unit.html",
        {
            "campaign": campaign,
            "unit": unit,
            "score": score,
            "rows": [(line, lines.get(line.criterion.pk)) for line in score.lines],
            "places": places,
            "assessment": assessment,
            "withdrawn": Adjustment.objects.filter(campaign=campaign, unit=unit, withdrawn_at__isnull=False),
            "show_evidence": commendation_access.may_see_evidence(request.user, campaign, unit),
            "can_assess": commendation_access.may_assess(request.user, campaign, unit),
            "can_review": commendation_access.may_review(request.user, campaign),
        },
    )


@login_required
def assessment(request, slug, code):
    """The unit fills in its self-assessment; the coordinator reviews it and adds bonuses or penalties."""
    campaign = _campaign(request, slug)
    unit = _unit_in_reach(request, campaign, code)
    can_assess = commendation_access.may_assess(request.user, campaign, unit)
    can_review = commendation_access.may_review(request.user, campaign)
    access.require(can_assess or can_review)
    record = Assessment.objects.filter(campaign=campaign, unit=unit).first()
    lines = {line.criterion_id: line for line in record.lines.all()} if record else {}
    criteria = list(campaign.criteria.all())
    data = request.POST if request.method == "POST" else None
    unit_form = AssessmentForm(data if data and "assess" in data else None, criteria=criteria, lines=lines)
    review_form = ReviewForm(data if data and "review" in data else None, criteria=criteria, lines=lines)
    if request.method == "POST":
        campaign_access.require_open_or_closed(campaign)
        done = _assessment_post(request, campaign, unit, record, unit_form, review_form, can_assess, can_review)
        if done:
            return redirect("commendation:assessment", slug=slug, code=code)
    [score] = scoring.scores(campaign, [unit])
    manual = [line for line in score.lines if line.criterion.source == Criterion.Source.MANUAL]
    return render(
        request,
        "commendation/assessment.html",
        {
            "campaign": campaign,
            "unit": unit,
            "record": record,
            "score": score,
            "manual_rows": [(line, lines.get(line.criterion.pk)) for line in manual],
            "unit_form": unit_form,
            "review_form": review_form,
            "adjust_form": AdjustmentForm(),
            "can_assess": can_assess and (record is None or record.status != Assessment.Status.REVIEWED),
            "can_review": can_review and record is not None and record.status != Assessment.Status.DRAFT,
            "can_adjust": can_review,
        },
        status=400 if request.method == "POST" else 200,
    )


def _assessment_post(request, campaign, unit, record, unit_form, review_form, can_assess, can_review) -> bool:
    try:
        if "assess" in request.POST:
            access.require(can_assess)
            if not unit_form.is_valid():
                return False
            submit = request.POST.get("assess") == "submit"
            services.assessment_save(
                actor=request.user, campaign=campaign, unit=unit, lines=unit_form.lines(), submit=submit
            )
            messages.success(request, _("Sent for review.") if submit else _("Saved."))
            return True
        if "review" in request.POST:
            access.require(can_review and record is not None)
            if not review_form.is_valid():
                return False
            finish = request.POST.get("review") == "finish"
            services.assessment_review(actor=request.user, assessment=record, lines=review_form.lines(), finish=finish)
            messages.success(request, _("Review finished; the unit is told.") if finish else _("Saved."))
            return True
    except Refused as exc:
        messages.error(request, str(exc))
        return False
    raise Http404


@require_POST
@login_required
def adjustment_add(request, slug, code):
    campaign = _campaign(request, slug)
    unit = _unit_in_reach(request, campaign, code)
    access.require(commendation_access.may_review(request.user, campaign))
    return post_action(
        request,
        AdjustmentForm(request.POST),
        lambda d: services.adjustment_add(
            actor=request.user, campaign=campaign, unit=unit, points=d["points"], reason=d["reason"]
        ),
        success=_("The line is added to the unit's score."),
        then=("commendation:assessment", slug, code),
    )


@require_POST
@login_required
def adjustment_withdraw(request, slug, code):
    campaign = _campaign(request, slug)
    unit = _unit_in_reach(request, campaign, code)
    access.require(commendation_access.may_review(request.user, campaign))
    pick = PickForm(
        request.POST,
        name="adjustment",
        queryset=Adjustment.objects.filter(campaign=campaign, unit=unit, withdrawn_at__isnull=True),
        message=_("Choose a line of this unit."),
    )
    return post_action(
        request,
        pick,
        lambda d: services.adjustment_withdraw(actor=request.user, adjustment=d["adjustment"], reason=d["reason"]),
        success=_("The line is withdrawn."),
        then=("commendation:assessment", slug, code),
    )


# --- proposals -------------------------------------------------------------------------------------


@login_required
def proposals(request, slug):
    """The commendation file: drafts from the ranking, the units' proposals, the steering committee's
    approvals, the decision; each role sees the buttons it may press."""
    campaign = _campaign(request, slug)
    can_review = commendation_access.may_review(request.user, campaign)
    can_approve = commendation_access.may_approve(request.user, campaign)
    items = Proposal.objects.filter(campaign=campaign).select_related("unit", "award_type", "decision")
    if not (can_review or can_approve):
        items = items.filter(unit__in=access.visible_units(request.user))
    by_status = {status: [] for status in WORK_ORDER}
    for proposal in items:
        by_status[proposal.status].append(proposal)
    return render(
        request,
        "commendation/proposals.html",
        {
            "campaign": campaign,
            "groups": [(Proposal.Status(s).label, s, rows) for s, rows in by_status.items() if rows],
            "can_review": can_review,
            "can_approve": can_approve,
            "decision_form": DecisionForm(
                initial={
                    "on_behalf": campaign.signature_on_behalf,
                    "signer_position": campaign.signature_position,
                    "signer_name": campaign.signature_name,
                }
            ),
            "approved": len(by_status[Proposal.Status.APPROVED]),
            "decisions": campaign.decisions.all(),
            "clusters": campaign.clusters.all(),
            "my_units": [
                u for u in access.role_units(request.user, access.WRITE_ROLES) if campaign.issuer_unit.contains(u)
            ],
        },
    )


def _reviewer_post(request, slug, action, success):
    campaign = _campaign(request, slug)
    access.require(commendation_access.may_review(request.user, campaign))
    campaign_access.require_open_or_closed(campaign)
    return post_action(
        request,
        ReasonForm(request.POST),
        lambda d: action(campaign, d),
        success=success,
        then=("commendation:proposals", slug),
    )


@require_POST
@login_required
def proposals_draft(request, slug):
    return _reviewer_post(
        request,
        slug,
        lambda campaign, d: services.proposals_from_ranking(
            actor=request.user, campaign=campaign, cluster_code=request.POST.get("cum", "")[:20]
        ),
        lambda created: _("%(n)s proposal(s) drafted from the ranking.") % {"n": len(created)},
    )


@require_POST
@login_required
def proposals_submit(request, slug):
    return _reviewer_post(
        request,
        slug,
        lambda campaign, d: services.proposals_submit(actor=request.user, campaign=campaign),
        lambda n: _("%(n)s proposal(s) sent to the steering committee.") % {"n": n},
    )


def _proposal_pick(request, campaign):
    return PickForm(
        request.POST,
        name="proposal",
        queryset=Proposal.objects.filter(campaign=campaign),
        message=_("Choose a proposal of this campaign."),
    )


@require_POST
@login_required
def proposal_decide(request, slug):
    campaign = _campaign(request, slug)
    access.require(commendation_access.may_approve(request.user, campaign))
    form = DecideForm(request.POST)
    pick = _proposal_pick(request, campaign)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("commendation:proposals", slug=slug)
    return post_action(
        request,
        pick,
        lambda d: services.proposal_decide(
            actor=request.user,
            proposal=d["proposal"],
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        ),
        success=lambda p: (
            _("Approved: %(name)s.") % {"name": p.awardee}
            if p.status == Proposal.Status.APPROVED
            else _("Returned: %(name)s.") % {"name": p.awardee}
        ),
        then=("commendation:proposals", slug),
    )


@require_POST
@login_required
def proposal_withdraw(request, slug):
    campaign = _campaign(request, slug)
    may_review = commendation_access.may_review(request.user, campaign)
    access.require(may_review or bool(access.role_units(request.user, access.WRITE_ROLES)))
    pick = _proposal_pick(request, campaign)
    if pick.is_valid():
        proposal = pick.cleaned_data["proposal"]
        access.require(
            may_review
            or (proposal.is_individual and commendation_access.may_assess(request.user, campaign, proposal.unit))
        )
    return post_action(
        request,
        pick,
        lambda d: services.proposal_withdraw(actor=request.user, proposal=d["proposal"], reason=d["reason"]),
        success=_("The proposal is withdrawn."),
        then=("commendation:proposals", slug),
    )


@require_POST
@login_required
def decision_record(request, slug):
    campaign = _campaign(request, slug)
    access.require(commendation_access.may_review(request.user, campaign))
    return post_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.decision_record(actor=request.user, campaign=campaign, **d),
        success=lambda decision: (
            _("Decision %(number)s recorded; %(n)s award(s) granted and the units told.")
            % {"number": decision.number, "n": decision.proposals.count()}
        ),
        then=("commendation:proposals", slug),
    )


@login_required
def propose(request, slug, code):
    """A unit proposes one of its people for an award."""
    campaign = _campaign(request, slug)
    unit = _unit_in_reach(request, campaign, code)
    access.require(commendation_access.may_assess(request.user, campaign, unit))
    form = IndividualForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        campaign_access.require_open_or_closed(campaign)
        try:
            services.proposal_individual(actor=request.user, campaign=campaign, unit=unit, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Proposed; the coordinator includes it in the file sent for approval."))
            return redirect("commendation:proposals", slug=slug)
    own = Proposal.objects.filter(campaign=campaign, unit=unit).exclude(person_name="")
    return render(request, "commendation/propose.html", {"campaign": campaign, "unit": unit, "form": form, "own": own})
