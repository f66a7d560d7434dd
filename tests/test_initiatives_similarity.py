"""Similar ideas: TF-IDF over folded syllable unigrams and bigrams ranks initiatives of the same
topic first, with or without accents, on a small labelled set. The pages take them from a worker:
"being looked for" until it has run, the previous list while a newer set is computed, a failure said."""

import datetime as dt

import pytest
from django.urls import reverse

from thidua.initiatives import queries, services, tasks
from thidua.initiatives.similarity import Index, document_text, features

from .test_initiatives_services import make_portal, publish_feasible, submit

# (topic, title, body): four topics of the city's administration, three initiatives each.
LABELLED = [
    ("queue", "Đặt lịch hẹn trực tuyến tại bộ phận một cửa",
     "Người dân xếp hàng chờ lâu tại bộ phận tiếp nhận và trả kết quả; đặt lịch hẹn theo khung giờ."),
    ("queue", "Lấy số thứ tự từ xa qua Zalo khi nộp hồ sơ",
     "Giảm thời gian chờ tại bộ phận một cửa phường: người dân lấy số thứ tự từ xa, đến đúng giờ nộp hồ sơ."),
    ("queue", "Màn hình gọi số và khung giờ hẹn cho quầy tiếp nhận hồ sơ",
     "Bộ phận một cửa quá tải đầu tuần; chia khung giờ hẹn, gọi số ưu tiên người đã đặt lịch, bớt xếp hàng."),
    ("flood", "Bản đồ điểm ngập do người dân báo cáo",
     "Sau mưa lớn, người dân gửi ảnh và vị trí điểm ngập nước; bản đồ ngập cập nhật cho lực lượng chống ngập."),
    ("flood", "Cảnh báo triều cường và ngập nước qua tin nhắn",
     "Hộ dân ven sông nhận tin nhắn khi triều cường, mưa lớn gây ngập; chủ động kê cao tài sản."),
    ("flood", "Cảm biến mực nước tại cống thoát nước",
     "Gắn cảm biến đo mực nước ở cống thoát nước, báo điểm ngập sớm cho trung tâm chống ngập thành phố."),
    ("eid", "Hỗ trợ kích hoạt tài khoản định danh điện tử mức độ 2",
     "Đoàn viên hướng dẫn người cao tuổi cài ứng dụng VNeID, kích hoạt tài khoản định danh điện tử mức độ 2."),
    ("eid", "Dùng định danh điện tử thay giấy tờ khi làm thủ tục",
     "Xuất trình tài khoản định danh điện tử VNeID thay bản sao căn cước, giảm giấy tờ trong hồ sơ."),
    ("eid", "Điểm tiếp nhận hồ sơ định danh điện tử tại khu phố",
     "Tổ công tác cùng công an phường thu nhận hồ sơ định danh điện tử mức độ 2 buổi tối tại nhà văn hóa."),
    ("waste", "Phân loại rác tại nguồn bằng thẻ tích điểm",
     "Hộ gia đình phân loại rác tái chế, rác hữu cơ được tích điểm đổi quà; giảm rác chôn lấp."),
    ("waste", "Thu gom rác cồng kềnh miễn phí mỗi tháng",
     "Thu gom rác cồng kềnh như nệm, tủ cũ thay vì vứt ra kênh rạch; giảm rác thải gây ô nhiễm."),
    ("waste", "Điểm đổi rác tái chế lấy cây xanh",
     "Mỗi tháng một điểm đổi rác tái chế, chai nhựa, giấy vụn lấy cây xanh; tuyên truyền phân loại rác."),
]  # fmt: skip
QUERIES = [
    ("queue", "Hẹn giờ nộp hồ sơ để người dân không phải xếp hàng ở một cửa"),
    ("flood", "ban do ngap nuoc sau mua"),  # typed without accents
    ("eid", "Huong dan VNeID cho nguoi cao tuoi"),
    ("waste", "Tái chế rác thải nhựa ở chung cư"),
]


@pytest.fixture(scope="module")
def index():
    return Index((n, document_text(title, body)) for n, (_topic, title, body) in enumerate(LABELLED))


def test_features_are_folded_syllables_and_their_bigrams():
    terms = features("Định danh điện tử mức độ 2 và một cửa")
    assert {"dinh", "danh", "dinh danh", "dien tu", "muc do", "mot cua"} <= set(terms)
    assert "va" not in terms and "2 va" not in terms  # function words and bigrams across them dropped
    assert features("MỘT CỬA") == features("mot cua")


@pytest.mark.parametrize("n", range(len(LABELLED)))
def test_each_initiative_s_nearest_neighbour_is_of_its_topic(index, n):
    topic, title, body = LABELLED[n]
    matches = index.query(document_text(title, body), exclude=[n], limit=5)
    assert matches, title
    assert LABELLED[matches[0].key][0] == topic, [LABELLED[m.key][1] for m in matches]
    # The two others of its topic are in its top 3.
    assert [LABELLED[m.key][0] for m in matches[:3]].count(topic) == 2


@pytest.mark.parametrize("topic,text", QUERIES)
def test_a_new_text_finds_its_topic_first_even_without_accents(index, topic, text):
    matches = index.query(text, limit=5)
    assert LABELLED[matches[0].key][0] == topic
    assert 0 < matches[-1].score <= matches[0].score <= 1


def test_unrelated_text_finds_nothing_and_an_empty_corpus_is_fine(index):
    assert index.query("Giải bóng đá thiếu nhi mùa hè") == []
    assert Index([]).query("một cửa") == []
    assert index.query("") == []


# --- computed by a worker, shown by the pages ------------------------------------------------------------

