"""The unit portal's services: the 11:00 boundary in any server time zone, versions that are never
overwritten, two officers at once, the review loop with its audit trail, extensions, exemptions,
registrations, and the completeness board's DHIS2 rates."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection
from django.db.models import ProtectedError
from django.db.models.query import QuerySet

from thidua.campaigns.models import Campaign, Indicator, Milestone
from thidua.core import files
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry, Notification, StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.submissions import queries, services
from thidua.submissions.models import (
    DeadlineException,
    Registration,
    RegistrationRevision,
    Review,
    Submission,
    SubmissionFile,
)
from thidua.units.models import Role, RoleAssignment, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
KH_DEADLINE = dt.datetime(2023, 5, 6, 11, 0, tzinfo=VN)
SK_DEADLINE = dt.datetime(2023, 5, 31, 11, 0, tzinfo=VN)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def vn(*args) -> dt.datetime:
    """A wall-clock instant in Ho Chi Minh City: vn(2023, 5, 31, 10, 59, 59, 999000)."""
    return dt.datetime(*args, tzinfo=VN)


def make_campaign(tree, *, slug="thu-nghiem", status=Campaign.Status.PUBLISHED, registration_deadline=None) -> Campaign:
    """A small published campaign of Thành Đoàn: two documents (KH due 06/5, SK due 31/5/2023, both
    "before 11:00") expected from departments and direct units — in the small tree BCNLD, QD1 and
    HD-NHABE — and two indicators (a count and a percentage)."""
    campaign = Campaign.objects.create(
        slug=slug, status=status, title="Đợt thi đua thử nghiệm năm 2023", theme="Tuổi trẻ thử nghiệm",
        issuer_unit=tree["TD"], issuer_name="Ban Thường vụ Thành Đoàn", coordinator_unit=tree["BCNLD"],
        period_start=dt.date(2023, 4, 1), period_end=dt.date(2023, 6, 30), registration_deadline=registration_deadline,
    )  # fmt: skip
    groups = ["departments", "direct_units"]
    Milestone.objects.create(
        campaign=campaign, code="KH", order=0, kind="plan", title="Kế hoạch tổ chức", deadline=KH_DEADLINE,
        deadline_text="trước 11g00 ngày 06/5/2023", scope_groups=groups,
    )  # fmt: skip
    Milestone.objects.create(
        campaign=campaign, code="SK", order=1, kind="midterm", title="Báo cáo sơ kết", deadline=SK_DEADLINE,
        deadline_text="trước 11g00 ngày 31/5/2023", scope_groups=groups,
    )  # fmt: skip
    Indicator.objects.create(
        campaign=campaign, code="CT1", order=0, name="Số công trình thanh niên", kind="count",
        unit_of_measure="công trình", target_value=100, scope_groups=groups,
    )  # fmt: skip
    Indicator.objects.create(
        campaign=campaign, code="CT2", order=1, name="Tỷ lệ đoàn viên tham gia", kind="ratio", scope_groups=groups
    )
    return campaign


def add_officer(unit: Unit, username: str, email: str = ""):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-1", email=email)
    RoleAssignment.objects.create(user=user, unit=unit, role=Role.OFFICER)
    return user


def submit(milestone, unit, actor, at, uploads=None, **kwargs) -> Submission:
    uploads = uploads or [("ke-hoach.pdf", pdf_bytes(f"{milestone.code} {unit.code} {at.isoformat()}"))]
    return services.submission_create(actor=actor, milestone=milestone, unit=unit, uploads=uploads, now=at, **kwargs)


class Env:
    def __init__(self, tree, personas, campaign):
        self.tree, self.p, self.campaign = tree, personas, campaign
        self.kh = campaign.milestones.get(code="KH")
        self.sk = campaign.milestones.get(code="SK")
        self.ids = [tree[c].pk for c in ("BCNLD", "QD1", "HD-NHABE")]


@pytest.fixture
def env(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    return Env(tree, personas, make_campaign(tree))


@pytest.fixture(params=["UTC", "Asia/Ho_Chi_Minh"])
def process_tz(request):
    """The server's own time zone, set for the whole process; restored afterwards."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        assert (
            time.strftime("%z", time.localtime(1685505600))
            == {"UTC": "+0000", "Asia/Ho_Chi_Minh": "+0700"}[request.param]
        )
        yield request.param
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


