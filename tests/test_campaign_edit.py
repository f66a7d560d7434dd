"""Changing a campaign after the fact (campaigns.services.campaign_update): versions with a diff and
a reason, children kept by code, what happened never rewritten, exactly the affected units told
once each, and the one creation rule (a district coordinator edits only within its district)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.management import call_command

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Campaign, CampaignVersion
from thidua.campaigns.services import campaign_load, campaign_update
from thidua.core.models import AuditEntry, Notification
from thidua.core.outbox import OutboundEmail
from thidua.submissions import queries
from thidua.submissions.models import Submission
from thidua.units.models import Role, RoleAssignment

from .test_submissions_services import add_officer, make_campaign, submit, vn


@pytest.fixture
def env(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    campaign = make_campaign(tree)
    for code in ("BCNLD", "QD1", "HD-NHABE"):
        tree[code].emails = f"{code.lower()}@example.vn"
        tree[code].save(update_fields=["emails"])
    return campaign


def _mails(unit_email: str) -> list[OutboundEmail]:
    return [m for m in OutboundEmail.objects.filter(key__startswith="campaign-change:") if unit_email in m.to]


def _edited(campaign: Campaign, change) -> dict:
    d = copy.deepcopy(defn.export_definition(campaign))
    change(d)
    return d


def test_a_moved_deadline_tells_only_the_units_that_still_owe_it_and_keeps_every_receipt(env, tree, personas):
    kh = env.milestones.get(code="SK")
    sent = submit(kh, tree["QD1"], personas["officer_q1"], vn(2023, 6, 1, 9, 0))  # late under the old deadline
    receipt = (sent.receipt_number, sent.deadline, sent.on_time)

    def move(d):
        d["milestones"][1]["deadline"] = "2023-06-07T11:00:00+07:00"

    result = campaign_update(
        actor=personas["coordinator"], campaign=env, definition=_edited(env, move), reason="Lùi hạn sơ kết."
    )
    assert result.version.number == 2 and result.notified == 2
    [change] = result.changes
    assert (change.section, change.code, change.field, change.kind) == ("milestones", "SK", "deadline", "changed")
    # QĐ1 already sent: not told, and its receipt and judgement stand.
    assert not _mails("qd1@example.vn")
    sent.refresh_from_db()
    assert (sent.receipt_number, sent.deadline, sent.on_time) == receipt
    state = queries.statuses(env.milestones.get(code="SK"), [tree["QD1"].pk], now=vn(2023, 6, 8))
    assert state[tree["QD1"].pk].status == "late"
    # The two that still owe it get one e-mail each, with the old and the new deadline.
    for email in ("bcnld@example.vn", "hd-nhabe@example.vn"):
        [mail] = _mails(email)
        assert "31/05/2023" in mail.body and "07/06/2023" in mail.body and "Lùi hạn sơ kết." in mail.body
    assert Notification.objects.filter(user=personas["officer_nhabe"], text__contains="07/06/2023").count() == 1
    assert AuditEntry.objects.filter(action="campaign.update", reason="Lùi hạn sơ kết.").count() == 1


def test_each_affected_unit_gets_one_message_listing_all_its_changes(env, tree, personas):
    def change(d):
        d["milestones"][0]["deadline"] = "2023-05-09T11:00:00+07:00"
        d["activities"] = [
            {
                "code": "HD1",
                "title": "Ngày hội việc làm",
                "description": "Tổ chức ngày hội việc làm cho thanh niên công nhân.",
                "assignments": [
                    {"role": "lead", "name": "Ban Công nhân lao động", "unit": "BCNLD"},
                    {"role": "co_lead", "name": "Huyện Đoàn Nhà Bè", "unit": "HD-NHABE"},
                ],
            }
        ]
        d["indicators"].append(
            {"code": "CT3", "name": "Số việc làm", "kind": "count", "reported_by": {"groups": [], "units": ["QD1"]}}
        )

    result = campaign_update(
        actor=personas["coordinator"], campaign=env, definition=_edited(env, change), reason="Bổ sung."
    )
    assert result.notified == 3
    [nhabe] = _mails("hd-nhabe@example.vn")
    assert "06/05/2023" in nhabe.body and "09/05/2023" in nhabe.body and "Ngày hội việc làm" in nhabe.body
    [q1] = _mails("qd1@example.vn")
    assert "Số việc làm" in q1.body
    assert OutboundEmail.objects.filter(key__startswith="campaign-change:").count() == 3
    # Adding a co-lead later tells that unit alone.
    d = defn.export_definition(env)
    d["activities"][0]["assignments"].append({"role": "co_lead", "name": "Quận Đoàn 1", "unit": "QD1", "group": None})
    again = campaign_update(actor=personas["coordinator"], campaign=env, definition=d, reason="Thêm đơn vị phối hợp.")
    assert again.notified == 1 and len(_mails("qd1@example.vn")) == 2


def test_a_draft_changes_silently_and_a_published_change_needs_a_reason(env, personas):
    def retitle(d):
        d["title"] = "Đợt thi đua thử nghiệm (sửa)"

    with pytest.raises(defn.DefinitionError, match="lý do"):
        campaign_update(actor=personas["coordinator"], campaign=env, definition=_edited(env, retitle))
    Campaign.objects.filter(pk=env.pk).update(status=Campaign.Status.DRAFT)
    env.refresh_from_db()
    result = campaign_update(actor=personas["coordinator"], campaign=env, definition=_edited(env, retitle))
    assert result.notified == 0 and not OutboundEmail.objects.exists()
    # The campaign predates versions: its earlier state became version 1.
    assert list(env.versions.values_list("number", flat=True)) == [2, 1]
    assert env.versions.get(number=1).definition["title"] == "Đợt thi đua thử nghiệm năm 2023"
    # Saving the same definition again records nothing.
    env.refresh_from_db()
    same = campaign_update(actor=personas["coordinator"], campaign=env, definition=defn.export_definition(env))
    assert same.version is None and env.versions.count() == 2, same.changes


def test_what_units_sent_cannot_be_removed_and_nothing_changes(env, tree, personas):
    sk = env.milestones.get(code="SK")
    submit(sk, tree["QD1"], personas["officer_q1"], vn(2023, 5, 30, 9, 0))

    def drop(d):
        d["milestones"] = d["milestones"][:1]
        d["title"] = "Đổi tên"

    with pytest.raises(defn.DefinitionError, match="SK"):
        campaign_update(actor=personas["coordinator"], campaign=env, definition=_edited(env, drop), reason="Bỏ mốc.")
    env.refresh_from_db()
    assert env.title == "Đợt thi đua thử nghiệm năm 2023" and env.milestones.count() == 2
    assert not CampaignVersion.objects.filter(campaign=env).exists()
    # A milestone nobody sent anything for goes.
    campaign_update(
        actor=personas["coordinator"],
        campaign=env,
        definition=_edited(env, lambda d: d.update(milestones=d["milestones"][1:])),
        reason="Bỏ mốc kế hoạch.",
    )
    assert list(env.milestones.values_list("code", flat=True)) == ["SK"]
    assert Submission.objects.filter(milestone=sk).count() == 1


def test_loading_a_definition_again_keeps_what_units_sent(seed_campaign, seed_definition, tmp_path, settings):
    """`campaign_load --replace` once data exists: a new version, not a ProtectedError."""
    settings.MEDIA_ROOT = tmp_path
    unit = next(u for u in queries.expected_units(seed_campaign.milestones.first(), seed_campaign))
    officer = add_officer(unit, "officer_replace")
    milestone = seed_campaign.milestones.first()
    submit(milestone, unit, officer, milestone.deadline - dt.timedelta(days=1))
    d = copy.deepcopy(seed_definition)
    d["milestones"][1]["deadline"] = "2023-06-02T11:00:00+07:00"
    path = tmp_path / "kh.yaml"
    path.write_text(defn.dump_text(d), encoding="utf-8")
    call_command("campaign_load", str(path), "--replace")
    seed_campaign.refresh_from_db()
    assert seed_campaign.versions.first().changes[0]["field"] == "deadline"
    assert Submission.objects.filter(milestone=milestone, unit=unit).count() == 1


def test_a_district_coordinator_edits_only_within_its_district(env, tree, personas):
    district = add_officer(tree["HD-NHABE"], "coordinator_nhabe")
    RoleAssignment.objects.filter(user=district).update(role=Role.COORDINATOR)
    # The city's campaign is not theirs.
    with pytest.raises(defn.DefinitionError, match="không phải là người điều phối"):
        campaign_update(actor=district, campaign=env, definition=defn.export_definition(env), reason="x")
    # Their own campaign: they may change it, but not make it the city's, nor give a role outside.
    d = defn.export_definition(env)
    d.update(slug="nha-be-2023")
    d["issuer"]["unit"], d["coordinator"]["unit"] = "HD-NHABE", "HD-NHABE"
    d["status"] = "draft"
    own = campaign_load(actor=district, definition=d).campaign
    for change, message in (
        (lambda d: d["issuer"].update(unit="TD"), "không phải là người điều phối"),
        (lambda d: d["coordinator"].update(unit="BCNLD"), "nằm ngoài"),
        (lambda d: d["milestones"][0].update(reviewer="QD1"), "nằm ngoài"),
    ):
        with pytest.raises(defn.DefinitionError, match=message):
            campaign_update(actor=district, campaign=own, definition=_edited(own, change))
    own.refresh_from_db()
    assert own.issuer_unit == tree["HD-NHABE"] and own.coordinator_unit == tree["HD-NHABE"]
    campaign_update(actor=district, campaign=own, definition=_edited(own, lambda d: d.update(theme="Tuổi trẻ Nhà Bè")))
    own.refresh_from_db()
    assert own.theme == "Tuổi trẻ Nhà Bè"
