"""Who sees what in the initiatives portal: an author sees only their own non-public initiatives
(other codes are 404, through the account or the tracking link), the public gallery never shows
contact data, officers of another district get 404, read-only roles get 403 on the council's
actions, reviewers judge without the authors' contact data."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from thidua.core.models import AuditEntry
from thidua.demo.submissions import pdf_bytes
from thidua.initiatives import access as initiative_access
from thidua.initiatives import evaluation, services
from thidua.initiatives.models import Initiative

from .test_initiatives_services import make_portal, make_user, publish_feasible, submit


@pytest.fixture(name="portal")
def portal_fixture(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


@pytest.fixture
def two(portal):
    """Two non-public initiatives: one of the account author (Quận 1), one of an anonymous author
    (Nhà Bè); and a public one with contact data and unnamed authors."""
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    mine = submit(campaign, u["QD1-01"], actor=p["author"], email="cua.toi@example.vn", phone="0911 222 333",
                  uploads=[("cua-toi.pdf", pdf_bytes("cua toi"))])  # fmt: skip
    theirs = submit(campaign, u["HD-NHABE-01"], email="nguoi.khac@example.vn", phone="0988 777 666",
                    title="Số hóa sổ hộ tịch", uploads=[("khac.pdf", pdf_bytes("khac"))])  # fmt: skip
    public = publish_feasible(
        submit(campaign, u["QD1-02"], email="cong.khai@example.vn", phone="0977 555 444", show_authors=False,
               title="Mã QR tra cứu tiến độ hồ sơ", authors="Lâm Gia Huy – chuyên viên"),
        p["coordinator"],
    )  # fmt: skip
    return portal | {"mine": mine, "theirs": theirs, "public": public}


def detail(code):
    return reverse("initiatives:detail", args=[code])


def test_an_author_sees_only_their_own_non_public_initiatives(client, two):
    p, mine, theirs, public = two["p"], two["mine"], two["theirs"], two["public"]
    client.force_login(p["author"])
    page = client.get(detail(mine.code))
    assert page.status_code == 200 and "cua.toi@example.vn" in page.content.decode()
    assert client.get(detail(theirs.code)).status_code == 404
    assert client.get(detail(public.code)).status_code == 404  # its private page, that is
    assert client.get(detail("SK-2023-9999")).status_code == 404
    theirs_file = theirs.files.get()
    assert client.get(reverse("initiatives:download", args=[theirs.code, theirs_file.pk])).status_code == 404
    mine_file = mine.files.get()
    assert client.get(reverse("initiatives:download", args=[mine.code, theirs_file.pk])).status_code == 404
    assert client.get(reverse("initiatives:download", args=[mine.code, mine_file.pk])).status_code == 200
    # The download is in the audit trail with the file's hash; the two refusals are not.
    entry = AuditEntry.objects.get(action=services.FILE_DOWNLOAD)
    assert entry.actor == p["author"] and entry.object_id == str(mine.pk)
    assert entry.changes == {
        "initiative": [None, mine.code],
        "file": [None, "cua-toi.pdf"],
        "size": [None, len(pdf_bytes("cua toi"))],
        "sha256": [None, hashlib.sha256(pdf_bytes("cua toi")).hexdigest()],
    }
    listed = client.get(reverse("initiatives:mine")).content.decode()
    assert mine.title in listed and theirs.title not in listed
    assert [i.code for i in initiative_access.visible_initiatives(p["author"])] == [mine.code]
    # Answering a question of someone else's initiative.
    assert (
        client.post(reverse("initiatives:answer", args=[theirs.code]), {"question": 1, "answer": "x"}).status_code
        == 404
    )


def test_a_tracking_link_opens_one_initiative_only(client, two):
    mine, theirs = two["mine"], two["theirs"]
    token = services.track_token(theirs)
    page = client.get(reverse("initiatives:track", args=[token]))
    assert page.status_code == 200 and theirs.code in page.content.decode()
    assert mine.title not in page.content.decode()
    other_file = mine.files.get()
    assert client.get(reverse("initiatives:track_download", args=[token, other_file.pk])).status_code == 404
    assert client.get(reverse("initiatives:track_download", args=[token, theirs.files.get().pk])).status_code == 200
    entry = AuditEntry.objects.get(action=services.FILE_DOWNLOAD)  # one: the refused one is not recorded
    assert entry.actor is None and entry.object_id == str(theirs.pk)
    assert entry.changes["via"] == [None, "track_link"] and entry.changes["file"] == [None, "khac.pdf"]
    # A forged or altered token, or a code in its place.
    for bad in (token[:-3] + "abc", f"{mine.pk}:abc", mine.code):
        assert client.get(reverse("initiatives:track", args=[bad])).status_code == 404
    # Questions of another initiative cannot be answered through this link.
    question = services.question_ask(actor=two["p"]["coordinator"], initiative=mine, text="Số liệu?", notify=False)
    response = client.post(reverse("initiatives:track", args=[token]), {"question": question.pk, "answer": "x"})
    assert response.status_code == 404
    question.refresh_from_db()
    assert question.answer == ""


def test_an_unconfirmed_initiative_is_seen_by_nobody(client, two):
    campaign, u, p = two["campaign"], two["units"], two["p"]
    pending = submit(campaign, u["QD1-01"], confirm=False, email="chua.xac.nhan@example.vn")
    assert not initiative_access.can_see_initiative(p["coordinator"], pending)
    assert pending not in initiative_access.visible_initiatives(p["coordinator"])
    client.force_login(p["coordinator"])
    assert "chua.xac.nhan" not in client.get(reverse("initiatives:list")).content.decode()


def test_the_gallery_never_shows_contact_data(client, two):
    public, theirs = two["public"], two["theirs"]
    gallery = client.get(reverse("initiatives:gallery")).content.decode()
    page = client.get(reverse("initiatives:public_detail", args=[public.code])).content.decode()
    for html in (gallery, page):
        assert public.title in html
        assert "cong.khai@example.vn" not in html and "0977 555 444" not in html
        assert "Lâm Gia Huy" not in html  # the authors did not agree to be named
        assert theirs.title not in html and "nguoi.khac@example.vn" not in html
    # Searching for contact data finds nothing; searching the text without accents does.
    assert public.title not in client.get(reverse("initiatives:gallery"), {"q": "cong.khai"}).content.decode()
    assert public.title in client.get(reverse("initiatives:gallery"), {"q": "ma qr tra cuu"}).content.decode()
    # Non-public initiatives have no public page; neither do merged or pending ones.
    assert client.get(reverse("initiatives:public_detail", args=[theirs.code])).status_code == 404
    # Attachments are never public.
    assert "/tep/" not in page and "/tep/" not in gallery


def test_officers_see_their_district_s_initiatives_and_others_get_404(client, two):
    p, mine, theirs = two["p"], two["mine"], two["theirs"]
    client.force_login(p["officer_nhabe"])
    assert client.get(detail(mine.code)).status_code == 404  # Quận 1's, seen from Nhà Bè
    assert client.get(reverse("initiatives:download", args=[mine.code, mine.files.get().pk])).status_code == 404
    page = client.get(detail(theirs.code))
    assert page.status_code == 200 and "nguoi.khac@example.vn" in page.content.decode()  # their own people
    listed = client.get(reverse("initiatives:list")).content.decode()
    assert theirs.code in listed and mine.code not in listed
    # A viewer of Quận 1 sees Quận 1's initiative, without the contact data.
    client.force_login(p["viewer_q1"])
    page = client.get(detail(mine.code)).content.decode()
    assert mine.title in page and "cua.toi@example.vn" not in page


@pytest.mark.parametrize("who", ["viewer_q1", "steering", "officer_q1", "reviewer_bcnld"])
def test_read_only_roles_cannot_act_for_the_council(client, two, who):
    p, mine = two["p"], two["mine"]
    if who == "reviewer_bcnld":
        evaluation.reviewers_assign(actor=p["coordinator"], initiative=mine, reviewers=[p["reviewer_bcnld"]])
    client.force_login(p[who])
    assert client.get(detail(mine.code)).status_code == 200
    for name, data in [
        ("decide", {"decision": "feasible"}),
        ("assign", {"reviewers": [p["reviewer_qd3"].pk]}),
        ("merge", {"into": two["public"].code}),
        ("forward", {"agencies": [], "respond_by": "2030-01-01"}),
    ]:
        assert client.post(reverse(f"initiatives:{name}", args=[mine.code]), data).status_code == 403, name
    assert client.post(reverse("initiatives:publish"), {"code": [mine.code]}).status_code == 403
    mine.refresh_from_db()
    assert mine.decision == "" and mine.status in ("submitted", "under_review")


def test_reviewers_see_their_initiatives_without_contact_data(client, two):
    p, mine, theirs = two["p"], two["mine"], two["theirs"]
    evaluation.reviewers_assign(actor=p["coordinator"], initiative=theirs, reviewers=[p["reviewer_qd1"]])
    client.force_login(p["reviewer_qd1"])
    page = client.get(reverse("initiatives:score", args=[theirs.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert theirs.title in html and "nguoi.khac@example.vn" not in html and "0988 777 666" not in html
    assert client.get(detail(mine.code)).status_code == 200  # a reviewer of Quận 1 also sees Quận 1's …
    assert client.get(reverse("initiatives:score", args=[mine.code])).status_code == 403  # … but not to score
    # Another reviewer, not assigned, from elsewhere: nothing.
    client.force_login(p["reviewer_qd3"])
    assert client.get(detail(theirs.code)).status_code == 404
    assert client.get(reverse("initiatives:score", args=[theirs.code])).status_code == 404


def test_the_coordinator_of_another_union_cannot_run_this_campaign_s_initiatives(client, two):
    mine = two["mine"]
    district_coordinator = make_user("dp_q1", "coordinator", two["units"]["QD1"])
    client.force_login(district_coordinator)
    assert client.get(detail(mine.code)).status_code == 200  # its own people's initiative …
    response = client.post(reverse("initiatives:decide", args=[mine.code]), {"decision": "feasible"})
    assert response.status_code == 403  # … but the city's council decides
    assert Initiative.objects.get(pk=mine.pk).decision == ""