# --- the 11:00 boundary -------------------------------------------------------------------------


def test_one_millisecond_before_eleven_is_on_time_and_eleven_sharp_is_late(env, process_tz):
    just_before = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 5, 31, 10, 59, 59, 999000))
    sharp = submit(env.sk, env.tree["HD-NHABE"], env.p["officer_nhabe"], vn(2023, 5, 31, 11, 0, 0, 0))

    assert just_before.on_time and just_before.late_by is None
    assert not sharp.on_time and sharp.late_by == dt.timedelta(0)
    # The same answers from the stored rows (milliseconds survive the database).
    stored = Submission.objects.get(pk=just_before.pk)
    assert stored.received_at == vn(2023, 5, 31, 10, 59, 59, 999000) and stored.on_time
    assert not Submission.objects.get(pk=sharp.pk).on_time
    assert just_before.receipt_number.startswith("20230531-") and sharp.receipt_number.startswith("20230531-")

    # The receipt shows the second, in Ho Chi Minh City time.
    text = services.receipt_text(just_before)
    assert "10:59:59 thứ Tư 31/05/2023" in text and "Đúng hạn." in text
    text = services.receipt_text(sharp)
    assert "11:00:00 thứ Tư 31/05/2023" in text and "Trễ hạn" in text and "Đúng hạn" not in text

    # The board, the day after: one on time, one late, BCNLD missing.
    state = queries.statuses(env.sk, env.ids, now=vn(2023, 6, 1, 8, 0))
    assert state[env.tree["QD1"].pk].status == queries.Status.ON_TIME
    assert state[env.tree["HD-NHABE"].pk].status == queries.Status.LATE
    assert state[env.tree["BCNLD"].pk].status == queries.Status.MISSING
    summary = queries.summarise(state)
    assert (summary.expected, summary.received, summary.on_time, summary.late, summary.missing) == (3, 2, 1, 1, 1)
    assert (summary.reporting_rate, summary.on_time_rate) == (66.7, 33.3)


def test_the_server_clock_decides_in_any_process_time_zone(env, process_tz):
    """Without `now=`, the receipt time is the server's clock (here travelled to the boundary)."""
    Unit.objects.filter(code__in=["QD1", "HD-NHABE"]).update(emails="vanthu@example.vn")
    for code in ("QD1", "HD-NHABE"):
        env.tree[code].refresh_from_db()
    with time_machine.travel(vn(2023, 5, 31, 10, 59, 59, 999000).astimezone(dt.UTC), tick=False):
        on_time = services.submission_create(
            actor=env.p["officer_q1"], milestone=env.sk, unit=env.tree["QD1"], uploads=[("a.pdf", pdf_bytes("a"))]
        )
    with time_machine.travel(vn(2023, 5, 31, 11, 0).astimezone(dt.UTC), tick=False):
        late = services.submission_create(
            actor=env.p["officer_nhabe"],
            milestone=env.sk,
            unit=env.tree["HD-NHABE"],
            uploads=[("b.pdf", pdf_bytes("b"))],
        )
    assert on_time.on_time and not late.on_time
    assert "10:59:59" in mail.outbox[0].body and "11:00:00" in mail.outbox[1].body


def test_receipt_number_and_time_use_the_ho_chi_minh_city_date(env, process_tz):
    # 00:30 on 1 June in Ho Chi Minh City is still 31 May in UTC.
    s = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 6, 1, 0, 30))
    assert s.receipt_number.startswith("20230601-")
    text = services.receipt_text(s)
    assert "00:30:00 thứ Năm 01/06/2023" in text
    assert "Trễ hạn 13 giờ 30 phút." in text


@pytest.mark.parametrize(
    ("received", "late_text"),
    [
        (vn(2023, 5, 31, 11, 0, 7, 400000), "Trễ hạn 7 giây."),
        (vn(2023, 5, 31, 11, 1, 0), "Trễ hạn 1 phút."),
        (vn(2023, 5, 31, 12, 30), "Trễ hạn 1 giờ 30 phút."),
        (vn(2023, 6, 2, 14, 20), "Trễ hạn 2 ngày 3 giờ."),
    ],
)
def test_receipt_says_how_late(env, received, late_text):
    s = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], received)
    assert late_text in services.receipt_text(s)


