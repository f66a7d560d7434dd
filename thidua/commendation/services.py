"""Writes at the end of a campaign: self-assessment and its review, bonuses and penalties, proposals
for commendation, the steering committee's approval, the decision. One transaction each, audited;
nothing deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.campaigns.models import AwardType, Campaign, Criterion
from thidua.commendation import scoring
from thidua.commendation.models import Adjustment, Assessment, AssessmentLine, Decision, Proposal
from thidua.core import timeutils
from thidua.core.audit import log_action
from thidua.core.errors import Refused
from thidua.core.outbox import email_queue, notify_users, site_url
from thidua.core.templatetags.thidua import number
from thidua.units.models import Role, Unit
from thidua.units.queries import officers_by_unit, unit_officers

MAX_TEXT = 4000


def _require_scoring_open(campaign: Campaign) -> None:
    if campaign.status == Campaign.Status.DRAFT:
        raise Refused(_("The campaign is not published: there is nothing to score yet."))
    if not campaign.criteria.exists():
        raise Refused(_("The campaign has no criteria set yet: the coordinator adds it in the campaign editor."))


# --- self-assessment ---------------------------------------------------------------------------------


def _check_points(criterion: Criterion, points: Decimal | None, field: str = "points") -> None:
    if points is not None and not (0 <= points <= criterion.max_points):
        raise Refused(
            _("%(code)s: points must be between 0 and %(max)s.")
            % {"code": criterion.code, "max": criterion.max_points},
            field=field,
        )


def assessment_save(
    *, actor, campaign: Campaign, unit: Unit, lines: dict[str, dict], submit: bool = False
) -> Assessment:
    """The unit's own points (criteria scored by people) and its evidence and notes (any criterion);
    `submit` sends it for review. Refused once reviewed."""
    _require_scoring_open(campaign)
    criteria = {c.code: c for c in campaign.criteria.all()}
    with transaction.atomic():
        assessment, _created = Assessment.objects.select_for_update().get_or_create(campaign=campaign, unit=unit)
        if assessment.status == Assessment.Status.REVIEWED:
            raise Refused(_("The self-assessment has been reviewed: it can no longer change."))
        changes = {}
        for code, data in lines.items():
            criterion = criteria.get(code)
            if criterion is None:
                raise Refused(_("Unknown criterion “%(code)s”.") % {"code": code[:40]})
            points = data.get("self_points") if criterion.source == Criterion.Source.MANUAL else None
            _check_points(criterion, points)
            line, _new = AssessmentLine.objects.get_or_create(assessment=assessment, criterion=criterion)
            new = (points, (data.get("evidence") or "")[:MAX_TEXT], (data.get("note") or "")[:MAX_TEXT])
            old = (line.self_points, line.evidence, line.note)
            if new != old:
                line.self_points, line.evidence, line.note = new
                line.save(update_fields=["self_points", "evidence", "note"])
                changes[code] = [
                    str(old[0]) if old[0] is not None else None,
                    str(new[0]) if new[0] is not None else None,
                ]
        if submit:
            assessment.status = Assessment.Status.SUBMITTED
            assessment.submitted_at, assessment.submitted_by = timeutils.now(), actor
            assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
        log_action(
            actor=actor,
            action="assessment.submit" if submit else "assessment.save",
            obj=assessment,
            changes=changes,
        )
    return assessment


def assessment_review(*, actor, assessment: Assessment, lines: dict[str, dict], finish: bool = False) -> Assessment:
    """The reviewer's points and notes, line by line; `finish` closes the review and tells the unit."""
    campaign = assessment.campaign
    criteria = {c.code: c for c in campaign.criteria.all()}
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status == Assessment.Status.DRAFT:
            raise Refused(_("The unit has not sent its self-assessment yet."))
        now = timeutils.now()
        changes = {}
        for code, data in lines.items():
            criterion = criteria.get(code)
            if criterion is None or criterion.source != Criterion.Source.MANUAL:
                continue  # computed lines are not scored by hand; bonuses and penalties adjust them
            points = data.get("reviewed_points")
            _check_points(criterion, points)
            line, _new = AssessmentLine.objects.get_or_create(assessment=assessment, criterion=criterion)
            note = (data.get("review_note") or "")[:MAX_TEXT]
            if (line.reviewed_points, line.review_note) != (points, note):
                changes[code] = [_plain(line.reviewed_points), _plain(points)]
                line.reviewed_points, line.review_note = points, note
                line.reviewed_by, line.reviewed_at = actor, now
                line.save(update_fields=["reviewed_points", "review_note", "reviewed_by", "reviewed_at"])
        if finish:
            assessment.status = Assessment.Status.REVIEWED
            assessment.reviewed_at, assessment.reviewed_by = now, actor
            assessment.save(update_fields=["status", "reviewed_at", "reviewed_by"])
            path = reverse("commendation:unit", args=[campaign.slug, assessment.unit.code])
            with translation.override("vi"):
                notify_users(
                    unit_officers(assessment.unit), text=_("Your self-assessment has been reviewed."), url=path
                )
        log_action(actor=actor, action="assessment.review", obj=assessment, changes=changes)
    return assessment


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# --- bonuses and penalties ---------------------------------------------------------------------------


