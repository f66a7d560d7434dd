"""Bad input to the portal's forms gets a clear message (in the page's language) and changes
nothing: an empty title, a bad e-mail address or phone, missing consent, refused files, bad
scores, a "not feasible" without its reason, a department's decline without its reason."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from thidua.core.models import StoredFile
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives import evaluation
from thidua.initiatives.models import Agency, Forwarding, Initiative, ReviewAssignment

from .test_initiatives_lifecycle import FORM
from .test_initiatives_services import at, make_portal, publish_feasible, submit, vn
from .test_submissions_files import docx_bytes, files_under, png_bytes


@pytest.fixture(name="portal")
def portal_fixture(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


def vi(message: str) -> str:
    """The message as a Vietnamese page shows it (the English source until it is translated)."""
    with translation.override("vi"):
        return escape(translation.gettext(message))


def post(client, portal, **changes):
    data = FORM | {"unit": portal["units"]["QD1-01"].pk} | changes
    return client.post(reverse("initiatives:submit"), {k: v for k, v in data.items() if v is not None})


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"title": ""}, "Give the initiative a title."),
        ({"title": "   "}, "Give the initiative a title."),
        ({"field": ""}, "Choose the field of the initiative."),
        ({"field": "chiem-tinh"}, None),  # Django's own "select a valid choice"
        ({"problem": ""}, "Describe the problem the initiative solves."),
        ({"authors": ""}, "Name the author(s)."),
        ({"unit": ""}, "Choose the authors' unit."),
        ({"unit": "999999"}, "Choose the authors' unit from the list."),
        ({"contact_email": ""}, "Give a contact e-mail address."),
        ({"contact_email": "le.minh.tri@"}, "Enter a valid e-mail address, e.g. ten@tphcm.gov.vn."),
        ({"contact_email": "không phải e-mail"}, "Enter a valid e-mail address, e.g. ten@tphcm.gov.vn."),
        ({"contact_phone": "gọi cho tôi"}, "Enter a phone number with digits only, e.g. 0909 123 456."),
        ({"consent": None}, "Please agree to the use of your contact data for this initiative."),
        ({"website": "http://spam.example"}, "Leave this field empty."),
        ({"title": "x" * 301}, "The title is at most 300 characters."),
    ],
)
def test_bad_fields_are_refused_with_a_clear_message(client, portal, changes, message):
    response = post(client, portal, **changes)
    assert response.status_code == 200
    assert response.context["form"].errors
    if message:
        assert vi(message) in response.content.decode()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("thuyet-minh.pdf", b"", "is empty"),
        ("thuyet-minh.pdf", docx_bytes(), "is not a real .pdf file"),
        ("anh.png", pdf_bytes("x"), "is not a real .png file"),
        ("chay-toi.exe", b"MZ\x90\x00", "only PDF, DOC/DOCX"),
    ],
)
def test_refused_files_store_nothing(client, portal, settings, tmp_path, name, data, message):
    client.force_login(portal["p"]["author"])  # files come with an account (or after confirming)
    response = post(client, portal, files=[upload("ban-ve.png", png_bytes()), upload(name, data)])
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page or vi(message) in page or name in page
    assert not Initiative.objects.exists() and not StoredFile.objects.exists()
    assert files_under(tmp_path) == []


def test_too_many_or_too_large_files_are_refused(client, portal, settings, tmp_path):
    settings.SUBMISSION_MAX_FILES = 2
    client.force_login(portal["p"]["author"])
    response = post(client, portal, files=[upload(f"phu-luc-{n}.pdf", pdf_bytes(str(n))) for n in range(3)])
    assert response.status_code == 200 and "2" in " ".join(response.context["form"].errors["files"])
    settings.SUBMISSION_MAX_FILE_BYTES = 200
    response = post(client, portal, files=[upload("lon.pdf", pdf_bytes("x" * 400))])
    assert response.status_code == 200 and "lon.pdf" in response.content.decode()
    assert not Initiative.objects.exists() and files_under(tmp_path) == []


def test_a_good_submission_with_files_is_kept(client, portal, tmp_path):
    client.force_login(portal["p"]["author"])
    response = post(client, portal, files=[upload("thuyet-minh.pdf", pdf_bytes("x")), upload("anh.png", png_bytes())])
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert [f.name for f in initiative.files.all()] == ["thuyet-minh.pdf", "anh.png"]
    assert len(files_under(tmp_path)) == 2


def test_the_council_s_forms_refuse_bad_input(client, portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    initiative = submit(campaign, u["QD1-01"])
    evaluation.reviewers_assign(actor=p["coordinator"], initiative=initiative, reviewers=[p["reviewer_bcnld"]])
    score = reverse("initiatives:score", args=[initiative.code])
    client.force_login(p["reviewer_bcnld"])
    for bad in ({"novelty": 0}, {"novelty": "mười"}, {"comment": ""}):
        data = {"novelty": 8, "feasibility": 7, "effectiveness": 9, "scope": 6, "cost": 8, "comment": "Tốt"} | bad
        response = client.post(score, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert ReviewAssignment.objects.get().scored_at is None

    client.force_login(p["coordinator"])
    response = client.post(
        reverse("initiatives:decide", args=[initiative.code]), {"decision": "not_feasible"}, follow=True
    )
    assert vi("Give the reason why the initiative is not feasible.") in response.content.decode()
    response = client.post(reverse("initiatives:decide", args=[initiative.code]), {"decision": "maybe"}, follow=True)
    initiative.refresh_from_db()
    assert initiative.decision == ""
    response = client.post(reverse("initiatives:merge", args=[initiative.code]), {"into": "SK-1999-0001"}, follow=True)
    assert "SK-1999-0001" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == "under_review"


def test_forwarding_forms_refuse_bad_dates_and_a_decline_without_reason(client, portal):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    snv = Agency.objects.get(name="Sở Nội vụ")
    client.force_login(p["coordinator"])
    with at(vn(2023, 6, 1, 9), tick=True):
        initiative = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
        forward = reverse("initiatives:forward", args=[initiative.code])
        response = client.post(forward, {"agencies": [snv.pk], "respond_by": "2023-05-01"}, follow=True)
        assert vi("The answer date must not be in the past.") in response.content.decode()
        response = client.post(forward, {"agencies": [], "respond_by": "2023-07-01"}, follow=True)
        assert vi("Choose at least one department.") in response.content.decode()
        response = client.post(forward, {"agencies": [snv.pk], "respond_by": "31/02/2023"}, follow=True)
        assert not Forwarding.objects.exists()
        client.post(forward, {"agencies": [snv.pk], "respond_by": "01/07/2023"})
        item = Forwarding.objects.get()
        respond = reverse("initiatives:respond", args=[item.pk])
        response = client.post(respond, {"response": "decline", "response_date": "2023-06-01"}, follow=True)
        assert vi("Give the reason the department declined.") in response.content.decode()
        response = client.post(
            respond, {"response": "adopt", "response_date": "2023-06-30", "reason": "x"}, follow=True
        )
        assert vi("The date of the answer cannot be in the future.") in response.content.decode()
    item.refresh_from_db()
    assert item.response == "" and item.respond_by.isoformat() == "2023-07-01"
