"""The initiatives portal's services: tracking codes, e-mail confirmation, the reviewer conflict
rule, scores and their summary, "not feasible" needs a reason, batch publication, merging
duplicates, forwarding and the departments' answers, reminders of answers due, and the numbers
fed to the campaign's indicators."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from thidua.core import jobs, timeutils
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Notification
from thidua.initiatives import access as initiative_access
from thidua.initiatives import evaluation, feed, forwarding, queries, services
from thidua.initiatives.models import Agency, Forwarding, ForwardingReminder, Initiative, ReviewAssignment
from thidua.progress.models import Aggregate, IndicatorValue
from thidua.progress.services import indicator_value_set
from thidua.units.models import Role, RoleAssignment, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SCORES = {"novelty": 8, "feasibility": 7, "effectiveness": 9, "scope": 6, "cost": 8}


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def at(instant: dt.datetime, tick: bool = False):
    return time_machine.travel(instant.astimezone(dt.UTC), tick=tick)


def make_user(username, role=None, unit=None, email="", full_name=""):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-1", email=email, first_name=full_name
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


TEXT = {
    "title": "Đặt lịch hẹn trực tuyến tại Bộ phận một cửa phường",
    "field": "admin_reform",
    "problem": "Người dân xếp hàng lâu tại bộ phận một cửa phường, nhất là thủ tục chứng thực.",
    "solution": "Đặt lịch hẹn trực tuyến theo khung giờ qua Cổng dịch vụ công và Zalo.",
    "benefit": "Giảm thời gian chờ từ 90 xuống 20 phút.",
    "authors": "Nguyễn Hoàng Phúc – chuyên viên\nTrần Thị Kim Ngân – công chức",
}


def submit(
    campaign,
    unit,
    *,
    actor=None,
    confirm=True,
    screen=True,
    email="tac.gia@example.vn",
    phone="0909 123 456",
    uploads=(),
    now=None,
    notify=False,
    **fields,
) -> Initiative:
    """An initiative as an anonymous author would send it: confirmed unless confirm=False, then
    screened by the coordinator unless screen=False; files added after the confirmation, as the
    tracking page does (an anonymous submission carries none)."""
    values = TEXT | fields
    on_behalf = values.pop("on_behalf", False)
    content = services.InitiativeDraft(
        contact_email=email, contact_phone=phone, show_authors=values.pop("show_authors", True), **values
    )
    anonymous = actor is None
    initiative = services.initiative_submit(
        actor=actor,
        campaign=campaign,
        unit=unit,
        content=content,
        on_behalf=on_behalf,
        uploads=[] if anonymous else list(uploads),
        now=now,
        notify=notify,
    )
    if confirm and initiative.status == Initiative.Status.PENDING:
        initiative = services.initiative_confirm_email(initiative=initiative, now=now, notify=notify)
        if uploads:
            services.initiative_files_add(actor=None, initiative=initiative, uploads=list(uploads), now=now)
        if screen:
            initiative = services.initiative_screen(actor=None, initiative=initiative, now=now)
    return initiative


def publish_feasible(initiative, coordinator, now=None) -> Initiative:
    evaluation.initiative_decide(actor=coordinator, initiative=initiative, decision="feasible", now=now)
    evaluation.decisions_publish(actor=coordinator, initiatives=[initiative], now=now, notify=False)
    initiative.refresh_from_db()
    return initiative


def value(campaign, code, unit) -> int | None:
    row = IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__code=code, unit=unit).first()
    return int(row.numerator) if row else None


@pytest.fixture
def portal(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


def make_portal(seed_campaign, demo_tree, settings, tmp_path) -> dict:
    """The seed campaign with a coordinator, reviewers on three units, and departments with e-mails."""
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    Agency.objects.filter(name="Sở Nội vụ").update(email="snv@example.vn")
    Agency.objects.filter(name="Sở Thông tin và Truyền thông").update(email="stttt@example.vn")
    units = {u.code: u for u in Unit.objects.filter(code__in=["QD1-01", "QD1-02", "HD-NHABE-01", "DKDCD-08"])}
    units.update(demo_tree)
    people = {
        "coordinator": make_user(
            "dieuphoi", Role.COORDINATOR, demo_tree["TD"], "dieu.phoi@example.vn", "Nguyễn Minh Khoa"
        ),
        "reviewer_bcnld": make_user("tdinh1", Role.REVIEWER, demo_tree["BCNLD"], "r1@example.vn", "Võ Thanh Tùng"),
        "reviewer_qd3": make_user("tdinh2", Role.REVIEWER, demo_tree["QD3"], "r2@example.vn", "Lương Ngọc Trâm"),
        "reviewer_qd1": make_user("tdinh3", Role.REVIEWER, demo_tree["QD1"], "r3@example.vn", "Phan Văn Đức"),
        "officer_q1": make_user("quan1", Role.OFFICER, demo_tree["QD1"], "quan1@example.vn"),
        "officer_nhabe": make_user("nhabe", Role.OFFICER, demo_tree["HD-NHABE"]),
        "viewer_q1": make_user("xemq1", Role.VIEWER, demo_tree["QD1"]),
        "steering": make_user("bcd", Role.STEERING, demo_tree["TD"]),
        "author": make_user("tacgia", None, None, "tac.gia.taikhoan@example.vn"),
    }
    mail.outbox.clear()
    return {"campaign": seed_campaign, "units": units, "p": people}


# --- codes and confirmation ---------------------------------------------------------------------


def test_tracking_codes_follow_the_year_in_ho_chi_minh_city(portal):
    campaign, u = portal["campaign"], portal["units"]
    first = submit(campaign, u["QD1-01"], now=vn(2023, 5, 10, 9))
    second = submit(campaign, u["QD1-01"], now=vn(2023, 5, 10, 10))
    # 31/12/2023 18:30 UTC is already 01:30 on New Year's Day in Ho Chi Minh City.
    third = submit(campaign, u["QD1-01"], now=dt.datetime(2023, 12, 31, 18, 30, tzinfo=dt.UTC))
    assert [first.code, second.code, third.code] == ["SK-2023-0001", "SK-2023-0002", "SK-2024-0001"]


def test_an_anonymous_initiative_counts_only_once_confirmed_and_screened(portal):
    campaign, u = portal["campaign"], portal["units"]
    initiative = submit(campaign, u["QD1-01"], confirm=False, notify=True, now=vn(2023, 5, 10, 9))
    assert initiative.status == "pending" and initiative.code is None
    assert value(campaign, "initiatives_submitted", u["QD1"]) is None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["tac.gia@example.vn"]
    assert "/sang-kien/xac-nhan/" in mail.outbox[0].body

    token = services.confirm_token(initiative)
    confirmed = services.initiative_confirm_email(
        initiative=services.initiative_from_confirm_token(token), now=vn(2023, 5, 10, 9, 30)
    )
    assert confirmed.status == "submitted" and confirmed.code == "SK-2023-0001"
    assert confirmed.email_confirmed_at == vn(2023, 5, 10, 9, 30)
    assert value(campaign, "initiatives_submitted", u["QD1"]) is None  # not yet screened
    services.initiative_screen(actor=portal["p"]["coordinator"], initiative=confirmed)
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 1
    # The author now gets the tracking link; opening the confirmation again changes nothing.
    assert "/sang-kien/theo-doi/" in mail.outbox[-1].body
    again = services.initiative_confirm_email(initiative=confirmed)
    assert again.code == "SK-2023-0001" and Initiative.objects.count() == 1
    assert AuditEntry.objects.filter(action="initiative.confirm").count() == 1


def test_a_confirmation_link_expires_and_a_forged_one_is_refused(portal):
    campaign, u = portal["campaign"], portal["units"]
    with at(vn(2023, 5, 10, 9)):
        initiative = submit(campaign, u["QD1-01"], confirm=False)
        token = services.confirm_token(initiative)
    with at(vn(2023, 5, 14, 9)), pytest.raises(services.LinkExpired):
        services.initiative_from_confirm_token(token)
    with pytest.raises(Refused):
        services.initiative_from_confirm_token(token[:-2] + "xx")
    assert services.initiative_from_track_token("abc:def") is None
    # A tracking token for a confirmation (another salt) is no tracking token.
    assert services.initiative_from_track_token(token) is None


def test_signed_in_authors_and_officers_are_submitted_at_once(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    own = submit(campaign, u["QD1-01"], actor=p["author"], confirm=False)
    assert own.status == "submitted" and own.author_user == p["author"] and not own.on_behalf
    for_people = submit(campaign, u["QD1-02"], actor=p["officer_q1"], confirm=False, on_behalf=True)
    assert for_people.status == "submitted" and for_people.author_user is None
    assert for_people.created_by == p["officer_q1"] and for_people.on_behalf
    # An officer of Quận 1 cannot submit on behalf of Nhà Bè's people.
    with pytest.raises(Refused, match="Nhà Bè"):
        submit(campaign, u["HD-NHABE-01"], actor=p["officer_q1"], on_behalf=True)


def test_empty_texts_and_unknown_fields_are_refused(portal):
    campaign, u = portal["campaign"], portal["units"]
    with pytest.raises(Refused):
        submit(campaign, u["QD1-01"], title="   ")
    with pytest.raises(Refused):
        submit(campaign, u["QD1-01"], field="astrology")
    with pytest.raises(Refused):
        submit(campaign, u["QD1-01"], email="")
    with pytest.raises(Refused):
        submit(campaign, u["QD1-01"], authors="\n ")
    assert Initiative.objects.count() == 0


# --- evaluation ---------------------------------------------------------------------------------


def test_a_reviewer_cannot_review_an_initiative_from_their_own_unit(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    initiative = submit(campaign, u["QD1-01"])  # Đoàn Phường Bến Nghé, under Quận Đoàn 1
    assert initiative_access.reviewer_conflict(p["reviewer_qd1"], initiative.unit)
    assert not initiative_access.reviewer_conflict(p["reviewer_bcnld"], initiative.unit)
    with pytest.raises(Refused, match="Phan Văn Đức"):
        evaluation.reviewers_assign(
            actor=p["coordinator"], initiative=initiative, reviewers=[p["reviewer_bcnld"], p["reviewer_qd1"]]
        )
    assert not ReviewAssignment.objects.exists()  # all or nothing
    # Not a reviewer at all.
    with pytest.raises(Refused):
        evaluation.reviewers_assign(actor=p["coordinator"], initiative=initiative, reviewers=[p["officer_q1"]])
    # Even if assigned behind the page's back (a role granted later), scoring is refused.
    ReviewAssignment.objects.create(initiative=initiative, reviewer=p["reviewer_qd1"])
    with pytest.raises(Refused):
        evaluation.score_save(actor=p["reviewer_qd1"], initiative=initiative, scores=SCORES, comment="Tốt")
    assert not initiative_access.can_review_initiative(p["reviewer_qd1"], initiative)


def test_scores_are_combined_into_means_and_spread(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    initiative = submit(campaign, u["QD1-01"])
    created = evaluation.reviewers_assign(
        actor=p["coordinator"], initiative=initiative, reviewers=[p["reviewer_bcnld"], p["reviewer_qd3"]]
    )
    assert len(created) == 2
    initiative.refresh_from_db()
    assert initiative.status == "under_review"
    assert Notification.objects.filter(user=p["reviewer_bcnld"]).count() == 1

    with pytest.raises(Refused):
        evaluation.score_save(
            actor=p["reviewer_bcnld"], initiative=initiative, scores=SCORES | {"cost": 11}, comment="x"
        )
    with pytest.raises(Refused):
        evaluation.score_save(actor=p["reviewer_bcnld"], initiative=initiative, scores=SCORES, comment="  ")
    with pytest.raises(Refused):  # not assigned
        evaluation.score_save(actor=p["coordinator"], initiative=initiative, scores=SCORES, comment="x")

    evaluation.score_save(actor=p["reviewer_bcnld"], initiative=initiative, scores=SCORES, comment="Thiết thực.")
    other = {"novelty": 6, "feasibility": 5, "effectiveness": 7, "scope": 4, "cost": 6}
    evaluation.score_save(actor=p["reviewer_qd3"], initiative=initiative, scores=other, comment="Cần số liệu.")
    summary = queries.score_summary(initiative)
    assert summary.scored == 2
    assert [c.mean for c in summary.criteria] == [7.0, 6.0, 8.0, 5.0, 7.0]
    assert [(c.low, c.high) for c in summary.criteria] == [(6, 8), (5, 7), (7, 9), (4, 6), (6, 8)]
    assert summary.mean == 6.6  # (7.6 + 5.6) / 2
    assert (summary.low, summary.high, summary.spread, summary.stdev) == (5.6, 7.6, 2.0, 1.0)
    # A reviewer may correct their scores; the audit trail keeps the old ones.
    evaluation.score_save(actor=p["reviewer_qd3"], initiative=initiative, scores=SCORES, comment="Đã xem lại.")
    last = AuditEntry.objects.filter(action="initiative.score").first()
    assert last.changes["novelty"] == [6, 8]


def test_not_feasible_needs_a_reason_in_the_service_and_the_database(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    initiative = submit(campaign, u["QD1-01"])
    with pytest.raises(Refused):
        evaluation.initiative_decide(actor=p["coordinator"], initiative=initiative, decision="not_feasible", reason=" ")
    initiative.refresh_from_db()
    assert initiative.decision == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(decision="not_feasible", decision_reason="")
    evaluation.initiative_decide(
        actor=p["coordinator"], initiative=initiative, decision="not_feasible", reason="Trùng dự án đang triển khai."
    )
    initiative.refresh_from_db()
    assert initiative.decision == "not_feasible" and initiative.status == "submitted"  # not yet published


def test_decisions_are_published_in_a_batch_and_the_authors_told(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    a = submit(campaign, u["QD1-01"], actor=p["author"], email="a@example.vn")
    b = submit(campaign, u["QD1-02"], email="b@example.vn", title="Số hóa hồ sơ hộ tịch")
    c = submit(campaign, u["HD-NHABE-01"], email="c@example.vn", title="Sổ tay điện tử tổ dân phố")
    evaluation.initiative_decide(actor=p["coordinator"], initiative=a, decision="feasible")
    evaluation.initiative_decide(actor=p["coordinator"], initiative=b, decision="not_feasible", reason="Kinh phí lớn.")
    mail.outbox.clear()
    published, skipped = evaluation.decisions_publish(actor=p["coordinator"], initiatives=[a, b, c])
    assert {i.code for i in published} == {a.code, b.code} and [i.code for i in skipped] == [c.code]
    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.status, b.status, c.status) == ("feasible", "not_feasible", "submitted")
    assert a.decision_published_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]
    assert "Kinh phí lớn." in next(m.body for m in mail.outbox if m.to == ["b@example.vn"])
    assert Notification.objects.filter(user=p["author"], text__contains=a.code).exists()
    # Published decisions are final for the council: no more scoring, deciding or merging.
    with pytest.raises(Refused):
        evaluation.initiative_decide(actor=p["coordinator"], initiative=a, decision="not_feasible", reason="x")
    assert value(campaign, "initiatives_feasible", u["QD1"]) == 1
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2


# --- duplicates ---------------------------------------------------------------------------------


def test_merging_a_duplicate_takes_it_out_of_the_counts(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    original = submit(campaign, u["QD1-01"])
    duplicate = submit(campaign, u["QD1-02"], email="dup@example.vn", title="Hẹn giờ nộp hồ sơ qua Zalo tại một cửa")
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    with pytest.raises(Refused):
        services.initiative_merge(actor=p["coordinator"], duplicate=duplicate, into=duplicate)
    merged = services.initiative_merge(
        actor=p["coordinator"], duplicate=duplicate, into=original, reason="Trùng ý tưởng"
    )
    assert merged.status == "merged" and merged.merged_into == original
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 1
    assert list(Initiative.objects.counted()) == [original]
    entry = AuditEntry.objects.get(action="initiative.merge")
    assert entry.changes["merged_into"] == [None, original.code] and entry.reason == "Trùng ý tưởng"
    # Merged initiatives are neither suggested as similar nor mergeable again.
    assert all(s.initiative != merged for s in queries.similar_to(original))
    with pytest.raises(Refused):
        services.initiative_merge(actor=p["coordinator"], duplicate=merged, into=original)


# --- forwarding ---------------------------------------------------------------------------------


def test_only_published_feasible_initiatives_are_forwarded_and_answers_set_the_status(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    snv = Agency.objects.get(name="Sở Nội vụ")
    tttt = Agency.objects.get(name="Sở Thông tin và Truyền thông")
    with at(vn(2023, 6, 1, 9), tick=True):
        initiative = submit(campaign, u["QD1-01"])
        with pytest.raises(Refused):
            forwarding.initiative_forward(
                actor=p["coordinator"], initiative=initiative, agencies=[snv], respond_by=dt.date(2023, 7, 1)
            )
        initiative = publish_feasible(initiative, p["coordinator"])
        with pytest.raises(Refused):  # an answer date in the past
            forwarding.initiative_forward(
                actor=p["coordinator"], initiative=initiative, agencies=[snv], respond_by=dt.date(2023, 5, 1)
            )
        mail.outbox.clear()
        created = forwarding.initiative_forward(
            actor=p["coordinator"], initiative=initiative, agencies=[snv, tttt], respond_by=dt.date(2023, 7, 1)
        )
    assert len(created) == 2
    initiative.refresh_from_db()
    assert initiative.status == "forwarded"
    to_agencies = [m for m in mail.outbox if m.to in (["snv@example.vn"], ["stttt@example.vn"])]
    assert len(to_agencies) == 2
    assert "tac.gia@example.vn" not in to_agencies[0].body and "0909 123 456" not in to_agencies[0].body
    assert value(campaign, "initiatives_forwarded", u["QD1"]) == 1
    with pytest.raises(Refused):  # the same department twice
        forwarding.initiative_forward(
            actor=p["coordinator"], initiative=initiative, agencies=[snv], respond_by=dt.date(2030, 7, 1)
        )

    snv_fw, tttt_fw = created
    with at(vn(2023, 6, 20, 9), tick=True):
        with pytest.raises(Refused):
            forwarding.forwarding_respond(
                actor=p["coordinator"], forwarding=tttt_fw, response="decline", response_date=dt.date(2023, 6, 19)
            )
        forwarding.forwarding_respond(
            actor=p["coordinator"], forwarding=tttt_fw, response="decline", response_date=dt.date(2023, 6, 19),
            reason="Đã có hệ thống tương tự.",
        )  # fmt: skip
        initiative.refresh_from_db()
        assert initiative.status == "forwarded"  # still waiting for Sở Nội vụ
        with pytest.raises(Refused):  # results need an adoption or a pilot
            forwarding.result_add(actor=p["coordinator"], forwarding=tttt_fw, date=dt.date(2023, 6, 20), text="x")
        forwarding.forwarding_respond(
            actor=p["coordinator"], forwarding=snv_fw, response="pilot", response_date=dt.date(2023, 6, 20)
        )
        initiative.refresh_from_db()
        assert initiative.status == "piloted"
        forwarding.forwarding_respond(
            actor=p["coordinator"], forwarding=snv_fw, response="adopt", response_date=dt.date(2023, 6, 20)
        )
        initiative.refresh_from_db()
        assert initiative.status == "adopted"
        result = forwarding.result_add(
            actor=p["coordinator"], forwarding=snv_fw, date=dt.date(2023, 6, 20), text="Áp dụng tại 12 phường."
        )
    assert result.forwarding == snv_fw
    changes = [e.changes for e in AuditEntry.objects.filter(action="initiative.answer_recorded").order_by("id")]
    assert [c["response"][1] for c in changes] == ["decline", "pilot", "adopt"]
    assert changes[-1]["response"] == ["pilot", "adopt"]


def test_all_departments_declining_takes_the_initiative_out_of_the_gallery(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    snv = Agency.objects.get(name="Sở Nội vụ")
    with at(vn(2023, 6, 1, 9), tick=True):
        initiative = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
        assert initiative in queries.gallery()
        (item,) = forwarding.initiative_forward(
            actor=p["coordinator"], initiative=initiative, agencies=[snv], respond_by=dt.date(2023, 7, 1)
        )
        forwarding.forwarding_respond(
            actor=p["coordinator"], forwarding=item, response="decline", response_date=dt.date(2023, 6, 1),
            reason="Không phù hợp.",
        )  # fmt: skip
    initiative.refresh_from_db()
    assert initiative.status == "declined" and initiative not in queries.gallery()
    assert value(campaign, "initiatives_feasible", u["QD1"]) == 1  # the council's verdict still counts


def test_departments_are_reminded_of_answers_once_per_step_and_overdue_is_flagged(portal, settings):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    settings.REMINDER_STEPS = [-4320, -1440, -120, 1440]
    settings.DIGEST_HOUR = 24  # no daily digest in this test
    snv = Agency.objects.get(name="Sở Nội vụ")
    with at(vn(2023, 6, 1, 9), tick=True):
        initiative = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
        (item,) = forwarding.initiative_forward(
            actor=p["coordinator"], initiative=initiative, agencies=[snv], respond_by=dt.date(2023, 6, 30)
        )
    mail.outbox.clear()
    # The answer is due by the end of 30/6/2023: the first step is 3 days before, at 00:00 on 28/6.
    assert forwarding.forwarding_reminders_run(now=vn(2023, 6, 27, 23, 59)) == 0
    assert jobs.jobs_run(now=vn(2023, 6, 28, 0, 0))["forwarding_reminders"] == 1
    assert mail.outbox[-1].to == ["snv@example.vn"]
    assert initiative.code in mail.outbox[-1].subject
    assert jobs.jobs_run(now=vn(2023, 6, 28, 0, 30))["forwarding_reminders"] == 0  # claimed once
    with at(vn(2023, 7, 2, 9)):
        assert Forwarding.objects.get(pk=item.pk).is_overdue
        flagged = queries.staff_list(Initiative.objects.all(), overdue=True)
        assert [i.code for i in flagged] == [initiative.code] and flagged[0].overdue == 1
        # One day after the deadline: the department and the coordinators are told.
        assert jobs.jobs_run(now=vn(2023, 7, 2, 0, 0))["forwarding_reminders"] == 1
    assert set(mail.outbox[-1].to) == {"snv@example.vn", "dieu.phoi@example.vn"}
    assert Notification.objects.filter(user=p["coordinator"], text__contains=initiative.code).exists()
    assert ForwardingReminder.objects.filter(forwarding=item).count() == 2
    # Answered: no more reminders, no more flag.
    forwarding.forwarding_respond(
        actor=p["coordinator"], forwarding=item, response="adopt", response_date=dt.date(2023, 7, 1)
    )
    with at(vn(2023, 7, 2, 9)):
        assert not queries.staff_list(Initiative.objects.all(), overdue=True).exists()


# --- the campaign's numbers ---------------------------------------------------------------------


def test_each_initiative_counts_for_the_nearest_unit_that_reports_the_indicator(portal):
    campaign, u = portal["campaign"], portal["units"]
    submit(campaign, u["QD1-01"])  # a ward of Quận 1 → Quận Đoàn 1
    submit(campaign, u["QD1"], email="q1@example.vn")  # Quận Đoàn 1 itself
    submit(campaign, u["HD-NHABE-01"], email="nb@example.vn")
    submit(campaign, u["BCNLD"], email="ban@example.vn")  # a department reports no initiative indicator
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    assert value(campaign, "initiatives_submitted", u["HD-NHABE"]) == 1
    assert value(campaign, "initiatives_submitted", u["QD1-01"]) is None
    assert value(campaign, "initiatives_submitted", u["BCNLD"]) is None
    # Once a unit's people have submitted, the portal reports all its figures: none feasible yet is 0.
    assert value(campaign, "initiatives_feasible", u["QD1"]) == 0
    # A unit whose people sent nothing keeps what it reports itself: not reported is not zero.
    assert value(campaign, "initiatives_submitted", u["QD3"]) is None
    # The city's total is the sum over its units, kept by the progress app's aggregates.
    city = Aggregate.objects.get(indicator__code="initiatives_submitted", unit=u["TD"])
    assert city.numerator_sum == 3
    # A full recount writes nothing new; after an officer typed another figure, it puts it right.
    assert feed.initiatives_feed(actor=None, campaign=campaign) == 0
    indicator_value_set(
        actor=None, indicator=campaign.indicators.get(code="initiatives_submitted"), unit=u["QD1"], numerator=7,
        as_of=dt.date(2023, 6, 1),
    )  # fmt: skip
    out = StringIO()
    call_command("initiatives_recount", stdout=out)
    assert "cao-diem-2023: 1" in out.getvalue()
    assert value(campaign, "initiatives_submitted", u["QD1"]) == 2
    assert Aggregate.objects.get(indicator__code="initiatives_submitted", unit=u["TD"]).numerator_sum == 3


def test_only_counted_initiatives_are_suggested_as_similar_and_authors_see_public_ones_only(portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    public = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
    private = submit(campaign, u["QD1-02"], email="x@example.vn", title="Đặt lịch hẹn nộp hồ sơ tại một cửa")
    submit(campaign, u["QD1-02"], confirm=False, email="y@example.vn", title="Đặt lịch hẹn trực tuyến một cửa phường")
    new = submit(campaign, u["HD-NHABE-01"], email="z@example.vn", title="Hẹn lịch trực tuyến tại bộ phận một cửa")
    coordinator_view = [s.initiative for s in queries.similar_to(new)]
    assert coordinator_view[:2] == [public, private] or coordinator_view[:2] == [private, public]
    assert all(i.status != "pending" for i in coordinator_view)
    assert [s.initiative for s in queries.similar_to(new, public_only=True)] == [public]


def route_ids(campaign, unit) -> dict:
    """For the URL walk (tests/test_access.py): a feasible, forwarded initiative of `unit`, with a
    file, and the ids and signed links its routes need."""
    initiative = publish_feasible(submit(campaign, unit, uploads=[("thuyet-minh.pdf", b"%PDF-1.4 walk")]), None)
    (item,) = forwarding.initiative_forward(
        actor=None, initiative=initiative, agencies=[Agency.objects.get(name="Sở Nội vụ")],
        respond_by=timeutils.local(timeutils.now()).date() + dt.timedelta(days=30), notify=False,
    )  # fmt: skip
    return {
        "INITIATIVE": initiative.code,
        "INITIATIVE_FILE": initiative.files.get().pk,
        "TRACK": services.track_token(initiative),
        "CONFIRM": services.confirm_token(initiative),
        "FORWARDING": item.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_two_initiatives_submitted_at_the_same_instant_on_postgresql(seed_campaign, demo_tree, settings, tmp_path,
                                                                       monkeypatch):  # fmt: skip
    """Both read the same last code before either inserts: one collides on the unique code, retries
    with the next; both count for their direct unit."""
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    settings.MEDIA_ROOT = tmp_path
    authors = [make_user("tac_gia_a"), make_user("tac_gia_b")]
    unit = Unit.objects.get(code="QD1-01")
    both_read = threading.Barrier(2, timeout=20)
    real_next_code = services._next_code
    reads = []

    def next_code(at):
        code = real_next_code(at)
        reads.append(code)
        if len(reads) <= 2:
            both_read.wait()  # neither has inserted yet
        return code

    monkeypatch.setattr(services, "_next_code", next_code)
    results, errors = [], []

    def send(author):
        try:
            results.append(submit(seed_campaign, unit, actor=author, now=vn(2023, 5, 10, 9)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(a,)) for a in authors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert reads[:2] == ["SK-2023-0001", "SK-2023-0001"]  # the race happened …
    assert sorted(i.code for i in results) == ["SK-2023-0001", "SK-2023-0002"]  # … and both got a code
    assert value(seed_campaign, "initiatives_submitted", demo_tree["QD1"]) == 2