def test_an_extension_moves_the_boundary_for_that_unit_only(env, process_tz):
    coordinator = env.p["coordinator"]
    new_deadline = vn(2023, 6, 2, 11, 0)
    for code in ("HD-NHABE", "BCNLD"):
        services.deadline_exception_set(
            actor=coordinator, milestone=env.sk, unit=env.tree[code], kind=DeadlineException.Kind.EXTENSION,
            new_deadline=new_deadline, reason="Đơn vị tổ chức hoạt động cao điểm đến hết ngày hạn nộp.",
        )  # fmt: skip
    bcnld_officer = add_officer(env.tree["BCNLD"], "officer_bcnld")
    # Before the extended deadline a unit with an extension is "not yet due", not missing.
    early = queries.statuses(env.sk, env.ids, now=vn(2023, 6, 1))
    assert early[env.tree["HD-NHABE"].pk].status == queries.Status.AWAITING
    assert early[env.tree["QD1"].pk].status == queries.Status.MISSING
    q1 = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 6, 1, 9, 0))  # no extension: late
    nhabe = submit(env.sk, env.tree["HD-NHABE"], env.p["officer_nhabe"], vn(2023, 6, 2, 10, 59, 59, 999000))
    bcnld = submit(env.sk, env.tree["BCNLD"], bcnld_officer, vn(2023, 6, 2, 11, 0))
    assert not q1.on_time
    assert nhabe.on_time and nhabe.deadline == new_deadline
    assert not bcnld.on_time and bcnld.late_by == dt.timedelta(0)
    assert "11:00 thứ Sáu 02/06/2023" in services.receipt_text(nhabe)

    state = queries.statuses(env.sk, env.ids, now=vn(2023, 6, 3))
    assert [state[env.tree[c].pk].status for c in ("QD1", "HD-NHABE", "BCNLD")] == ["late", "on_time", "late"]
    summary = queries.summarise(state)
    assert (summary.expected, summary.on_time, summary.late, summary.on_time_rate) == (3, 1, 2, 33.3)


def test_moving_a_deadline_never_rejudges_a_report_already_received(env):
    """The coordinator moves the mid-term deadline a week later after some reports arrived: what was
    late when it arrived stays late (its receipt said so); what has not arrived is judged by the new
    deadline; an earlier deadline does not turn an on-time receipt late either."""
    q1 = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 6, 1, 9, 0))
    nhabe = submit(env.sk, env.tree["HD-NHABE"], env.p["officer_nhabe"], vn(2023, 5, 30, 9, 0))
    assert not q1.on_time and nhabe.on_time
    Milestone.objects.filter(pk=env.sk.pk).update(deadline=vn(2023, 6, 7, 11, 0))
    env.sk.refresh_from_db()
    bcnld = submit(env.sk, env.tree["BCNLD"], add_officer(env.tree["BCNLD"], "officer_bcnld"), vn(2023, 6, 5, 9, 0))
    assert bcnld.on_time
    state = queries.statuses(env.sk, env.ids, now=vn(2023, 6, 8))
    assert [state[env.tree[c].pk].status for c in ("QD1", "HD-NHABE", "BCNLD")] == ["late", "on_time", "on_time"]
    Milestone.objects.filter(pk=env.sk.pk).update(deadline=vn(2023, 5, 20, 11, 0))
    env.sk.refresh_from_db()
    state = queries.statuses(env.sk, env.ids, now=vn(2023, 6, 8))
    assert [state[env.tree[c].pk].status for c in ("QD1", "HD-NHABE", "BCNLD")] == ["late", "on_time", "on_time"]
    # An extension granted to QĐ1 afterwards still forgives its late report.
    services.deadline_exception_set(
        actor=env.p["coordinator"], milestone=env.sk, unit=env.tree["QD1"], kind=DeadlineException.Kind.EXTENSION,
        new_deadline=vn(2023, 6, 2, 11, 0), reason="Đơn vị tổ chức hoạt động cao điểm đến hết ngày hạn nộp.",
    )  # fmt: skip
    assert queries.statuses(env.sk, env.ids, now=vn(2023, 6, 8))[env.tree["QD1"].pk].status == "on_time"