def adjustment_add(*, actor, campaign: Campaign, unit: Unit, points: Decimal, reason: str) -> Adjustment:
    _require_scoring_open(campaign)
    if not points:
        raise Refused(_("A bonus or penalty is not zero."), field="points")
    if not reason.strip():
        raise Refused(_("Say why: the unit reads it beside its score."), field="reason")
    with transaction.atomic():
        adjustment = Adjustment.objects.create(
            campaign=campaign, unit=unit, points=points, reason=reason.strip()[:MAX_TEXT], created_by=actor
        )
        log_action(
            actor=actor, action="adjustment.add", obj=adjustment, changes={"points": [None, str(points)]}, reason=reason
        )
    return adjustment


def adjustment_withdraw(*, actor, adjustment: Adjustment, reason: str) -> Adjustment:
    if not reason.strip():
        raise Refused(_("Say why the line is withdrawn."), field="reason")
    with transaction.atomic():
        adjustment = Adjustment.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.withdrawn_at:
            raise Refused(_("This line is already withdrawn."))
        adjustment.withdrawn_at, adjustment.withdrawn_by = timeutils.now(), actor
        adjustment.withdraw_reason = reason.strip()[:MAX_TEXT]
        adjustment.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        log_action(actor=actor, action="adjustment.withdraw", obj=adjustment, reason=reason)
    return adjustment


# --- proposals ---------------------------------------------------------------------------------------

ACTIVE = (
    Proposal.Status.DRAFT,
    Proposal.Status.PROPOSED,
    Proposal.Status.SUBMITTED,
    Proposal.Status.APPROVED,
    Proposal.Status.RETURNED,
    Proposal.Status.DECIDED,
)


