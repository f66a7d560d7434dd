"""Rules added after review: an approval locks figures up to its date only; a closed unit's
ratios are refused; each dashboard says when ITS figures last changed."""

import datetime as dt

import pytest
from django.urls import reverse

from thidua.core.errors import Refused
from thidua.progress import queries, rules, services
from thidua.progress.models import IndicatorValue
from thidua.units.models import Unit
from thidua.units.services import unit_update

pytestmark = pytest.mark.django_db


def ind(campaign, code):
    return campaign.indicators.get(code=code)


def test_midterm_approval_locks_its_date_not_the_final_report(seed_campaign, demo_tree):
    jobs, qd1 = ind(seed_campaign, "youths_job_referrals"), demo_tree["QD1"]
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=100, as_of=dt.date(2023, 5, 30))
    midterm = seed_campaign.milestones.get(kind="midterm")
    signoff = services.signoff_submit(actor=None, milestone=midterm, unit=qd1, as_of=dt.date(2023, 5, 31)).signoff
    services.signoff_decide(actor=None, signoff=signoff, decision="approve")
    with pytest.raises(Refused):
        services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=120, as_of=dt.date(2023, 5, 31))
    # Figures for the final report (a later date) are still entered, and the approved ones stay.
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd1, numerator=180, as_of=dt.date(2023, 6, 20))
    assert queries.figure(jobs, qd1).value == 180
    assert queries.approved_figure(jobs, qd1).value == 100


def test_closed_unit_ratio_is_refused_but_counts_are_kept(seed_campaign, demo_tree):
    qd3 = Unit.objects.get(code="QD3")
    unit_update(actor=None, unit=qd3, values={"closed_on": dt.date(2023, 6, 1)})
    qd3.refresh_from_db()
    eid = ind(seed_campaign, "eid_l2_members")
    with pytest.raises(Refused):
        services.indicator_value_set(
            actor=None, indicator=eid, unit=qd3, numerator=5, denominator=10, as_of=dt.date(2023, 6, 5)
        )
    services.indicator_value_set(
        actor=None, indicator=eid, unit=qd3, numerator=5, denominator=10, as_of=dt.date(2023, 5, 20)
    )
    jobs = ind(seed_campaign, "youths_job_referrals")
    services.indicator_value_set(actor=None, indicator=jobs, unit=qd3, numerator=7, as_of=dt.date(2023, 6, 5))
    root = demo_tree["TD"]
    assert queries.figure(jobs, root).value == 7
    assert queries.figure(eid, root).value is None  # the closed unit left the ratio


def test_dashboard_time_is_the_units_own(client, seed_campaign, demo_tree, django_user_model):
    from thidua.units.models import Role, RoleAssignment

    jobs = ind(seed_campaign, "youths_job_referrals")
    services.indicator_value_set(
        actor=None, indicator=jobs, unit=demo_tree["QD1"], numerator=3, as_of=dt.date(2023, 5, 20)
    )
    user = django_user_model.objects.create_user(username="bcd", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=user, unit=demo_tree["TD"], role=Role.STEERING)
    client.force_login(user)
    url = reverse("progress:dashboard", args=[seed_campaign.slug])
    assert client.get(url + "?don-vi=QD3").context["as_of"] is None
    assert client.get(url + "?don-vi=QD1").context["as_of"] is not None


# --- validation rules between figures -------------------------------------------------------------


