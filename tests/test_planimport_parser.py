"""The plan importer's parser: the seed plan fact for fact, seven further plans against their expected
facts (tests/plans/<name>.expected.yaml), robustness to layout, unit matching and warnings."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from thidua.campaigns import definition as defn
from thidua.planimport.parser import ImportResult, Span, import_text
from thidua.planimport.readers import read_document

pytestmark = pytest.mark.django_db

SEED_PLAN = (
    Path(__file__).resolve().parent / "seed" / "ke-hoach-2023.txt"
)  # a copy of ../shared/seed/000_cb102c91df529f6d.txt
PLAN_DIR = Path(__file__).resolve().parent / "plans"


def seed_text() -> str:
    return SEED_PLAN.read_text(encoding="utf-8")


def test_the_copy_of_the_seed_plan_is_the_shared_one():
    shared = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_cb102c91df529f6d.txt"
    if not shared.exists():
        pytest.skip("../shared is not next to this checkout")
    assert SEED_PLAN.read_bytes() == shared.read_bytes()


def codes(result: ImportResult) -> set[tuple[str, str]]:
    return {(w.code, w.where) for w in result.warnings}


def at(result: ImportResult, path: str) -> str:
    span = result.spans[path]
    return result.text[span.start : span.end]


# --- the .docx plan, built here with python-docx ------------------------------------------------

DOCX_HEADER = [
    ("BCH ĐOÀN TP. HỒ CHÍ MINH", "ĐOÀN TNCS HỒ CHÍ MINH"),
    ("BAN THƯỜNG VỤ THÀNH ĐOÀN", ""),
    ("***", ""),
    ("Số: 87-KH/TĐTN-BTC", "TP. Hồ Chí Minh, ngày 15 tháng 3 năm 2022"),
]
DOCX_BODY = [  # (style, text): b = bold, i = italic
    ("b", "KẾ HOẠCH"),
    (
        "b",
        "Tổ chức Đại hội Đoàn các cấp tiến tới Đại hội đại biểu Đoàn TNCS Hồ Chí Minh Thành phố Hồ Chí Minh "
        "lần thứ XI, nhiệm kỳ 2022 - 2027",
    ),
    (
        "",
        "Căn cứ Chỉ thị của Ban Bí thư Trung ương Đoàn về đại hội Đoàn các cấp, Ban Thường vụ Thành Đoàn ban hành "
        "kế hoạch tổ chức đại hội Đoàn các cấp với phương châm “Đoàn kết - Dân chủ - Kỷ cương - Đổi mới”, cụ thể "
        "như sau:",
    ),
    ("b", "I. MỤC TIÊU"),
    ("", "- 100% chi đoàn, cơ sở Đoàn tổ chức đại hội đúng thời gian quy định."),
    ("", "- Phấn đấu 30% đại biểu là cán bộ nữ, đoàn viên ưu tú."),
    ("b", "II. THỜI GIAN"),
    ("", "Từ tháng 3/2022 đến tháng 9/2022."),
    ("b", "III. CÁC BƯỚC TIẾN HÀNH"),
    ("", "1. Đại hội chi đoàn: hoàn thành trước ngày 30/4/2022."),
    (
        "i",
        "(Phân công Ban Tổ chức Thành Đoàn chủ trì, phối hợp với Ủy ban Kiểm tra Thành Đoàn hướng dẫn thực hiện.)",
    ),
    ("", "2. Đại hội Đoàn cơ sở: từ ngày 01/5/2022 đến ngày 30/6/2022."),
    ("i", "(Phân công: các cơ sở Đoàn trực thuộc Thành Đoàn tổ chức; Ban Tổ chức Thành Đoàn theo dõi, hướng dẫn.)"),
    ("", "3. Đại hội đại biểu Đoàn cấp quận, huyện và tương đương: hoàn thành trong tháng 8/2022."),
    ("i", "(Phân công Ban Tổ chức, Ủy ban Kiểm tra Thành Đoàn và các Quận - Huyện Đoàn thực hiện.)"),
    (
        "",
        "4. Đại hội đại biểu Đoàn TNCS Hồ Chí Minh Thành phố lần thứ XI: dự kiến ngày 15/9/2022 (thứ Năm) tại "
        "Hội trường Thành Đoàn, số 1 Phạm Ngọc Thạch, Quận 1; dự kiến 450 đại biểu chính thức.",
    ),
    ("i", "(Phân công Văn phòng Thành Đoàn, Ban Tổ chức Thành Đoàn, Ban Tuyên giáo triển khai thực hiện.)"),
    ("b", "IV. TỔ CHỨC THỰC HIỆN"),
    ("", "1. Thường trực Thành Đoàn là Ban Chỉ đạo Đại hội Đoàn các cấp."),
    ("", "2. Ban Tổ chức Thành Đoàn là đơn vị thường trực, tham mưu, theo dõi tiến độ đại hội các cấp."),
    (
        "",
        "3. Các cơ sở Đoàn trực thuộc Thành Đoàn báo cáo về Ban Tổ chức Thành Đoàn "
        "(email: bantochuc.thanhdoan@tphcm.gov.vn) theo các mốc sau:",
    ),
    ("", "- Báo cáo tiến độ đại hội cấp cơ sở: trước 16 giờ 30 ngày 20/5/2022 (thứ Sáu);"),
    ("", "- Báo cáo sơ kết: trước 16 giờ 30 ngày 12/8/2022 (thứ Sáu);"),
    ("", "- Báo cáo tổng kết công tác đại hội: hạn chót ngày 14/10/2022."),
]
DOCX_FOOTER = [
    ("Nơi nhận:", "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN"),
    ("- Trung ương Đoàn: Ban Tổ chức;", "BÍ THƯ"),
    ("- Thành ủy: Ban Tổ chức;", ""),
    ("- Các cơ sở Đoàn trực thuộc;", ""),
    ("- Lưu: VT, BTC.", "Ngô Minh Hải"),
]


def build_congress_docx() -> bytes:
    """The congress plan as a Word file: header and signature in tables, bold headings, italic assignments."""
    document = docx.Document()
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Normal"].font.size = Pt(14)

    def table(rows):
        t = document.add_table(rows=0, cols=2)
        for left, right in rows:
            cells = t.add_row().cells
            cells[0].text, cells[1].text = left, right

    table(DOCX_HEADER)
    for style, text in DOCX_BODY:
        run = document.add_paragraph().add_run(text)
        run.bold, run.italic = style == "b", style == "i"
    table(DOCX_FOOTER)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plan_files() -> list[str]:
    names = sorted(p.name for p in PLAN_DIR.iterdir() if p.suffix in (".txt", ".md"))
    return [*names, "dai-hoi-doan-2022.docx"]


def plan_text(name: str) -> str:
    if name.endswith(".docx"):
        return read_document(build_congress_docx(), name)
    return read_document((PLAN_DIR / name).read_bytes(), name)


def facts(result: ImportResult) -> dict:
    """The facts the expected files state (see tests/plans/*.expected.yaml)."""
    d = result.definition
    return {
        "title": d["title"],
        "theme": d["theme"],
        "issuer": d["issuer"],
        "period": d["period"],
        "audience": d["audience"],
        "steering_committee": d["steering_committee"],
        "coordinator_unit": d["coordinator"]["unit"],
        "submission_email": d["submission_email"],
        "registration_deadline": d["registration_deadline"],
        "goals": [{"text": g["text"], "target": g["target"]} for g in d["goals"]],
        "activities": [
            {
                "description_start": a["description"][:60],
                **{k: a[k] for k in ("date", "end_date", "date_tentative", "weekday", "venue", "programme", "url")},
                "target": a["target"],
                "assignments": [{k: s[k] for k in ("role", "name", "unit", "group")} for s in a["assignments"]],
            }
            for a in d["activities"]
        ],
        "milestones": [
            {k: m[k] for k in ("code", "kind", "title", "deadline", "deadline_text", "weekday", "submit_to")}
            | {"expected_groups": m["expected"]["groups"]}
            for m in d["milestones"]
        ],
        "distribution": d["distribution"],
        "signature": d["signature"],
        "warnings": sorted(f"{w.code} {w.where}" for w in result.warnings),
    }


def assert_matches(expected, actual, path="") -> None:
    """Every fact in `expected` is in `actual` (dicts: the keys given; lists: item by item, same length)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_matches(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{path}: expected {len(expected)} items, got {actual!r}"
        )
        for i, (e, a) in enumerate(zip(expected, actual), start=1):
            assert_matches(e, a, f"{path}[{i}]")
    else:
        assert actual == expected, f"{path}: expected {expected!r}, got {actual!r}"


def assert_spans_point_at_values(result: ImportResult) -> None:
    """Spans are inside the text, and the ones for verbatim fields cover exactly the value."""
    d = result.definition
    for path, span in result.spans.items():
        assert isinstance(span, Span) and 0 <= span.start < span.end <= len(result.text), path
    verbatim = {"theme": d["theme"], "audience": d["audience"], "submission_email": d["submission_email"]}
    for i, goal in enumerate(d["goals"], start=1):
        verbatim[f"goals[{i}].text"] = goal["text"]
    for i, a in enumerate(d["activities"], start=1):
        for key in ("programme", "venue", "weekday"):
            verbatim[f"activities[{i}].{key}"] = a[key]
        for j, s in enumerate(a["assignments"], start=1):
            verbatim[f"activities[{i}].assignments[{j}]"] = s["name"]
    for i, m in enumerate(d["milestones"], start=1):
        verbatim[f"milestones[{i}].deadline_text"] = m["deadline_text"]
    for i, line in enumerate(d["distribution"], start=1):
        verbatim[f"distribution[{i}]"] = line
    for key in ("on_behalf", "position", "name"):
        verbatim[f"signature.{key}"] = d["signature"][key]
    for key in ("document_number", "place"):
        verbatim[f"issuer.{key}"] = d["issuer"][key]
    for path, value in verbatim.items():
        if value is None:
            assert path not in result.spans or path.startswith("activities"), path
            continue
        assert at(result, path) == value, path


# --- the seed plan --------------------------------------------------------------------------------


@pytest.fixture
def seed_import(demo_tree) -> tuple[ImportResult, float]:
    text = seed_text()
    started = time.process_time()  # CPU time: what the import costs, not how busy the machine is
    result = import_text(text)
    return result, time.process_time() - started


def test_seed_imports_in_under_a_second_into_a_valid_draft(seed_import):
    result, elapsed = seed_import
    assert elapsed < 1.0
    defn.validate(result.definition)
    d = result.definition
    assert d["format"] == "thidua.campaign/1" and d["status"] == "draft" and d["indicators"] == []
    assert d["slug"] == "tuoi-tre-thanh-pho-bac-nang-dong-sang-tao-dam-nghi-2023"


def test_seed_reproduces_the_seed_definition(seed_import, seed_definition):
    """Every fact of the hand-written seed definition, except the short activity titles it invents."""
    result, _elapsed = seed_import
    got, want = result.definition, dict(seed_definition)
    configuration = ("slug", "status", "indicators", "validation_rules", "clusters", "criteria")
    for key in (*configuration, "award_types"):  # configuration, not the text
        want.pop(key)
    for key, value in want.items():
        if key == "activities":
            for a_got, a_want in zip(got["activities"], value, strict=True):
                assert {k: v for k, v in a_got.items() if k != "title"} == {
                    k: v for k, v in a_want.items() if k != "title"
                }
        else:
            assert got[key] == value, key


def test_seed_facts_one_by_one(seed_import):
    result, _elapsed = seed_import
    d = result.definition
    assert d["issuer"] == {
        "unit": "TD",
        "name": "Ban Thường vụ Thành Đoàn",
        "document_number": None,
        "place": None,
        "date": None,  # never invented
    }
    assert d["period"] == {
        "start": "issue_date",
        "end": "2023-06-30",
        "text": "từ ngày ban hành kế hoạch đến ngày 30/6/2023",
    }
    assert [g["target"] for g in d["goals"]] == [
        {"value": 100, "unit": "%", "subject": "cơ sở Đoàn"},
        {"value": 100, "unit": "%", "subject": "cán bộ, công chức, viên chức trẻ"},
        {"value": 100, "unit": "%", "subject": "cơ sở Đoàn"},
    ]
    assert [g["code"] for g in d["goals"]] == ["MT1", "MT2", "MT3"]
    assert [[(s["role"], s["unit"] or s["group"]) for s in a["assignments"]] for a in d["activities"]] == [
        [("lead", "BCNLD"), ("co_lead", "BTGDN"), ("co_lead", "VP")],
        [
            ("lead", "BMTANQP"),
            ("co_lead", "BCNLD"),
            ("co_lead", "BTNTH"),
            ("co_lead", "TTHTTNCN"),
            ("co_lead", "CATP"),
            ("co_lead", "direct_units"),
        ],
        [("lead", "BCNLD"), ("co_lead", "BTGDN"), ("co_lead", "THTN"), ("co_lead", "TTHTTNCN"), ("co_lead", "DKDCD")],
        [("lead", "BMTANQP"), ("co_lead", "BCNLD"), ("co_lead", "TTHTTNCN"), ("co_lead", "TTDVVLTN")],
        [("lead", "BCNLD"), ("co_lead", "HD-NHABE"), ("co_lead", "DKDCD"), ("co_lead", "CATP")],
        [("lead", "BCNLD"), ("co_lead", "TTPTKHCNT"), ("co_lead", "DKDCD")],
        [
            ("lead", "BMTANQP"),
            ("co_lead", "TD-THUDUC"),
            ("co_lead", "HD-BINHCHANH"),
            ("co_lead", "HD-CUCHI"),
            ("co_lead", "HD-HOCMON"),
            ("co_lead", "DKDCD"),
        ],
        [("lead", "BCNLD"), ("co_lead", "TTHTTNCN")],
    ]
    conference = d["activities"][0]
    assert (conference["date"], conference["weekday"], conference["date_tentative"]) == ("2023-05-04", "thứ Năm", True)
    assert conference["venue"] == "Hội trường Thành Đoàn Thành phố Hồ Chí Minh"
    assert d["activities"][3]["target"] == {"value": 20000, "unit": "lượt thanh niên được giới thiệu việc làm"}
    assert [a["programme"] for a in d["activities"]][4:] == [
        "Ngày thứ Bảy tình nguyện tuyên truyền sử dụng dịch vụ công trực tuyến và giải quyết thủ tục hành chính "
        "cho người dân, doanh nghiệp",
        "Sáng kiến công chức, viên chức trẻ",
        None,
        "Người Việt Nam ưu tiên dùng hàng Việt Nam",
    ]
    assert d["activities"][5]["url"] == "http://2020.ytuongsangtaohcm.vn"
    assert [(m["code"], m["kind"], m["deadline"], m["deadline_text"], m["weekday"]) for m in d["milestones"]] == [
        ("KH", "plan", "2023-05-06T11:00:00+07:00", "trước 11g00 ngày 06/5/2023 (thứ Sáu)", "thứ Sáu"),
        ("SK", "midterm", "2023-05-31T11:00:00+07:00", "trước 11g00 ngày 31/5/2023 (thứ Tư)", "thứ Tư"),
        ("TK", "final", "2023-06-23T11:00:00+07:00", "trước 11g00 ngày 23/6/2023 (thứ Sáu)", "thứ Sáu"),
    ]
    assert {m["submit_to"] for m in d["milestones"]} == {"bcnld.thanhdoan@tphcm.gov.vn"}
    assert d["milestones"][0]["expected"] == {
        "groups": ["departments", "institutions", "enterprises", "direct_units"],
        "units": [],
    }
    assert d["submission_email"] == "bcnld.thanhdoan@tphcm.gov.vn"
    assert len(d["distribution"]) == 8 and d["distribution"][-1] == "Lưu (VT-LT)."
    assert d["signature"] == {
        "on_behalf": "TM. BAN THƯỜNG VỤ THÀNH ĐOÀN",
        "position": "PHÓ BÍ THƯ",
        "name": "Trần Thu Hà",
    }
    assert d["steering_committee"] == "Ban Thường vụ Thành Đoàn"
    assert d["coordinator"]["unit"] == "BCNLD"


def test_seed_warnings(seed_import):
    result, _elapsed = seed_import
    assert codes(result) == {
        ("no_header", "issuer"),
        ("period_start_unknown", "period"),
        ("weekday_mismatch", "milestones[1]"),  # 06/5/2023 was a Saturday, not "thứ Sáu"
        ("deadline_non_working_day", "milestones[1]"),
        ("number_not_attached", "activities[2]"),  # "100% cán bộ Đoàn, đoàn viên …": an indicator's target
    }
    mismatch = next(w for w in result.warnings if w.code == "weekday_mismatch")
    assert mismatch.subject == "Kế hoạch tổ chức"


def test_seed_spans_show_where_each_field_came_from(seed_import):
    result, _elapsed = seed_import
    assert at(result, "title").startswith("Tổ chức đợt thi đua cao điểm “Tuổi trẻ")
    assert at(result, "issuer.name") == "Ban Thường vụ Thành Đoàn"
    assert at(result, "period.end") == "30/6/2023"
    assert at(result, "goals[1].target") == "100% các cơ sở Đoàn"
    assert at(result, "activities[1].date") == "04/5/2023"
    assert at(result, "activities[1].venue") == "Hội trường Thành Đoàn Thành phố Hồ Chí Minh"
    assert at(result, "activities[3].description").startswith("Giới thiệu và hướng dẫn sử dụng")
    assert at(result, "activities[4].assignments[2]") == "Ban Công nhân lao động Thành Đoàn"
    assert at(result, "activities[4].target") == "20.000 lượt thanh niên được giới thiệu việc làm"
    assert at(result, "milestones[1].deadline") == "trước 11g00 ngày 06/5/2023 (thứ Sáu)"
    assert at(result, "distribution[2]") == "Thành ủy: TT, BDV, BTG, VP;"
    assert at(result, "signature.name") == "Trần Thu Hà"
    assert "**" not in result.text and "<http" not in result.text and "(*" not in result.text
    assert result.definition["context"] == at(result, "context")
    assert_spans_point_at_values(result)


def test_seed_definition_loads_as_a_draft_campaign(seed_import):
    from thidua.campaigns.services import campaign_load

    result, _elapsed = seed_import
    campaign = campaign_load(actor=None, definition=result.definition).campaign
    assert campaign.status == "draft" and campaign.activities.count() == 8


# --- further plans --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", plan_files())
def test_plan_matches_its_expected_facts(demo_tree, name):
    result = import_text(plan_text(name))
    defn.validate(result.definition)
    expected_path = PLAN_DIR / (name.rsplit(".", 1)[0] + ".expected.yaml")
    expected = defn.parse_text(expected_path.read_text(encoding="utf-8"))
    assert_matches(expected, facts(result))
    assert_spans_point_at_values(result)
    # The draft round-trips through the definition file format.
    assert defn.parse_text(defn.dump_text(result.definition)) == result.definition


def test_congress_docx_is_read_from_word(demo_tree):
    text = plan_text("dai-hoi-doan-2022.docx")
    assert "Số: 87-KH/TĐTN-BTC" in text
    result = import_text(text)
    assert result.definition["issuer"]["date"] == "2022-03-15"
    assert result.definition["signature"]["name"] == "Ngô Minh Hải"


def test_seven_further_plans_each_with_its_expected_facts():
    assert len(plan_files()) >= 7
    for name in plan_files():
        assert (PLAN_DIR / (name.rsplit(".", 1)[0] + ".expected.yaml")).exists(), name


# --- robustness -----------------------------------------------------------------------------------

PLAIN = """KẾ HOẠCH
Tổ chức Ngày hội “Thanh niên khỏe” năm 2023

{marker1}MỤC TIÊU
{item}100% cơ sở Đoàn tham gia Ngày hội.
{marker2}HOẠT ĐỘNG
{item}Tổ chức Ngày hội vào ngày 16/7/2023 (Chủ nhật) tại Nhà Thiếu nhi Thành phố.
(Phân công Ban Công tác thiếu nhi Thành Đoàn chủ trì; Nhà Thiếu nhi Thành phố phối hợp.)
{marker3}TỔ CHỨC THỰC HIỆN
{item}Các cơ sở Đoàn trực thuộc Thành Đoàn gửi báo cáo tổng kết về Ban CTTN (ctn@example.vn) trước 17g00 ngày 21/7/2023.
"""


@pytest.mark.parametrize(
    "markers",
    [
        ("I. ", "II. ", "III. ", "- "),
        ("1. ", "2. ", "3. ", "a) "),
        ("## ", "## ", "## ", "• "),
        ("1) ", "2) ", "3) ", "+ "),
        ("", "", "", "* "),
    ],
    ids=["roman-dash", "num-alpha", "markdown-bullet", "paren-plus", "caps-star"],
)
def test_numbering_styles_give_the_same_facts(demo_tree, markers):
    m1, m2, m3, item = markers
    result = import_text(PLAIN.format(marker1=m1, marker2=m2, marker3=m3, item=item))
    d = result.definition
    assert [g["target"]["value"] for g in d["goals"]] == [100]
    assert len(d["activities"]) == 1
    a = d["activities"][0]
    assert (a["date"], a["weekday"], a["venue"]) == ("2023-07-16", "Chủ nhật", "Nhà Thiếu nhi Thành phố")
    assert [(s["role"], s["unit"]) for s in a["assignments"]] == [("lead", "BCTTN"), ("co_lead", "NTNTP")]
    assert [(m["kind"], m["deadline"]) for m in d["milestones"]] == [("final", "2023-07-21T17:00:00+07:00")]
    assert d["milestones"][0]["expected"]["groups"] == ["direct_units"]


def test_bold_and_italic_markup_is_stripped(demo_tree):
    text = """**KẾ HOẠCH**
*Tổ chức Ngày hội “Thanh niên khỏe” năm 2023*

**I. MỤC TIÊU:****1. Chỉ tiêu:**
- ***100%*** cơ sở Đoàn tham gia Ngày hội.

**II. HOẠT ĐỘNG**
- Tổ chức __Ngày hội__ vào ngày 16/7/2023 (*Chủ nhật*) tại **Nhà Thiếu nhi Thành phố**.
*(Phân công Ban Công tác thiếu nhi Thành Đoàn chủ trì; Nhà Thiếu nhi Thành phố phối hợp.)*
"""
    result = import_text(text)
    d = result.definition
    assert "*" not in result.text and "__" not in result.text
    assert d["title"] == "Tổ chức Ngày hội “Thanh niên khỏe” năm 2023"
    assert d["goals"][0]["text"] == "100% cơ sở Đoàn tham gia Ngày hội."
    a = d["activities"][0]
    assert (a["weekday"], a["venue"]) == ("Chủ nhật", "Nhà Thiếu nhi Thành phố")
    assert [s["unit"] for s in a["assignments"]] == ["BCTTN", "NTNTP"]


def test_odd_line_breaks_are_joined(demo_tree):
    text = """KẾ HOẠCH
Tổ chức Hội thi “Tìm hiểu
lịch sử Đoàn” năm 2023

I. THỜI GIAN: từ ngày 01/3/2023
đến ngày 31/3/2023.

II. NỘI DUNG
- Tổ chức vòng chung kết Hội thi dự kiến ngày
26/3/2023 (Chủ nhật) tại Hội trường
Thành Đoàn, thu hút 500 lượt đoàn viên.

(Phân công Ban Tuyên giáo - Đối ngoại Thành Đoàn,
Truyền hình Thanh niên Thành phố triển khai thực hiện.)
"""
    result = import_text(text)
    d = result.definition
    assert d["theme"] == "Tìm hiểu lịch sử Đoàn"
    assert d["title"] == "Tổ chức Hội thi “Tìm hiểu lịch sử Đoàn” năm 2023"
    assert d["period"]["start"] == "2023-03-01" and d["period"]["end"] == "2023-03-31"
    a = d["activities"][0]
    assert (a["date"], a["weekday"], a["venue"], a["date_tentative"]) == (
        "2023-03-26",
        "Chủ nhật",
        "Hội trường Thành Đoàn",
        True,
    )
    assert a["target"] == {"value": 500, "unit": "lượt đoàn viên"}
    assert [s["unit"] for s in a["assignments"]] == ["BTGDN", "THTN"]


def test_missing_header_falls_back_to_the_issuer_code_and_warns(demo_tree):
    text = "Kế hoạch tổ chức Ngày Chủ nhật xanh\n\nI. NỘI DUNG\n- Ra quân ngày 04/6/2023 (Chủ nhật).\n"
    result = import_text(text, issuer_code="QD1", slug="chu-nhat-xanh")
    d = result.definition
    assert d["issuer"]["unit"] == "QD1" and d["issuer"]["date"] is None and d["slug"] == "chu-nhat-xanh"
    assert d["title"] == "Tổ chức Ngày Chủ nhật xanh"
    assert {"no_header", "period_start_unknown", "period_end_unknown", "activity_unassigned"} <= {
        w.code for w in result.warnings
    }
    assert import_text(text).definition["issuer"]["unit"] == "TD"  # else the directory's root


@pytest.mark.parametrize("text", ["", "   \n\n", "Nơi nhận:\n- Lưu.", "KẾ HOẠCH", "\x00\x01 rác ***"])
def test_anything_gives_a_valid_definition(demo_tree, text):
    defn.validate(import_text(text).definition)


def test_an_empty_directory_still_gives_a_valid_definition(db):
    result = import_text(seed_text())
    defn.validate(result.definition)
    assert result.definition["activities"][0]["assignments"][0]["unit"] == "BAN-CONG-NHAN-LAO-DONG-THANH-DOAN"
    assert "unit_not_in_directory" in {w.code for w in result.warnings}


def test_header_of_a_district_union(demo_tree):
    text = "BCH ĐOÀN TP. HỒ CHÍ MINH\nQUẬN ĐOÀN 1\nSố: 12-KH/QĐ1\nQuận 1, ngày    tháng 5 năm 2023\n\nKẾ HOẠCH\nX\n"
    issuer = import_text(text).definition["issuer"]
    # The day is left blank for the signer: no date is invented.
    assert issuer == {
        "unit": "QD1",
        "name": "QUẬN ĐOÀN 1",
        "document_number": "12-KH/QĐ1",
        "place": "Quận 1",
        "date": None,
    }


# --- unit matching --------------------------------------------------------------------------------


def assigned(text_line: str) -> ImportResult:
    return import_text(f"KẾ HOẠCH\nX\n\nI. NỘI DUNG\n- Tổ chức hoạt động.\n({text_line})\n")


@pytest.mark.parametrize(
    ("name", "unit", "group"),
    [
        ("Ban CNLĐ", "BCNLD", None),
        ("Ban Công nhân lao động", "BCNLD", None),
        ("Ban cong nhan lao dong Thanh Doan", "BCNLD", None),
        ("Ban TG-ĐN", "BTGDN", None),
        ("Huyện Đoàn Nhà Bè", "HD-NHABE", None),
        ("HĐ Nhà Bè", "HD-NHABE", None),
        ("Q.1", "QD1", None),
        ("Quận Đoàn 1", "QD1", None),
        ("Quận 1", "QD1", None),
        ("Quận Đoàn 11", "QD11", None),
        ("TĐ Thủ Đức", "TD-THUDUC", None),
        ("Đoàn Thanh niên Công an TP.", "CATP", None),
        ("Trung tâm Hỗ trợ Thanh niên công nhân TP.HCM", "TTHTTNCN", None),
        ("Đoàn Trường ĐH Bách khoa - ĐHQG-HCM", "DH-BK", None),
        ("Đoàn Trường Đại học Khoa học Xã hội và Nhân văn - ĐHQG-HCM", "DH-KHXHNV", None),
        ("Thành Đoàn", "TD", None),
        ("các cơ sở Đoàn trực thuộc Thành Đoàn", None, "direct_units"),
        ("các Ban - Văn phòng Thành Đoàn", None, "departments"),
        ("các đơn vị sự nghiệp", None, "institutions"),
        ("các doanh nghiệp trực thuộc Thành Đoàn", None, "enterprises"),
        ("các chi đoàn", None, "branches"),
    ],
)
def test_unit_names_are_matched_to_the_directory(demo_tree, name, unit, group):
    result = assigned(f"Phân công {name} thực hiện.")
    [assignment] = result.definition["activities"][0]["assignments"]
    assert (assignment["name"], assignment["unit"], assignment["group"]) == (name, unit, group)
    assert "unit_not_in_directory" not in {w.code for w in result.warnings}


def test_unknown_unit_gets_a_placeholder_and_the_three_closest(demo_tree):
    result = assigned("Phân công Ban Tuyên giáo Thành Đoàn chủ trì, phối hợp với Ban Kinh tế Thành Đoàn thực hiện.")
    assignments = result.definition["activities"][0]["assignments"]
    assert [(s["role"], s["unit"]) for s in assignments] == [
        ("lead", "BAN-TUYEN-GIAO-THANH-DOAN"),
        ("co_lead", "BAN-KINH-TE-THANH-DOAN"),
    ]
    path = "activities[1].assignments[1]"
    assert result.suggestions[path][0][:2] == ("BTGDN", "Ban Tuyên giáo - Đối ngoại Thành Đoàn")
    assert len(result.suggestions[path]) == 3
    scores = [score for _code, _name, score in result.suggestions[path]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    [warning] = [w for w in result.warnings if w.code == "unit_not_in_directory" and w.where == path]
    assert "Ban Tuyên giáo - Đối ngoại Thành Đoàn" in warning.message
    # One warning per name: the directory check does not repeat the importer's.
    assert len([w for w in result.warnings if w.code == "unit_not_in_directory"]) == 2


@pytest.mark.parametrize(
    ("line", "roles"),
    [
        ("Phân công Ban CNLĐ, Ban TG-ĐN, Văn phòng Thành Đoàn triển khai thực hiện.", ["lead", "co_lead", "co_lead"]),
        ("Phân công Ban TG-ĐN, Văn phòng Thành Đoàn phối hợp; Ban CNLĐ chủ trì.", ["lead", "co_lead", "co_lead"]),
        ("Phân công Ban CNLĐ chủ trì, phối hợp với Ban TG-ĐN, Văn phòng Thành Đoàn thực hiện.", None),
        ("Phân công Ban CNLĐ phối hợp với Ban TG-ĐN và Văn phòng Thành Đoàn thực hiện.", None),
        ("Phân công: Ban CNLĐ tham mưu; Ban TG-ĐN, Văn phòng Thành Đoàn phối hợp thực hiện.", None),
    ],
)
def test_lead_and_co_lead(demo_tree, line, roles):
    assignments = assigned(line).definition["activities"][0]["assignments"]
    assert [s["role"] for s in assignments] == (roles or ["lead", "co_lead", "co_lead"])
    assert assignments[0]["role"] == "lead"
    assert {s["unit"] for s in assignments} == {"BCNLD", "BTGDN", "VP"}
    if "chủ trì." in line:
        assert assignments[0]["unit"] == "BCNLD"  # the lead comes first even when named last


def test_lead_and_co_lead_from_separate_lines(demo_tree):
    result = import_text(
        "KẾ HOẠCH\nX\n\nI. NỘI DUNG\n1. Hội thi “A”:\n- Đơn vị chủ trì: Ban Thanh niên trường học Thành Đoàn.\n"
        "- Đơn vị phối hợp: Quận Đoàn 3, Huyện Đoàn Củ Chi.\n"
    )
    [a] = result.definition["activities"]
    assert [(s["role"], s["unit"]) for s in a["assignments"]] == [
        ("lead", "BTNTH"),
        ("co_lead", "QD3"),
        ("co_lead", "HD-CUCHI"),
    ]


# --- numbers and deadlines ------------------------------------------------------------------------


def test_numbers_not_attached_to_a_goal_are_reported(demo_tree):
    result = import_text(
        "KẾ HOẠCH\nX\n\nI. CHỈ TIÊU\n- Vận động 1,5 triệu lượt đoàn viên tham gia và 80% chi đoàn đăng ký.\n"
        "- Trao 2.000 suất học bổng.\n"
    )
    goals = result.definition["goals"]
    assert goals[0]["target"] == {"value": 1500000, "unit": "lượt", "subject": "đoàn viên"}
    assert goals[1]["target"] == {"value": 2000, "unit": "suất", "subject": "học bổng"}
    [warning] = [w for w in result.warnings if w.code == "number_not_attached"]
    assert warning.where == "goals[1]" and "80%" in warning.message


@pytest.mark.parametrize(
    ("phrase", "deadline", "weekday"),
    [
        ("trước 11g00 ngày 06/5/2023 (thứ Sáu)", "2023-05-06T11:00:00+07:00", "thứ Sáu"),
        ("chậm nhất ngày 15/7/2023", "2023-07-15T17:00:00+07:00", None),
        ("trước 16 giờ 30 ngày 10/7/2023", "2023-07-10T16:30:00+07:00", None),
        ("hạn chót 17h00 thứ Sáu, ngày 14/7/2023", "2023-07-14T17:00:00+07:00", "thứ Sáu"),
        ("trước 9:15 ngày 20 tháng 7 năm 2023", "2023-07-20T09:15:00+07:00", None),
        ("chậm nhất ngày 25/7", "2023-07-25T17:00:00+07:00", None),
    ],
)
def test_deadline_phrasings(demo_tree, phrase, deadline, weekday):
    result = import_text(
        "KẾ HOẠCH\nX năm 2023\n\nI. THỜI GIAN: từ ngày 01/7/2023 đến ngày 31/7/2023.\n\nII. TỔ CHỨC THỰC HIỆN\n"
        f"- Các cơ sở Đoàn trực thuộc Thành Đoàn gửi báo cáo sơ kết {phrase}.\n"
    )
    [m] = result.definition["milestones"]
    assert (m["kind"], m["code"], m["deadline"], m["weekday"]) == ("midterm", "SK", deadline, weekday)
    assert m["deadline_text"] == phrase
    assert ("year_assumed" in {w.code for w in result.warnings}) == phrase.endswith("25/7")