def proposals_from_ranking(
    *, actor, campaign: Campaign, cluster_code: str = "", now: dt.datetime | None = None
) -> list[Proposal]:
    """Draft the collectives' proposals: in each cluster (or the one named), for each collective
    award type with a quota, the best-ranked units not already proposed (so running it again adds
    nothing)."""
    _require_scoring_open(campaign)
    types = [t for t in campaign.award_types.all() if t.level == AwardType.Level.COLLECTIVE and t.quota]
    if not types or not campaign.clusters.exists():
        raise Refused(_("Set the clusters and the collective award types with their quotas first (campaign editor)."))
    created = []
    with transaction.atomic():
        clusters = list(campaign.clusters.filter(code=cluster_code) if cluster_code else campaign.clusters.all())
        rankings = scoring.rankings(campaign, clusters, now=now)
        active = Proposal.objects.filter(campaign=campaign, status__in=ACTIVE)
        # A collective is proposed once, whatever the cluster; a quota counts what each cluster has.
        taken = set(active.filter(person_name="").values_list("unit_id", flat=True))
        already = {
            (row["award_type_id"], row["cluster_code"]): row["n"]
            for row in active.order_by().values("award_type_id", "cluster_code").annotate(n=Count("pk"))
        }
        for cluster in clusters:
            ranked = rankings[cluster.pk]
            for award_type in types:  # the highest form first, as the definition orders them
                room = max(award_type.quota - already.get((award_type.pk, cluster.code), 0), 0)
                for score in [s for s in ranked if s.unit.pk not in taken][:room]:
                    created.append(
                        Proposal.objects.create(
                            campaign=campaign,
                            award_type=award_type,
                            unit=score.unit,
                            cluster_code=cluster.code,
                            score=score.percent,
                            rank=score.rank,
                            achievement=_("Ranked %(rank)s of %(n)s in %(cluster)s with %(percent)s %% of the points.")
                            % {
                                "rank": score.rank,
                                "n": len(ranked),
                                "cluster": cluster.name,
                                "percent": number(score.percent),
                            },
                            created_by=actor,
                        )
                    )
                    taken.add(score.unit.pk)
        for proposal in created:
            log_action(actor=actor, action="proposal.draft", obj=proposal, changes={"status": [None, proposal.status]})
    return created


def proposal_individual(
    *, actor, campaign: Campaign, unit: Unit, award_type: AwardType, name: str, position: str, achievement: str
) -> Proposal:
    """A unit proposes one of its people, with an achievement summary."""
    _require_scoring_open(campaign)
    if award_type.campaign_id != campaign.pk or award_type.level != AwardType.Level.INDIVIDUAL:
        raise Refused(_("Choose an award for individuals."), field="award_type")
    if not name.strip() or not achievement.strip():
        raise Refused(_("Give the person's full name and a summary of the achievements."))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            campaign=campaign,
            award_type=award_type,
            unit=unit,
            person_name=name.strip()[:200],
            person_position=position.strip()[:200],
            achievement=achievement.strip()[:MAX_TEXT],
            status=Proposal.Status.PROPOSED,
            created_by=actor,
        )
        log_action(actor=actor, action="proposal.propose", obj=proposal, changes={"status": [None, proposal.status]})
    return proposal


def proposals_submit(*, actor, campaign: Campaign) -> int:
    """Send the drafts, the units' proposals and the corrected returned ones to the steering committee."""
    with transaction.atomic():
        waiting = list(
            Proposal.objects.select_for_update().filter(
                campaign=campaign,
                status__in=[Proposal.Status.DRAFT, Proposal.Status.PROPOSED, Proposal.Status.RETURNED],
            )
        )
        if not waiting:
            raise Refused(_("There is no proposal to send."))
        for proposal in waiting:
            old, proposal.status = proposal.status, Proposal.Status.SUBMITTED
            proposal.save(update_fields=["status", "updated_at"])
            log_action(actor=actor, action="proposal.submit", obj=proposal, changes={"status": [old, proposal.status]})
        steering = _steering(campaign)
        with translation.override("vi"):
            notify_users(
                steering,
                text=_("%(n)s commendation proposal(s) await your approval.") % {"n": len(waiting)},
                url=reverse("commendation:proposals", args=[campaign.slug]),
            )
    return len(waiting)


def _steering(campaign: Campaign) -> list:
    ancestors = campaign.issuer_unit.ancestor_paths(include_self=True)
    return list(
        get_user_model().objects.filter(unit_roles__role=Role.STEERING, unit_roles__unit__path__in=ancestors).distinct()
    )