def test_extension_and_exemption_need_a_reason_and_a_later_deadline(env):
    coordinator, unit = env.p["coordinator"], env.tree["QD1"]
    with pytest.raises(Refused, match="lý do"):
        services.deadline_exception_set(
            actor=coordinator,
            milestone=env.sk,
            unit=unit,
            kind="extension",
            new_deadline=vn(2023, 6, 2, 11),
            reason="  ",
        )
    with pytest.raises(Refused, match="sau hạn nộp"):
        services.deadline_exception_set(
            actor=coordinator, milestone=env.sk, unit=unit, kind="extension", new_deadline=SK_DEADLINE, reason="Lý do"
        )
    assert not DeadlineException.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="deadline.").exists()


def test_an_exempted_unit_cannot_send_and_is_told_why(env):
    services.deadline_exception_set(
        actor=env.p["coordinator"], milestone=env.sk, unit=env.tree["QD1"], kind="exemption",
        reason="Đơn vị đang kiện toàn tổ chức.",
    )  # fmt: skip
    assert Notification.objects.filter(user=env.p["officer_q1"], text__contains="được miễn nộp").exists()
    with pytest.raises(Refused, match="được miễn nộp “Báo cáo sơ kết”"):
        submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 5, 30))
    assert not Submission.objects.exists() and not StoredFile.objects.exists()
    entry = AuditEntry.objects.get(action="deadline.exemption")
    assert entry.actor == env.p["coordinator"] and entry.reason == "Đơn vị đang kiện toàn tổ chức."
    assert entry.changes["kind"] == [None, "exemption"]


def test_units_not_expected_and_campaigns_not_published_refuse_documents(env, tree):
    with pytest.raises(Refused, match="không thuộc diện phải nộp"):
        submit(env.sk, tree["QD1-01"], env.p["officer_q1"], vn(2023, 5, 30))
    Campaign.objects.filter(pk=env.campaign.pk).update(status=Campaign.Status.CLOSED)
    env.sk.refresh_from_db()
    env.sk.campaign.refresh_from_db()
    with pytest.raises(Refused, match="không còn nhận văn bản"):
        submit(env.sk, tree["QD1"], env.p["officer_q1"], vn(2023, 5, 30))
    assert not Submission.objects.exists() and not StoredFile.objects.exists()


# --- versions are appended, never overwritten -----------------------------------------------------


def _snapshot(submission):
    row = Submission.objects.filter(pk=submission.pk).values().get()
    attached = list(
        submission.files.order_by("order").values_list("name", "stored__sha256", "stored__size", "stored__kind")
    )
    contents = {sha: files.path_for(sha).read_bytes() for _, sha, _, _ in attached}
    return row, attached, contents


def test_a_second_sending_is_version_two_and_version_one_is_untouched(env):
    officer, unit = env.p["officer_q1"], env.tree["QD1"]
    v1 = submit(
        env.sk, unit, officer, vn(2023, 5, 30, 9), [("Báo cáo.pdf", pdf_bytes("v1")), ("phu-luc.pdf", pdf_bytes("p1"))]
    )
    before = _snapshot(v1)
    v2 = submit(env.sk, unit, officer, vn(2023, 6, 1, 9), [("Báo cáo.pdf", pdf_bytes("v2 khac"))], note="Bản sửa")
    v3 = submit(env.sk, unit, officer, vn(2023, 6, 2, 9), [("Báo cáo.pdf", pdf_bytes("v1"))])  # v1's bytes again

    assert (v1.version, v2.version, v3.version) == (1, 2, 3)
    assert len({v1.receipt_number, v2.receipt_number, v3.receipt_number}) == 3
    assert _snapshot(v1) == before  # row, file names, hashes and bytes unchanged
    assert before[1][0][1] == hashlib.sha256(pdf_bytes("v1")).hexdigest()
    assert v3.files.get().stored_id == v1.files.get(order=0).stored_id  # stored once, shared
    assert StoredFile.objects.count() == 3
    # The board counts the unit once, by its first version (on time).
    state = queries.statuses(env.sk, [unit.pk], now=vn(2023, 6, 3))[unit.pk]
    assert (state.status, state.versions, state.first_received_at) == ("on_time", 3, vn(2023, 5, 30, 9))
    # Each version has its own audit entry.
    assert AuditEntry.objects.filter(action="submission.create", object_id__in=[v1.pk, v2.pk, v3.pk]).count() == 3