LOOKING = "Đang tìm các sáng kiến tương tự…"
UPDATING = "Đang cập nhật các sáng kiến tương tự…"
FAILED = "Chưa tìm được các sáng kiến tương tự lúc này; hệ thống sẽ tìm lại sau ít phút."
PART = {"HX-Request": "true", "HX-Target": "similar-list"}


class Worker:
    """A worker that has not run yet (as with a broker): the computations asked for wait here."""

    def __init__(self):
        self.asked = []

    def delay(self, *args):
        self.asked.append(args)

    def run(self):
        while self.asked:
            tasks.similar_compute(*self.asked.pop(0))


@pytest.fixture
def worker(monkeypatch):
    w = Worker()
    monkeypatch.setattr(tasks, "similar_compute_task", w)
    return w


@pytest.fixture
def portal(seed_campaign, demo_tree, settings, tmp_path):
    return make_portal(seed_campaign, demo_tree, settings, tmp_path)


@pytest.fixture
def ideas(portal):
    """A published initiative about booking the one-stop shop, and a new one on the same topic."""
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    public = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
    new = submit(campaign, u["HD-NHABE-01"], email="z@example.vn", title="Hẹn lịch trực tuyến tại bộ phận một cửa")
    return {**portal, "public": public, "new": new, "page": reverse("initiatives:detail", args=[new.code])}


@pytest.mark.django_db
def test_the_page_says_they_are_looked_for_until_the_worker_has_run(ideas, client, worker):
    client.force_login(ideas["p"]["coordinator"])
    page = client.get(ideas["page"]).content.decode()
    assert LOOKING in page and 'hx-trigger="every 2s"' in page and ideas["public"].code not in page
    assert worker.asked == [(ideas["new"].pk, False)]
    part = client.get(ideas["page"], headers=PART).content.decode()
    assert "<html" not in part and LOOKING in part and len(worker.asked) == 1  # asked once only
    worker.run()
    part = client.get(ideas["page"], headers=PART).content.decode()
    assert ideas["public"].code in part and LOOKING not in part and "hx-trigger" not in part
    assert worker.asked == []


@pytest.mark.django_db
def test_without_a_broker_the_page_has_them_at_once(ideas, client):
    client.force_login(ideas["p"]["coordinator"])
    page = client.get(ideas["page"])
    assert [s.initiative for s in page.context["similar"]][:1] == [ideas["public"]]
    assert LOOKING not in page.content.decode() and "hx-trigger" not in page.content.decode()


@pytest.mark.django_db
def test_submitting_asks_the_worker_for_the_councils_list(portal, worker, django_capture_on_commit_callbacks):
    campaign, u, p = portal["campaign"], portal["units"], portal["p"]
    public = publish_feasible(submit(campaign, u["QD1-01"]), p["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        new = services.initiative_submit(
            actor=p["author"], campaign=campaign, unit=u["QD1-02"], notify=False,
            content=services.InitiativeDraft(
                title="Hẹn giờ nộp hồ sơ tại bộ phận một cửa", field="admin_reform", problem="Xếp hàng lâu.",
                solution="Đặt lịch hẹn trực tuyến.", benefit="Ít chờ.", authors="Lê Văn A", contact_email="a@example.vn",
            ),
        )  # fmt: skip
    found = tasks.similar_found(new)  # computed after the commit, not when the page is opened
    assert not found.computing and [s.initiative for s in found.items] == [public] and worker.asked == []


@pytest.mark.django_db
def test_a_newer_set_of_initiatives_shows_the_previous_list_while_it_is_computed(ideas, client, worker):
    client.force_login(ideas["p"]["coordinator"])
    client.get(ideas["page"])
    worker.run()
    later = submit(ideas["campaign"], ideas["units"]["QD1-02"], email="w@example.vn",
                   title="Đặt lịch hẹn trực tuyến ở bộ phận một cửa phường")  # fmt: skip
    page = client.get(ideas["page"]).content.decode()
    assert UPDATING in page and ideas["public"].code in page and later.code not in page
    worker.run()
    part = client.get(ideas["page"], headers=PART).content.decode()
    assert UPDATING not in part and ideas["public"].code in part and later.code in part


@pytest.mark.django_db
def test_the_author_sees_the_gallerys_only_also_from_the_worker(ideas, client, worker):
    private = submit(ideas["campaign"], ideas["units"]["QD1-02"], email="v@example.vn",
                     title="Đặt lịch hẹn nộp hồ sơ tại một cửa")  # fmt: skip
    track = reverse("initiatives:track", args=[services.track_token(ideas["new"])])
    page = client.get(track).content.decode()
    assert LOOKING in page and 'id="similar-public"' in page and worker.asked == [(ideas["new"].pk, True)]
    worker.run()
    part = client.get(track, headers={"HX-Request": "true", "HX-Target": "similar-public"}).content.decode()
    assert "<html" not in part and ideas["public"].title in part and private.title not in part


@pytest.mark.django_db
def test_a_failure_is_said_then_looked_for_again(ideas, client, monkeypatch, time_machine):
    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    time_machine.move_to(dt.datetime(2023, 6, 1, 3, 0, tzinfo=dt.UTC))
    client.force_login(ideas["p"]["coordinator"])
    monkeypatch.setattr(queries, "similar_to", broken)
    page = client.get(ideas["page"])
    assert page.status_code == 200 and FAILED in page.content.decode()
    assert "index exploded" not in page.content.decode() and "hx-trigger" not in page.content.decode()
    monkeypatch.undo()
    assert FAILED in client.get(ideas["page"]).content.decode()  # not asked again at once
    time_machine.move_to(dt.datetime(2023, 6, 1, 3, 6, tzinfo=dt.UTC))
    client.force_login(ideas["p"]["coordinator"])
    page = client.get(ideas["page"]).content.decode()
    assert FAILED not in page and ideas["public"].code in page