def proposal_decide(*, actor, proposal: Proposal, approve: bool, reason: str = "") -> Proposal:
    """The steering committee approves a proposal, or returns it with a reason."""
    if not approve and not reason.strip():
        raise Refused(_("Say why the proposal is returned."), field="reason")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != Proposal.Status.SUBMITTED:
            raise Refused(_("Only a proposal awaiting the steering committee can be approved or returned."))
        old = proposal.status
        proposal.status = Proposal.Status.APPROVED if approve else Proposal.Status.RETURNED
        proposal.return_reason = "" if approve else reason.strip()[:MAX_TEXT]
        proposal.save(update_fields=["status", "return_reason", "updated_at"])
        log_action(
            actor=actor,
            action="proposal.decide",
            obj=proposal,
            changes={"status": [old, proposal.status]},
            reason=reason,
        )
    return proposal


def proposal_withdraw(*, actor, proposal: Proposal, reason: str) -> Proposal:
    if not reason.strip():
        raise Refused(_("Say why the proposal is withdrawn."), field="reason")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status in (Proposal.Status.DECIDED, Proposal.Status.WITHDRAWN):
            raise Refused(_("A granted or withdrawn proposal cannot be withdrawn."))
        old, proposal.status = proposal.status, Proposal.Status.WITHDRAWN
        proposal.return_reason = reason.strip()[:MAX_TEXT]
        proposal.save(update_fields=["status", "return_reason", "updated_at"])
        log_action(
            actor=actor,
            action="proposal.withdraw",
            obj=proposal,
            changes={"status": [old, proposal.status]},
            reason=reason,
        )
    return proposal


def decision_record(
    *,
    actor,
    campaign: Campaign,
    number: str,
    signed_on: dt.date,
    signer_name: str,
    signer_position: str,
    on_behalf: str = "",
    title: str = "",
) -> Decision:
    """Record the signed decision: every approved proposal is granted by it, and each unit is told."""
    with transaction.atomic():
        approved = list(
            Proposal.objects.select_for_update()
            .filter(campaign=campaign, status=Proposal.Status.APPROVED)
            .select_related("unit", "award_type")
        )
        if not approved:
            raise Refused(_("No approved proposal to grant."))
        decision = Decision.objects.create(
            campaign=campaign,
            number=number.strip()[:80],
            signed_on=signed_on,
            signer_name=signer_name.strip()[:200],
            signer_position=signer_position.strip()[:200],
            on_behalf=on_behalf.strip()[:200],
            title=(title.strip() or _("Decision on commending the collectives and individuals of the campaign"))[:300],
            created_by=actor,
        )
        for proposal in approved:
            proposal.status, proposal.decision = Proposal.Status.DECIDED, decision
            proposal.save(update_fields=["status", "decision", "updated_at"])
        log_action(
            actor=actor,
            action="decision.record",
            obj=decision,
            changes={"number": [None, decision.number], "granted": [None, len(approved)]},
        )
        _announce(campaign, decision, approved)
    return decision


def _announce(campaign: Campaign, decision: Decision, granted: list[Proposal]) -> None:
    by_unit: dict[int, list[Proposal]] = {}
    for proposal in granted:
        by_unit.setdefault(proposal.unit_id, []).append(proposal)
    officers = officers_by_unit(by_unit)
    path = reverse("commendation:proposals", args=[campaign.slug])
    with translation.override("vi"):
        for unit_id, items in by_unit.items():
            unit = items[0].unit
            lines = [f"- {p.awardee}: {p.award_type.name}" for p in items]
            text = _("Commended by decision No. %(number)s of %(date)s:") % {
                "number": decision.number,
                "date": decision.signed_on.strftime("%d/%m/%Y"),
            }
            notify_users(officers.get(unit_id, []), text=f"{text} {'; '.join(p.awardee for p in items)}", url=path)
            email_queue(
                to=[*unit.email_list, *(u.email for u in officers.get(unit_id, []))],
                subject=text.rstrip(":"),
                body="\n".join([_("Hello,"), "", text, *lines, "", site_url(path)]),
                key=f"decision:{decision.pk}:{unit_id}",
            )
