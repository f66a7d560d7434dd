"""Similar ideas: TF-IDF over folded syllable unigrams and bigrams ranks initiatives of the same
topic first, with or without accents, on a small labelled set."""

import pytest

from thidua.initiatives.similarity import Index, document_text, features

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