def test_no_service_edits_or_deletes_a_version_and_the_database_refuses_it(env):
    v1 = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 5, 30, 9))
    writers = sorted(name for name in dir(services) if name.startswith("submission_"))
    assert writers == ["submission_create", "submission_review"]
    with pytest.raises(ProtectedError):
        Submission.objects.get(pk=v1.pk).delete()  # its files protect it
    assert Submission.objects.filter(pk=v1.pk).exists() and SubmissionFile.objects.filter(submission=v1).exists()


# --- two officers at once -------------------------------------------------------------------------


def test_two_officers_of_one_unit_colliding_both_get_a_version(env, monkeypatch):
    """Officer B read "no version yet" an instant before officer A's version 1 committed: B's
    insert of version 1 hits the unique constraint, and B's retry becomes version 2."""
    unit = env.tree["QD1"]
    officer_b = add_officer(unit, "officer_q1_b")
    a = submit(env.sk, unit, env.p["officer_q1"], vn(2023, 5, 30, 9, 0, 0), [("a.pdf", pdf_bytes("A"))])

    real_first = QuerySet.first
    stale = {"reads": 0}

    def first(self):
        if self.model is Submission and list(self.query.order_by) == ["-version"] and stale["reads"] == 0:
            stale["reads"] += 1
            return None  # A's version is not visible yet
        return real_first(self)

    monkeypatch.setattr(QuerySet, "first", first)
    real_create = Submission.objects.create
    collisions = []

    def create(**kwargs):
        try:
            return real_create(**kwargs)
        except IntegrityError:
            collisions.append(kwargs["version"])
            raise

    monkeypatch.setattr(Submission.objects, "create", create)
    b = submit(env.sk, unit, officer_b, vn(2023, 5, 30, 9, 0, 0), [("b.pdf", pdf_bytes("B"))])

    assert collisions == [1]  # the race happened…
    assert (a.version, b.version) == (1, 2)  # …and both officers got a version
    assert a.receipt_number != b.receipt_number
    assert b.created_by == officer_b and b.files.get().name == "b.pdf"
    assert Submission.objects.filter(milestone=env.sk, unit=unit).count() == 2
    assert SubmissionFile.objects.count() == 2  # the failed attempt left nothing
    assert AuditEntry.objects.filter(action="submission.create").count() == 2
    assert files.path_for(b.files.get().stored.sha256).read_bytes() == pdf_bytes("B")


