"""Bad definition files get clear messages and change nothing; the checks warn the coordinator."""

import copy

import pytest
from django.core.management import CommandError, call_command

from thidua.campaigns import definition as defn
from thidua.campaigns.checks import check_definition
from thidua.campaigns.models import Campaign
from thidua.campaigns.services import campaign_load, campaign_set_status
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def broken(seed_definition, change):
    d = copy.deepcopy(seed_definition)
    change(d)
    return d


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda d: d.pop("title"), "title"),
        (lambda d: d.update(format="thidua.campaign/9"), "format"),
        (lambda d: d["milestones"][0].update(deadline="2023-05-06 11:00"), "milestones[1].deadline"),
        (lambda d: d["milestones"][0].update(deadline="2023-02-30T11:00:00+07:00"), "milestones[1]"),
        (lambda d: d["activities"][0].update(date="04/5/2023"), "activities[1].date"),
        (lambda d: d["activities"][0]["assignments"][0].update(role="boss"), "activities[1].assignments[1].role"),
        (lambda d: d["activities"][0]["assignments"][0].update(group="direct_units"), "activities[1].assignments[1]"),
        (lambda d: d["indicators"][0].update(goal="MT9"), "MT9"),
        (lambda d: d["indicators"][0].update(kind="average"), "indicators[1].kind"),
        (lambda d: d["goals"].append(dict(d["goals"][0])), "MT1"),
        (lambda d: d.update(submission_email="not-an-address"), "submission_email"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d["issuer"].update(unit="NOWHERE"), "NOWHERE"),
    ],
)
def test_invalid_definitions_are_refused_whole(demo_tree, seed_definition, change, fragment):
    with pytest.raises(defn.DefinitionError) as info:
        campaign_load(actor=None, definition=broken(seed_definition, change))
    assert any(fragment in problem for problem in info.value.problems), info.value.problems
    assert Campaign.objects.count() == 0
    assert not AuditEntry.objects.filter(action="campaign.load").exists()


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(defn.DefinitionError) as info:
        defn.parse_text("format: thidua.campaign/1\ntitle: [unclosed\n")
    assert "3" in info.value.problems[0] or "2" in info.value.problems[0]
    with pytest.raises(defn.DefinitionError):
        defn.parse_text("- just\n- a list\n")


def test_unknown_units_in_assignments_are_warnings_and_round_trip(demo_tree, seed_definition):
    d = copy.deepcopy(seed_definition)
    d["activities"][4]["assignments"].append(
        {"role": "co_lead", "name": "Huyện Đoàn Xa Lạ", "unit": "HD-XALA", "group": None}
    )
    result = campaign_load(actor=None, definition=d)
    assert any(w.code == "unit_not_in_directory" and "HD-XALA" in w.message for w in result.warnings)
    assert defn.export_definition(result.campaign)["activities"][4]["assignments"][-1]["unit"] == "HD-XALA"


def test_checks_deadline_outside_period_and_on_holiday(demo_tree, seed_definition):
    d = copy.deepcopy(seed_definition)
    d["milestones"][2]["deadline"] = "2023-07-03T11:00:00+07:00"  # after 30/6
    d["milestones"][1]["deadline"] = "2023-05-01T11:00:00+07:00"  # Labour Day, before the plan deadline
    d["milestones"][1]["weekday"] = "thứ Hai"
    codes = {(f.code, f.where) for f in check_definition(d)}
    assert ("deadline_outside_period", "milestones[3]") in codes
    assert ("deadline_non_working_day", "milestones[2]") in codes
    assert ("deadline_order", "milestones[2]") in codes
    assert ("weekday_mismatch", "milestones[2]") not in codes


def test_load_command_reports_problems(tmp_path, demo_tree):
    path = tmp_path / "bad.yaml"
    path.write_text("format: thidua.campaign/1\nslug: x\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("campaign_load", str(path))
    assert "không có gì được thay đổi" in str(info.value)
    with pytest.raises(CommandError):
        call_command("campaign_load", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError):
        call_command("campaign_export", "no-such-campaign")


def test_status_transitions_are_audited(seed_campaign):
    campaign_set_status(actor=None, campaign=seed_campaign, status="closed", reason="Hết đợt")
    seed_campaign.refresh_from_db()
    assert seed_campaign.status == "closed"
    entry = AuditEntry.objects.get(action="campaign.status")
    assert entry.changes == {"status": ["published", "closed"]} and entry.reason == "Hết đợt"
    with pytest.raises(Refused):
        campaign_set_status(actor=None, campaign=seed_campaign, status="draft")