def test_validation_rules_refuse_on_entry_and_list_in_the_report(seed_campaign, demo_tree, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from thidua.progress import rules
    from thidua.units.models import Role, RoleAssignment

    campaign, qd1 = seed_campaign, demo_tree["QD1"]
    officer = get_user_model().objects.create_user("cb", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=qd1, role=Role.OFFICER)
    client.force_login(officer)
    url = reverse("progress:entry", args=[campaign.slug, "QD1"])
    page = client.get(url)
    form = page.context["form"]
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields if name != "confirm"
    }
    data["as_of"] = "2023-05-20"
    l1, l2 = (campaign.indicators.get(code=c) for c in ("eid_l1_members", "eid_l2_members"))
    data |= {f"i{l1.pk}": "50", f"d{l1.pk}": "100", f"i{l2.pk}": "70", f"d{l2.pk}": "100"}
    response = client.post(url, data)
    assert response.status_code == 200  # refused: level 2 (70) above level 1 (50)
    assert "mức 2 không nhiều hơn mức 1" in response.content.decode()
    assert not IndicatorValue.objects.filter(indicator__in=[l1, l2]).exists()  # nothing half-saved
    data[f"i{l2.pk}"] = "40"
    assert client.post(url, data).status_code == 302
    # The report over the city lists nothing for Quận 1 now; break the rule behind the form's back.
    IndicatorValue.objects.filter(indicator=l2, unit=qd1).update(numerator=90)
    found = rules.subtree_report(campaign, demo_tree["TD"])
    assert [(v.unit.code, v.rule.code) for v in found] == [("QD1", "eid_l2_within_l1_members")]
    coordinator = get_user_model().objects.create_user("dp", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    client.force_login(coordinator)
    report = client.get(reverse("progress:rules", args=[campaign.slug])).content.decode()
    assert "Quận Đoàn 1" in report and "90" in report


def _entry_form_data(client, url) -> dict:
    """The entry form's fields as the page fills them (every figure it shows), dated in the campaign."""
    form = client.get(url).context["form"]
    data = {
        name: ("" if form[name].value() is None else form[name].value()) for name in form.fields if name != "confirm"
    }
    return data | {"as_of": "2023-05-20"}


def test_a_warn_rule_lets_the_save_through_with_a_warning_and_a_refuse_rule_blocks_it(seed_campaign, demo_tree, client):
    """The seed's "level-2 guidance ≤ level-1" rule has importance `warn`: figures breaking it are
    saved and the officer is told; the same rule with importance `refuse` takes the save back."""
    from django.contrib.auth import get_user_model
    from django.contrib.messages import constants

    from thidua.campaigns.models import ValidationRule
    from thidua.units.models import Role, RoleAssignment

    campaign, qd1 = seed_campaign, demo_tree["QD1"]
    rule = campaign.validation_rules.get(code="eid_l2_guided_within_l1")
    assert rule.importance == ValidationRule.Importance.WARN
    l1, l2 = (campaign.indicators.get(code=c) for c in ("eid_l1_guided", "eid_l2_guided"))
    officer = get_user_model().objects.create_user("cb", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=officer, unit=qd1, role=Role.OFFICER)
    client.force_login(officer)
    url = reverse("progress:entry", args=[campaign.slug, "QD1"])
    data = _entry_form_data(client, url) | {f"i{l1.pk}": "10", f"i{l2.pk}": "15"}
    response = client.post(url, data, follow=True)
    assert response.redirect_chain and response.status_code == 200  # saved
    assert IndicatorValue.objects.get(indicator=l2, unit=qd1).numerator == 15
    warned = [str(m) for m in response.context["messages"] if m.level == constants.WARNING]
    assert warned == [
        f"Quận Đoàn 1 — “Lượt hướng dẫn định danh mức 2 không vượt quá mức 1”: {l2.name} (15) phải ≤ {l1.name} (10)."
    ]
    assert "Đã lưu 2 số liệu" in response.content.decode()
    # The report over the city lists it among the warnings, not among the refused figures.
    report = rules.subtree_report(campaign, demo_tree["TD"])
    assert [(v.unit.code, v.rule.code, v.refuses) for v in report] == [("QD1", rule.code, False)]
    # The other importance: the same kind of breach is refused and nothing is written.
    rule.importance = ValidationRule.Importance.REFUSE
    rule.save(update_fields=["importance"])
    data = _entry_form_data(client, url) | {f"i{l2.pk}": "16"}
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form again, with the reason
    assert "Lượt hướng dẫn định danh mức 2 không vượt quá mức 1" in " ".join(refused.context["form"].non_field_errors())
    assert IndicatorValue.objects.get(indicator=l2, unit=qd1).numerator == 15  # taken back


def test_a_rule_naming_an_unreported_figure_is_skipped(seed_campaign, demo_tree):
    from thidua.progress import rules

    l2 = seed_campaign.indicators.get(code="eid_l2_cadres")
    services.indicator_value_set(
        actor=None, indicator=l2, unit=demo_tree["QD1"], numerator=5, denominator=10, as_of=dt.date(2023, 5, 20)
    )
    assert rules.check_units(seed_campaign, [demo_tree["QD1"]]) == []  # level 1 not reported: not zero


def test_rules_in_the_definition_must_name_its_indicators(seed_definition):
    from thidua.campaigns import definition as defn

    seed_definition["validation_rules"][0]["left"] = ["khong_co"]
    with pytest.raises(defn.DefinitionError, match="khong_co"):
        defn.validate(seed_definition)


def test_initiative_counts_blocked_by_an_approval_wait_and_are_written_when_it_is_withdrawn(
    seed_campaign, demo_tree, settings, tmp_path, client
):
    from thidua.progress.models import PendingValue, SignOff

    from .test_initiatives_services import make_portal, submit, value

    portal = make_portal(seed_campaign, demo_tree, settings, tmp_path)
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    submit(campaign, u["QD1-01"], actor=p["officer_q1"], on_behalf=True, title="Sáng kiến thứ nhất")
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 1
    final = campaign.milestones.get(code="TK")
    signoff = services.signoff_submit(actor=None, milestone=final, unit=u["QD1"]).signoff
    services.signoff_decide(actor=p["coordinator"], signoff=signoff, decision="approve")
    # A second initiative while Quận 1's figures are approved: the count cannot be written now.
    submit(campaign, u["QD1-01"], actor=p["officer_q1"], on_behalf=True, title="Sáng kiến thứ hai")
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 1
    pending = PendingValue.objects.get(indicator__code="initiatives_submitted", unit=u["QD1"])
    assert pending.numerator == 2
    # Shown to the unit and to the coordinator.
    client.force_login(p["officer_q1"])
    entry = client.get(reverse("progress:entry", args=[campaign.slug, "QD1"])).content.decode()
    assert "Số liệu chờ gỡ duyệt" in entry
    client.force_login(p["coordinator"])
    assert "Quận Đoàn 1" in client.get(reverse("progress:signoffs", args=[campaign.slug])).content.decode()
    # The approval is withdrawn: the waiting count is written, nothing was lost.
    services.signoff_decide(actor=p["coordinator"], signoff=signoff, decision="reopen", reason="bổ sung")
    assert SignOff.objects.get(pk=signoff.pk).status == "reopened"
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    assert not PendingValue.objects.exists()