@pytest.mark.django_db(transaction=True)
def test_two_officers_submitting_at_the_same_instant_on_postgresql(tree, personas, settings, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    settings.MEDIA_ROOT = tmp_path
    campaign = make_campaign(tree)
    sk = campaign.milestones.get(code="SK")
    unit = tree["QD1"]
    officers = [personas["officer_q1"], add_officer(unit, "officer_q1_b")]
    both_read = threading.Barrier(2, timeout=20)
    real_create = Submission.objects.create
    attempts = []

    def create(**kwargs):
        # Both have read "no version yet" before either inserts: a true collision.
        if kwargs["version"] == 1:
            attempts.append(threading.get_ident())
            if len(attempts) <= 2:
                both_read.wait()
        return real_create(**kwargs)

    monkeypatch.setattr(Submission.objects, "create", create)
    results, errors = [], []

    def send(officer, text):
        try:
            results.append(
                services.submission_create(
                    actor=officer, milestone=sk, unit=unit, uploads=[(f"{text}.pdf", pdf_bytes(text))], notify=False
                )
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(o, t)) for o, t in zip(officers, ["A", "B"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(s.version for s in results) == [1, 2]
    assert len({s.receipt_number for s in results}) == 2
    assert len(attempts) == 2  # both tried version 1; one retried as version 2
    rows = Submission.objects.filter(milestone=sk, unit=unit)
    assert sorted(rows.values_list("version", flat=True)) == [1, 2]
    for s in rows:
        sha = s.files.get().stored.sha256
        assert files.path_for(sha).exists()


# --- review loop ------------------------------------------------------------------------------------


def test_a_supplement_needs_a_comment_and_nothing_changes_without_one(env):
    s = submit(env.sk, env.tree["QD1"], env.p["officer_q1"], vn(2023, 5, 30))
    with pytest.raises(Refused, match="ghi rõ nội dung cần bổ sung"):
        services.submission_review(actor=env.p["coordinator"], submission=s, decision="supplement", comment="   ")
    with pytest.raises(Refused):
        services.submission_review(actor=env.p["coordinator"], submission=s, decision="deleted")
    s.refresh_from_db()
    assert s.status == Submission.Status.RECEIVED
    assert not Review.objects.exists() and not AuditEntry.objects.filter(action="submission.review").exists()


def test_review_loop_notifies_the_unit_and_the_next_version_answers(env):
    unit, officer, coordinator = env.tree["QD1"], env.p["officer_q1"], env.p["coordinator"]
    Unit.objects.filter(pk=unit.pk).update(emails="quandoan1@example.vn")
    unit.refresh_from_db()
    officer.email = "can.bo.q1@example.vn"
    officer.save()
    v1 = submit(env.sk, unit, officer, vn(2023, 5, 30, 9))
    mail.outbox.clear()
    Notification.objects.all().delete()

    comment = "Thiếu phụ lục số liệu việc làm, đề nghị bổ sung."
    review = services.submission_review(actor=coordinator, submission=v1, decision="supplement", comment=comment)
    v1.refresh_from_db()
    assert v1.status == Submission.Status.SUPPLEMENT and review.reviewer == coordinator
    note = Notification.objects.get(user=officer)
    assert comment in note.text and "cần bổ sung" in note.text
    assert note.url == "/dot-thi-dua/thu-nghiem/nop/SK/QD1/"
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {"quandoan1@example.vn", "can.bo.q1@example.vn"}
    assert comment in mail.outbox[0].body
    assert queries.statuses(env.sk, [unit.pk], now=vn(2023, 6, 3))[unit.pk].review == "supplement"

    v2 = submit(env.sk, unit, officer, vn(2023, 6, 1, 9), note="Gửi bổ sung theo yêu cầu.")
    assert v2.answers == review and v2.status == Submission.Status.RECEIVED
    with pytest.raises(Refused, match="phiên bản mới hơn"):
        services.submission_review(actor=coordinator, submission=v1, decision="accepted")
    services.submission_review(actor=coordinator, submission=v2, decision="accepted")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("supplement", "accepted")  # v1's history stays
    assert Notification.objects.filter(user=officer, text__contains="đã được duyệt").count() == 1
    state = queries.statuses(env.sk, [unit.pk], now=vn(2023, 6, 3))[unit.pk]
    assert (state.review, state.status) == ("accepted", "on_time")

    entries = list(AuditEntry.objects.filter(action="submission.review").order_by("id"))
    assert [(e.actor, e.object_id, e.changes["status"], e.reason) for e in entries] == [
        (coordinator, str(v1.pk), ["received", "supplement"], comment),
        (coordinator, str(v2.pk), ["received", "accepted"], ""),
    ]


def test_every_change_is_in_the_audit_trail(env):
    coordinator, unit = env.p["coordinator"], env.tree["HD-NHABE"]
    s = submit(env.sk, unit, env.p["officer_nhabe"], vn(2023, 5, 30), note="Bản chính thức")
    created = AuditEntry.objects.get(action="submission.create")
    assert created.actor == env.p["officer_nhabe"] and created.object_id == str(s.pk)
    assert created.changes["version"] == [None, 1] and created.changes["receipt"] == [None, s.receipt_number]
    assert created.changes["on_time"] == [None, True] and created.reason == "Bản chính thức"
    assert f"sha256:{s.files.get().stored.sha256}" in created.changes["files"][1][0]

    services.deadline_exception_set(
        actor=coordinator,
        milestone=env.kh,
        unit=unit,
        kind="extension",
        new_deadline=vn(2023, 5, 8, 11),
        reason="Lý do A",
    )
    services.deadline_exception_set(actor=coordinator, milestone=env.kh, unit=unit, kind="exemption", reason="Lý do B")
    exception = DeadlineException.objects.get()
    services.deadline_exception_remove(actor=coordinator, exception=exception, reason="Nhầm đơn vị")
    entries = list(AuditEntry.objects.filter(action__startswith="deadline.").order_by("id"))
    assert [(e.action, e.changes["kind"], e.reason, e.actor) for e in entries] == [
        ("deadline.extension", [None, "extension"], "Lý do A", coordinator),
        ("deadline.exemption", ["extension", "exemption"], "Lý do B", coordinator),
        ("deadline.remove", ["exemption", None], "Nhầm đơn vị", coordinator),
    ]
    assert not DeadlineException.objects.exists()


# --- registration -----------------------------------------------------------------------------------


def test_registration_revisions_keep_the_earlier_numbers(env):
    ct1 = env.campaign.indicators.get(code="CT1")
    ct2 = env.campaign.indicators.get(code="CT2")
    officer, unit = env.p["officer_q1"], env.tree["QD1"]
    first = services.registration_save(
        actor=officer, campaign=env.campaign, unit=unit, commitments={ct1: Decimal(20), ct2: Decimal("85.5")},
        note="Đăng ký đầy đủ", now=vn(2023, 4, 28, 9),
    )  # fmt: skip
    second = services.registration_save(
        actor=officer, campaign=env.campaign, unit=unit, commitments={ct1: Decimal(30)}, now=vn(2023, 5, 2, 9)
    )
    assert (first.number, second.number) == (1, 2)
    assert Registration.objects.get().unit == unit
    kept = RegistrationRevision.objects.get(pk=first.pk)
    assert {c.indicator.code: c.value for c in kept.commitments.all()} == {"CT1": Decimal(20), "CT2": Decimal("85.5")}
    assert kept.note == "Đăng ký đầy đủ" and not kept.on_behalf and kept.created_by == officer
    assert {c.indicator.code: c.value for c in second.commitments.all()} == {"CT1": Decimal(30)}
    actions = list(
        AuditEntry.objects.filter(action__startswith="registration.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["registration.create", "registration.revise"]


@pytest.mark.parametrize(
    ("values", "message"),
    [({"CT2": Decimal("100.1")}, "là tỷ lệ phần trăm: tối đa 100"), ({"CT1": Decimal(-1)}, "≥ 0")],
)
def test_impossible_commitments_are_refused(env, values, message):
    commitments = {env.campaign.indicators.get(code=k): v for k, v in values.items()}
    with pytest.raises(Refused, match=message):
        services.registration_save(
            actor=env.p["officer_q1"], campaign=env.campaign, unit=env.tree["QD1"], commitments=commitments,
            now=vn(2023, 4, 28),
        )  # fmt: skip
    assert not Registration.objects.exists() and not RegistrationRevision.objects.exists()


def test_after_the_registration_deadline_only_the_coordinator_registers_on_behalf(env):
    deadline = vn(2023, 5, 5, 17, 0)
    Campaign.objects.filter(pk=env.campaign.pk).update(registration_deadline=deadline)
    env.campaign.refresh_from_db()
    ct1 = env.campaign.indicators.get(code="CT1")
    assert services.registration_is_open(env.campaign, now=vn(2023, 5, 5, 16, 59, 59, 999999))
    assert not services.registration_is_open(env.campaign, now=deadline)
    with pytest.raises(Refused, match="Đã hết hạn đăng ký"):
        services.registration_save(
            actor=env.p["officer_q1"],
            campaign=env.campaign,
            unit=env.tree["QD1"],
            commitments={ct1: Decimal(5)},
            now=deadline,
        )
    assert not Registration.objects.exists()
    revision = services.registration_save(
        actor=env.p["coordinator"], campaign=env.campaign, unit=env.tree["QD1"], commitments={ct1: Decimal(5)},
        on_behalf=True, now=vn(2023, 5, 10),
    )  # fmt: skip
    assert revision.on_behalf and revision.created_by == env.p["coordinator"]
    assert AuditEntry.objects.get(action="registration.create").changes["on_behalf"] == [None, True]


def test_registration_board_counts_registered_and_not_registered_for_a_subtree(env):
    ct1 = env.campaign.indicators.get(code="CT1")
    services.registration_save(
        actor=env.p["officer_q1"],
        campaign=env.campaign,
        unit=env.tree["QD1"],
        commitments={ct1: Decimal(5)},
        now=vn(2023, 5, 1),
    )
    city = list(queries.registration_units(env.campaign, env.tree["TD"]))
    assert [u.code for u in city] == ["BCNLD", "QD1", "HD-NHABE"]
    regs = queries.registrations_by_unit(env.campaign, [u.pk for u in city])
    assert set(regs) == {env.tree["QD1"].pk}
    district = list(queries.registration_units(env.campaign, env.tree["HD-NHABE"]))
    assert [u.code for u in district] == ["HD-NHABE"]
    assert queries.registrations_by_unit(env.campaign, [u.pk for u in district]) == {}


# --- the completeness board, DHIS2's way -------------------------------------------------------------


@pytest.fixture
def seed(seed_campaign, demo_tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EMAIL_BACKEND = LOCMEM
    coordinator = get_user_model().objects.create_user(username="coord", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=coordinator, unit=demo_tree["TD"], role=Role.COORDINATOR)
    return seed_campaign, coordinator


def test_rates_follow_dhis2_and_never_pass_100_percent(seed, demo_tree):
    campaign, coordinator = seed
    kh = campaign.milestones.get(code="KH")
    deadline_day = kh.deadline.astimezone(VN).date()
    all_expected = list(queries.expected_units(kh, campaign).order_by("path"))
    districts = [u for u in all_expected if u.kind == "district"]
    closed_before, closed_after, exempted, on_time, late, resent = districts[:6]
    Unit.objects.filter(pk=closed_before.pk).update(closed_on=deadline_day - dt.timedelta(days=1))
    Unit.objects.filter(pk=closed_after.pk).update(closed_on=deadline_day + dt.timedelta(days=1))
    services.deadline_exception_set(
        actor=coordinator, milestone=kh, unit=exempted, kind="exemption", reason="Mới thành lập"
    )
    before = kh.deadline - dt.timedelta(hours=3)
    submit(kh, on_time, coordinator, before)
    submit(kh, late, coordinator, kh.deadline + dt.timedelta(hours=2))
    for hours in (5, 1):  # a first version on time, then two more after the deadline
        submit(kh, resent, coordinator, kh.deadline - dt.timedelta(hours=hours))
    submit(kh, resent, coordinator, kh.deadline + dt.timedelta(days=1))

    result = queries.board(campaign, within=demo_tree["TD"], now=kh.deadline + dt.timedelta(days=5))
    summary = result.summaries[0]
    listed = len(all_expected) - 1  # the unit closed before the deadline day is not expected
    assert summary.listed == listed
    assert summary.expected == listed - 1  # nor is the exempted one
    assert (summary.received, summary.on_time, summary.late, summary.exempted) == (3, 2, 1, 1)
    assert summary.missing == summary.expected - 3
    assert summary.reporting_rate == round(100 * 3 / summary.expected, 1)
    assert summary.on_time_rate == round(100 * 2 / summary.expected, 1)
    row_codes = {u.code for u, _ in result.rows}
    assert closed_before.code not in row_codes and closed_after.code in row_codes

    # One unit, several versions: 100 %, not 300 %.
    only = queries.board(campaign, within=resent, now=kh.deadline + dt.timedelta(days=5)).summaries[0]
    assert (only.expected, only.received, only.reporting_rate, only.on_time_rate) == (1, 1, 100.0, 100.0)
    # An exempted unit that sent anyway does not count above expected either.
    submit_exempt = Submission.objects.filter(unit=exempted).exists()
    assert not submit_exempt
    alone = queries.board(campaign, within=exempted, now=kh.deadline + dt.timedelta(days=5)).summaries[0]
    assert (alone.expected, alone.reporting_rate) == (0, None)


def test_board_filters_by_kind_and_district(seed, demo_tree):
    campaign, _ = seed
    whole = queries.board(campaign, within=demo_tree["TD"], now=vn(2023, 7, 1))
    kinds = {u.kind for u, _ in whole.rows}
    assert {"district", "department"} <= kinds
    only_districts = queries.board(campaign, within=demo_tree["TD"], kinds=("district",), now=vn(2023, 7, 1))
    assert only_districts.rows and {u.kind for u, _ in only_districts.rows} == {"district"}
    assert only_districts.summaries[0].listed == len(only_districts.rows)
    one = queries.board(campaign, within=demo_tree["TD"], district=demo_tree["QD1"], now=vn(2023, 7, 1))
    assert [u.code for u, _ in one.rows] == ["QD1"]
    assert [cell.status for cell in one.rows[0][1]] == ["missing", "missing", "missing"]
