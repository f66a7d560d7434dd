"""Entering figures: the rules (whole numbers, numerator ≤ denominator, yes/no, scope, the 3× jump
warning), history and audit, concurrent edits, all-or-none forms; the .xlsx template and its
upload; the activity log feeding the counts."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.test_progress_rollup import DAY, build_campaign, ind, put, unit
from thidua.core.errors import Refused
from thidua.core.models import AuditEntry
from thidua.progress import exchange, queries, services
from thidua.progress.models import ActivityEvent, Aggregate, IndicatorValue, ValueChange
from thidua.units.models import Role, RoleAssignment

pytestmark = pytest.mark.django_db
SLUG = "thu-nghiem"


@pytest.fixture
def campaign(tree):
    return build_campaign(tree["TD"])


def value_of(campaign, code, unit_code):
    v = IndicatorValue.objects.filter(indicator__campaign=campaign, indicator__code=code, unit__code=unit_code).first()
    return None if v is None else (int(v.numerator), None if v.denominator is None else int(v.denominator))


def snapshot():
    """Everything a failed save must leave untouched."""
    return (
        sorted(IndicatorValue.objects.values_list("indicator_id", "unit_id", "numerator", "denominator", "version")),
        ValueChange.objects.count(),
        sorted(
            Aggregate.objects.values_list("indicator_id", "unit_id", "numerator_sum", "denominator_sum", "reported")
        ),
        AuditEntry.objects.filter(action="indicator_value.set").count(),
    )


# --- the service's rules ----------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, Decimal("1.5"), 2.5, "abc", "", None, "Infinity", "NaN"])
def test_values_are_whole_numbers_at_least_zero(campaign, bad):
    with pytest.raises(Refused):
        put(campaign, "jobs", "QD1", bad)
    assert not IndicatorValue.objects.exists() and not ValueChange.objects.exists()


@pytest.mark.parametrize("num, den", [(11, 10), (1, None), (-1, 5), (3, -2)])
def test_ratio_numerator_within_denominator(campaign, num, den):
    with pytest.raises(Refused) as refused:
        put(campaign, "eid", "QD1", num, den)
    if (num, den) == (11, 10):
        assert "11" in str(refused.value) and "10" in str(refused.value)
    assert not IndicatorValue.objects.exists()
    put(campaign, "eid", "QD1", 10, 10)  # equal is fine: 100 %
    assert value_of(campaign, "eid", "QD1") == (10, 10)


@pytest.mark.parametrize("bad", [2, 5, -1])
def test_share_is_yes_or_no(campaign, bad):
    with pytest.raises(Refused):
        put(campaign, "launched", "QD1-01", bad)
    put(campaign, "launched", "QD1-01", 1)
    put(campaign, "launched", "QD1-02", 0)
    assert value_of(campaign, "launched", "QD1-01") == (1, None)
    assert value_of(campaign, "launched", "QD1-02") == (0, None)


def test_unit_outside_the_indicator_scope_is_refused(campaign):
    with pytest.raises(Refused) as refused:
        put(campaign, "saturday", "QD1", 3)
    assert "Quận Đoàn 1" in str(refused.value)
    with pytest.raises(Refused):
        put(campaign, "launched", "QD1", 1)  # shares are for grassroots units
    assert not IndicatorValue.objects.exists()


def test_unit_of_another_campaign_issuer_is_refused(tree, campaign):
    other = build_campaign(tree["QD1"], slug="quan-1")  # issued by Quận Đoàn 1
    with pytest.raises(Refused):
        services.indicator_value_set(
            actor=None, indicator=ind(other, "jobs"), unit=unit("HD-NHABE"), numerator=1, as_of=DAY
        )


def test_stale_version_is_an_edit_conflict_and_the_first_value_stays(campaign, personas):
    first = put(campaign, "jobs", "QD1", 10, actor=personas["officer_q1"])
    read_version = first.version  # both officers open the form now
    put(campaign, "jobs", "QD1", 12, actor=personas["officer_q1"], expected_version=read_version)
    with pytest.raises(services.EditConflict) as conflict:
        put(campaign, "jobs", "QD1", 99, actor=personas["coordinator"], expected_version=read_version)
    assert conflict.value.current.numerator == 12
    assert value_of(campaign, "jobs", "QD1") == (12, None)
    assert queries.figure(ind(campaign, "jobs"), unit("TD")).value == 12
    assert ValueChange.objects.count() == 2


def test_creating_a_value_someone_else_created_meanwhile_is_a_conflict(campaign, personas):
    put(campaign, "jobs", "QD1", 10, actor=personas["officer_q1"], expected_version=0)
    with pytest.raises(services.EditConflict):
        put(
            campaign, "jobs", "QD1", 20, actor=personas["coordinator"], expected_version=0
        )  # opened before the first save
    assert value_of(campaign, "jobs", "QD1") == (10, None)


# --- the entry page ---------------------------------------------------------------------------


def entry_url(code):
    return reverse("progress:entry", args=[SLUG, code])


def form_data(response, **changes) -> dict:
    """What the browser would send back: every field as the page filled it in, then the user's changes
    (keys are indicator codes for values, 'out_of:<code>' for a ratio's denominator)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        if name == "confirm":
            continue
        value = form[name].value()
        data[name] = "" if value is None else value
    data["as_of"] = "2023-05-20"
    for indicator in form.indicators:
        if indicator.code in changes:
            data[f"i{indicator.pk}"] = changes.pop(indicator.code)
        if f"out_of:{indicator.code}" in changes:
            data[f"d{indicator.pk}"] = changes.pop(f"out_of:{indicator.code}")
    data.update(changes)
    return data


def last_entries(page) -> list[str]:
    """The "last entry" cell of each indicator row: when and by whom, or "not reported"."""
    return re.findall(r'<small class="muted last-entry">([^<]*)</small>', page.content.decode())


def test_entry_page_lists_the_units_indicators_and_saves_them(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chỉ tiêu jobs" in text and "Chỉ tiêu fairs" in text and "Chỉ tiêu eid" in text
    assert "Chỉ tiêu launched" not in text and "Chỉ tiêu saturday" not in text  # not reported by a district
    assert last_entries(page) == ["chưa báo cáo"] * 3  # jobs, fairs, eid: nothing entered yet
    response = client.post(entry_url("QD1"), form_data(page, jobs="25", eid="7", **{"out_of:eid": "10"}))
    assert response.status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (25, None)
    assert value_of(campaign, "eid", "QD1") == (7, 10)
    assert value_of(campaign, "fairs", "QD1") is None  # left empty: not reported, not zero
    assert queries.figure(ind(campaign, "jobs"), unit("TD")).value == 25
    assert queries.figure(ind(campaign, "eid"), unit("TD")).value == 70
    change = ValueChange.objects.get(indicator__code="jobs")
    assert (change.changed_by, change.old_numerator, change.new_numerator) == (personas["officer_q1"], None, 25)
    assert AuditEntry.objects.filter(action="indicator_value.set", actor=personas["officer_q1"]).count() == 2
    page = client.get(entry_url("QD1"))
    assert 'value="25"' in page.content.decode()  # the saved figure is shown back
    jobs_entry, fairs_entry, eid_entry = last_entries(page)
    assert jobs_entry.endswith("· officer_q1") and eid_entry.endswith("· officer_q1")  # when and who
    assert fairs_entry == "chưa báo cáo"


def test_ratio_denominator_starts_from_the_directory(campaign, personas, client_for):
    page = client_for(personas["officer_q1"]).get(entry_url("QD1"))
    form = page.context["form"]
    assert form[f"d{ind(campaign, 'eid').pk}"].value() == 10  # member_count of QD1


def test_officer_enters_figures_for_a_unit_below(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1-01"))
    assert page.status_code == 200
    assert client.post(entry_url("QD1-01"), form_data(page, launched="1", jobs="0")).status_code == 302
    assert value_of(campaign, "launched", "QD1-01") == (1, None)
    assert value_of(campaign, "jobs", "QD1-01") == (0, None)
    total = queries.figure(ind(campaign, "jobs"), unit("QD1"))
    assert total.value == 0 and total.reported == 1


@pytest.mark.parametrize(
    "change",
    [
        {"jobs": "-3"},
        {"jobs": "2.5"},
        {"jobs": "mười"},
        {"eid": "12", "out_of:eid": "10"},
        {"eid": "5", "out_of:eid": ""},
        {"eid": "5", "out_of:eid": "-1"},
    ],
)
def test_bad_figures_on_the_page_are_refused_and_nothing_is_saved(campaign, personas, client_for, change):
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    before = snapshot()
    response = client.post(entry_url("QD1"), form_data(page, fairs="3", **change))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    assert snapshot() == before
    if "12" in change.values():
        message = " ".join(form.non_field_errors())
        assert "Chỉ tiêu eid" in message and "12" in message and "10" in message
        assert message in response.content.decode()


def test_share_on_the_page_is_yes_or_no(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1-01"))
    before = snapshot()
    response = client.post(entry_url("QD1-01"), form_data(page, launched="2"))
    assert response.status_code == 200 and response.context["form"].errors
    assert snapshot() == before


def test_values_for_indicators_the_unit_does_not_report_are_ignored(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    data = form_data(page, jobs="4")
    saturday = ind(campaign, "saturday")
    data[f"i{saturday.pk}"] = "9"
    data[f"v{saturday.pk}"] = "0"
    assert client.post(entry_url("QD1"), data).status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (4, None)
    assert not IndicatorValue.objects.filter(indicator=saturday).exists()


def test_jump_over_three_times_needs_confirmation(campaign, personas, client_for):
    put(campaign, "jobs", "QD1", 10)
    put(campaign, "fairs", "QD1", 2)
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    assert 'name="confirm"' not in page.content.decode()
    response = client.post(entry_url("QD1"), form_data(page, jobs="31", fairs="3"))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="figure-row jump"') == 1  # only the jobs row is marked
    assert "three times" in text or "3 lần" in text
    assert 'name="confirm"' in text
    assert value_of(campaign, "jobs", "QD1") == (10, None)
    assert value_of(campaign, "fairs", "QD1") == (2, None)  # nothing of the form saved
    data = form_data(response, jobs="31", fairs="3")
    data["confirm"] = "on"
    assert client.post(entry_url("QD1"), data).status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (31, None)
    assert value_of(campaign, "fairs", "QD1") == (3, None)
    # Exactly three times is not a jump.
    page = client.get(entry_url("QD1"))
    assert client.post(entry_url("QD1"), form_data(page, jobs="93")).status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (93, None)


def test_first_value_and_growth_from_zero_are_not_jumps(campaign, personas, client_for):
    put(campaign, "jobs", "QD1", 0)
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    assert client.post(entry_url("QD1"), form_data(page, jobs="500", fairs="40")).status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (500, None)


def test_two_officers_editing_the_same_value(campaign, personas):
    put(campaign, "jobs", "QD1", 10)
    first, second = Client(), Client()
    first.force_login(personas["officer_q1"])
    second.force_login(personas["coordinator"])
    page_1, page_2 = first.get(entry_url("QD1")), second.get(entry_url("QD1"))
    assert first.post(entry_url("QD1"), form_data(page_1, jobs="15")).status_code == 302
    response = second.post(entry_url("QD1"), form_data(page_2, jobs="20"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert errors and "15" in errors  # says what the value is now
    assert errors in response.content.decode()
    assert value_of(campaign, "jobs", "QD1") == (15, None)
    assert list(
        ValueChange.objects.filter(indicator__code="jobs").values_list("new_numerator", flat=True).order_by("id")
    ) == [10, 15]


def test_a_form_saves_all_its_values_or_none(campaign, personas, client_for):
    put(campaign, "eid", "QD1", 3, 10)
    client = client_for(personas["officer_q1"])
    page = client.get(entry_url("QD1"))
    put(campaign, "eid", "QD1", 4, 10, actor=personas["coordinator"])  # changed after the page was opened
    before = snapshot()
    response = client.post(entry_url("QD1"), form_data(page, jobs="8", fairs="1", eid="5", **{"out_of:eid": "10"}))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert snapshot() == before
    assert value_of(campaign, "jobs", "QD1") is None and value_of(campaign, "fairs", "QD1") is None
    assert value_of(campaign, "eid", "QD1") == (4, 10)
    assert queries.figure(ind(campaign, "jobs"), unit("TD")).value is None


def test_viewer_cannot_post_figures(campaign, personas, client_for):
    client = client_for(personas["viewer_q1"])
    page = client.get(entry_url("QD1"))
    assert page.status_code == 200
    assert '<button type="submit">' not in page.content.decode()
    assert client.post(entry_url("QD1"), form_data(page, jobs="5")).status_code == 403
    assert not IndicatorValue.objects.exists()


# --- the .xlsx template and its upload --------------------------------------------------------


def template_url(code):
    return reverse("progress:template", args=[SLUG, code])


def upload_url(code):
    return reverse("progress:upload", args=[SLUG, code])


def read_template(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(client, code, data: bytes, name="so-lieu.xlsx"):
    return client.post(upload_url(code), {"file": SimpleUploadedFile(name, data)})


def test_template_lists_the_subtree_units_and_indicators_with_values_and_versions(campaign, personas, client_for):
    put(campaign, "jobs", "QD1-01", 6)
    put(campaign, "jobs", "QD1-01", 7)
    put(campaign, "eid", "QD1-02", 2, 9)
    response = client_for(personas["officer_q1"]).get(template_url("QD1"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, rows = read_template(response)
    assert header == exchange.headers()
    assert [(r[0], r[2]) for r in rows] == [
        ("QD1", "jobs"), ("QD1", "fairs"), ("QD1", "eid"),
        ("QD1-01", "jobs"), ("QD1-01", "eid"), ("QD1-01", "launched"),
        ("QD1-02", "jobs"), ("QD1-02", "eid"), ("QD1-02", "launched"),
    ]  # fmt: skip
    by_key = {(r[0], r[2]): r for r in rows}
    assert by_key[("QD1-01", "jobs")][5] == 7 and by_key[("QD1-01", "jobs")][8] == 2  # value, version
    assert by_key[("QD1-02", "eid")][5:7] == [2, 9]
    assert by_key[("QD1", "jobs")][5] is None and by_key[("QD1", "jobs")][8] == 0
    assert by_key[("QD1", "eid")][6] == 10  # out of: the directory's member count
    assert by_key[("QD1-01", "launched")][1] == "Đoàn Phường Bến Nghé"


def fill(rows, values: dict):
    """values: {(unit, indicator): (value, out_of)}"""
    for row in rows:
        if (row[0], row[2]) in values:
            row[5], row[6] = values[(row[0], row[2])]
    return rows


def test_uploading_the_filled_template_saves_every_row_and_every_total(campaign, personas, client_for):
    put(campaign, "jobs", "QD1-01", 6)
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    fill(rows, {
        ("QD1", "jobs"): (20, None), ("QD1", "fairs"): (0, None), ("QD1", "eid"): (5, 10),
        ("QD1-01", "jobs"): (9, None), ("QD1-01", "eid"): (10, 10), ("QD1-01", "launched"): (1, None),
        ("QD1-02", "launched"): ("không", None),
    })  # fmt: skip
    response = send(client, "QD1", xlsx(header, rows))
    assert response.status_code == 302
    assert value_of(campaign, "jobs", "QD1-01") == (9, None)
    assert value_of(campaign, "fairs", "QD1") == (0, None)
    assert value_of(campaign, "launched", "QD1-02") == (0, None)
    assert value_of(campaign, "jobs", "QD1-02") is None  # left empty
    td, qd1 = unit("TD"), unit("QD1")
    assert queries.figure(ind(campaign, "jobs"), td).value == 29
    assert queries.figure(ind(campaign, "jobs"), qd1).value == 29
    assert queries.figure(ind(campaign, "eid"), td).value == 75
    assert queries.figure(ind(campaign, "launched"), td).value == Decimal("33.3")
    assert queries.figure(ind(campaign, "fairs"), td).value == 0
    assert set(ValueChange.objects.filter(source="upload").values_list("changed_by__username", flat=True)) == {
        "officer_q1"
    }
    assert ValueChange.objects.filter(source="upload").count() == 7
    # Uploading the same file again changes nothing.
    header, rows = read_template(client.get(template_url("QD1")))
    assert send(client, "QD1", xlsx(header, rows)).status_code == 302
    assert ValueChange.objects.count() == 8


GOOD = {("QD1", "jobs"): (20, None), ("QD1-01", "eid"): (3, 10), ("QD1-02", "jobs"): (4, None)}


def _bad_rows(case, rows, campaign):
    """Spoil one row (or add one); returns the spreadsheet row number that must be reported."""
    index = next(i for i, r in enumerate(rows) if (r[0], r[2]) == ("QD1", "fairs"))
    row = rows[index]
    if case == "negative":
        row[5] = -2
    elif case == "text":
        row[5] = "hai mươi"
    elif case == "decimal":
        row[5] = 2.5
    elif case == "decimal text":
        row[5] = "1,5"
    elif case == "numerator above denominator":
        row = rows[index + 1]  # QD1 eid
        row[5], row[6] = 12, 10
        index += 1
    elif case == "unknown unit":
        row[0] = "QD99"
    elif case == "outside the subtree":
        row[0] = "HD-NHABE"
        row[2], row[5] = "jobs", 3
    elif case == "unknown indicator":
        row[2] = "chi_tieu_la"
    elif case == "not reported by the unit":
        row[2] = "saturday"
        row[5] = 1
    elif case == "duplicate":
        rows.append(list(rows[0]))
        return len(rows) + 1
    elif case == "stale version":
        row[5] = 3
        put(campaign, "fairs", "QD1", 1)  # someone saves after the download
    elif case == "text version":
        row[5], row[8] = 3, "mới"
    elif case == "bad date":
        row[5], row[7] = 3, "31/02/2023"
    if case not in ("stale version",) and row[5] is None:
        row[5] = 1
    return index + 2  # header is row 1


BAD_CASES = [
    "negative", "text", "decimal", "decimal text", "numerator above denominator", "unknown unit", "outside the subtree",
    "unknown indicator", "not reported by the unit", "duplicate", "stale version", "text version", "bad date",
]  # fmt: skip


@pytest.mark.parametrize("case", BAD_CASES)
def test_one_bad_row_rejects_the_whole_file_and_names_the_row(campaign, personas, client_for, case):
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    fill(rows, GOOD)
    bad_row = _bad_rows(case, rows, campaign)
    before = snapshot()
    response = send(client, "QD1", xlsx(header, rows))
    assert response.status_code == 200
    report = response.context["report"]
    assert [p.row for p in report.problems] == [bad_row]
    assert snapshot() == before  # nothing saved, not even the good rows
    assert value_of(campaign, "jobs", "QD1") is None
    text = response.content.decode()
    assert f'<td class="num">{bad_row}</td>' in text
    assert report.problems[0].message in text


def test_a_row_of_locked_figures_rejects_the_file_and_names_the_row(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    signoff = services.signoff_submit(
        actor=None, milestone=campaign.milestones.get(code="SK"), unit=unit("QD1-02")
    ).signoff
    services.signoff_decide(actor=personas["coordinator"], signoff=signoff, decision="approve")
    fill(rows, GOOD)  # GOOD has a row for QD1-02, the 7th data row
    before = snapshot()
    response = send(client, "QD1", xlsx(header, rows))
    assert response.status_code == 200
    problems = response.context["report"].problems
    assert [p.row for p in problems] == [8]
    assert "Đoàn Phường Bến Thành" in problems[0].message
    assert snapshot() == before


def test_thousands_separators_are_read_as_such(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    fill(rows, {("QD1", "jobs"): ("20.000", None), ("QD1-01", "jobs"): ("1,250", None)})
    assert send(client, "QD1", xlsx(header, rows)).status_code == 302
    assert value_of(campaign, "jobs", "QD1") == (20000, None)
    assert value_of(campaign, "jobs", "QD1-01") == (1250, None)


def test_several_bad_rows_are_all_reported(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    rows[0][5] = -1
    rows[3][5] = "x"
    rows[4][5], rows[4][6] = 11, 10
    response = send(client, "QD1", xlsx(header, rows))
    assert [p.row for p in response.context["report"].problems] == [2, 5, 6]
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "name, data",
    [
        ("so-lieu.pdf", b"%PDF-1.4 not a table"),
        ("so-lieu.csv", "Mã đơn vị,Mã chỉ tiêu,Giá trị\nQD1,jobs,5\n".encode()),
        ("so-lieu.xlsx", b"this is not a workbook"),
    ],
)
def test_a_file_that_is_not_the_xlsx_template_gets_a_clear_message(campaign, personas, client_for, name, data):
    client = client_for(personas["officer_q1"])
    response = send(client, "QD1", data, name=name)
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.problems) == 1 and report.problems[0].row == 0
    assert ".xlsx" in report.problems[0].message
    assert report.problems[0].message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_upload_for_another_districts_subtree_is_404(campaign, personas, client_for):
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    assert client.get(template_url("HD-NHABE")).status_code == 404
    assert send(client, "HD-NHABE", xlsx(header, rows)).status_code == 404


# --- the activity log -------------------------------------------------------------------------


def test_events_add_their_counts_and_withdrawal_takes_them_off(campaign, personas):
    officer = personas["officer_nhabe"]
    a2 = campaign.activities.get(code="A2")
    nhabe, saturday = unit("HD-NHABE"), ind(campaign, "saturday")
    put(campaign, "saturday", "HD-NHABE", 2)
    first = services.event_record(
        actor=officer,
        activity=a2,
        unit=nhabe,
        date=dt.date(2023, 5, 13),
        place="UBND xã Hiệp Phước",
        participants=85,
        counts={"saturday": 1},
    )
    services.event_record(actor=officer, activity=a2, unit=nhabe, date=dt.date(2023, 5, 20), counts={"saturday": 3})
    assert value_of(campaign, "saturday", "HD-NHABE") == (6, None)
    assert queries.figure(saturday, unit("TD")).value == 6
    services.event_withdraw(actor=officer, event=first, reason="nhập nhầm")
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert value_of(campaign, "saturday", "HD-NHABE") == (5, None)
    assert queries.figure(saturday, unit("TD")).value == 5
    services.event_withdraw(actor=officer, event=first, reason="lần nữa")  # twice is once
    assert value_of(campaign, "saturday", "HD-NHABE") == (5, None)
    assert ValueChange.objects.filter(source="event").count() == 3
    assert set(AuditEntry.objects.filter(action__startswith="event.").values_list("action", flat=True)) == {
        "event.record",
        "event.withdraw",
    }


def test_event_counts_feed_the_ward_and_its_ancestors(campaign, personas):
    a1 = campaign.activities.get(code="A1")
    services.event_record(actor=personas["officer_q1"], activity=a1, unit=unit("QD1-01"), date=DAY, counts={"jobs": 40})
    jobs = ind(campaign, "jobs")
    assert [queries.figure(jobs, unit(c)).value for c in ("QD1-01", "QD1", "TD")] == [40, 40, 40]
    assert queries.figure(jobs, unit("HD-NHABE")).value is None


@pytest.mark.parametrize(
    "activity, unit_code, counts",
    [
        ("A2", "HD-NHABE", {"jobs": 5}),  # an indicator of another activity
        ("A2", "QD1", {"saturday": 5}),  # an indicator the unit does not report
        ("A1", "QD1-01", {"fairs": 1}),  # fairs are reported by direct units, not wards
        ("A1", "QD1", {"jobs": -5}),
        ("A1", "QD1", {"nothing": 1}),
    ],
)
def test_event_counts_that_do_not_belong_are_refused(campaign, activity, unit_code, counts):
    with pytest.raises(Refused):
        services.event_record(
            actor=None, activity=campaign.activities.get(code=activity), unit=unit(unit_code), date=DAY, counts=counts
        )
    assert not ActivityEvent.objects.exists() and not IndicatorValue.objects.exists()


def test_event_on_locked_figures_is_refused_and_leaves_nothing(campaign, personas):
    a1 = campaign.activities.get(code="A1")
    put(campaign, "fairs", "QD1", 1)
    fairs_value = IndicatorValue.objects.get(indicator__code="fairs")
    # The event row is written before the counts: the refusal must take it back too.
    services.signoff_decide(
        actor=personas["coordinator"],
        signoff=services.signoff_submit(
            actor=None, milestone=campaign.milestones.get(code="SK"), unit=unit("QD1")
        ).signoff,
        decision="approve",
    )
    with pytest.raises(Refused):
        services.event_record(actor=None, activity=a1, unit=unit("QD1"), date=DAY, counts={"jobs": 5, "fairs": 1})
    assert not ActivityEvent.objects.exists()
    assert value_of(campaign, "jobs", "QD1") is None
    fairs_value.refresh_from_db()
    assert fairs_value.numerator == 1


def events_url(code):
    return reverse("progress:events", args=[SLUG, code])


def test_events_page_records_and_withdraws(campaign, personas, client_for):
    client = client_for(personas["officer_nhabe"])
    page = client.get(events_url("HD-NHABE"))
    assert page.status_code == 200
    assert "c_saturday" in page.content.decode()
    response = client.post(events_url("HD-NHABE"), {
        "activity": "A2", "date": "2023-05-13", "place": "UBND xã Hiệp Phước", "participants": "85", "c_saturday": "1",
    })  # fmt: skip
    assert response.status_code == 302
    assert value_of(campaign, "saturday", "HD-NHABE") == (1, None)
    event = ActivityEvent.objects.get()
    assert event.counts == {"saturday": 1} and event.created_by == personas["officer_nhabe"]
    assert "UBND xã Hiệp Phước" in client.get(events_url("HD-NHABE")).content.decode()
    assert client.post(events_url("HD-NHABE"), {"withdraw": event.pk, "reason": "nhập nhầm"}).status_code == 302
    assert value_of(campaign, "saturday", "HD-NHABE") == (0, None)
    # A district that does not report the Saturday figure is not offered its box.
    assert "c_saturday" not in client_for(personas["officer_q1"]).get(events_url("QD1")).content.decode()


def test_withdrawing_an_event_of_locked_figures_is_refused_with_a_message(campaign, personas, client_for):
    a2 = campaign.activities.get(code="A2")
    event = services.event_record(actor=None, activity=a2, unit=unit("HD-NHABE"), date=DAY, counts={"saturday": 4})
    signoff = services.signoff_submit(
        actor=None, milestone=campaign.milestones.get(code="SK"), unit=unit("HD-NHABE")
    ).signoff
    services.signoff_decide(actor=personas["coordinator"], signoff=signoff, decision="approve")
    client = client_for(personas["officer_nhabe"])
    response = client.post(events_url("HD-NHABE"), {"withdraw": event.pk, "reason": "nhập nhầm"}, follow=True)
    assert response.status_code == 200
    assert any("approv" in str(m) or "duyệt" in str(m) for m in response.context["messages"])
    event.refresh_from_db()
    assert event.withdrawn_at is None
    assert value_of(campaign, "saturday", "HD-NHABE") == (4, None)


# --- saving writes what changed, in a constant number of queries ------------------------------------


def test_saving_one_box_writes_exactly_that_value(campaign, personas, client_for):
    first = client_for(personas["officer_q1"])
    page = first.get(entry_url("QD1"))
    first.post(entry_url("QD1"), form_data(page, jobs="880", fairs="12", eid="7", **{"out_of:eid": "10"}))
    before = ValueChange.objects.count()
    # Another officer, a later day, changes one box and sends the page back as it was filled in.
    colleague = get_user_model().objects.create_user("o2", password="pw-for-tests-1")
    RoleAssignment.objects.create(user=colleague, unit=unit("QD1"), role=Role.OFFICER)
    second = client_for(colleague)
    page = second.get(entry_url("QD1"))
    data = form_data(page, fairs="13")
    data["as_of"] = "2023-06-02"
    response = second.post(entry_url("QD1"), data, follow=True)
    assert "Đã lưu 1 số liệu" in response.content.decode()
    assert ValueChange.objects.count() == before + 1
    change = ValueChange.objects.latest("id")
    assert (change.indicator.code, change.old_numerator, change.new_numerator) == ("fairs", 12, 13)
    jobs_entry, fairs_entry, eid_entry = last_entries(second.get(entry_url("QD1")))
    assert jobs_entry.endswith("· officer_q1") and fairs_entry.endswith("· o2")  # who really entered each


def test_the_entry_page_makes_as_many_queries_for_ten_units_below_as_for_two(campaign, personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.units.services import UnitSpec, units_bulk_create

    client = client_for(personas["officer_q1"])

    def queries_for_entry() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(entry_url("QD1")).status_code == 200
        return len(captured)

    few = queries_for_entry()
    units_bulk_create(
        actor=None,
        specs=[UnitSpec(code=f"QD1-9{n}", parent_code="QD1", name=f"Phường {n}", kind="grassroots") for n in range(8)],
    )
    assert queries_for_entry() == few


def test_an_upload_that_breaks_a_validation_rule_writes_nothing_and_names_the_row(campaign, personas, client_for):
    from thidua.campaigns.models import ValidationRule

    ValidationRule.objects.create(
        campaign=campaign, code="fairs_le_jobs", name="Ngày hội không nhiều hơn lượt giới thiệu việc làm",
        left=["fairs"], operator="<=", right=["jobs"],
    )  # fmt: skip
    client = client_for(personas["officer_q1"])
    header, rows = read_template(client.get(template_url("QD1")))
    fill(rows, {("QD1", "jobs"): (2, None), ("QD1", "fairs"): (5, None)})
    response = send(client, "QD1", xlsx(header, rows))
    assert response.status_code == 200
    assert "Ngày hội không nhiều hơn lượt giới thiệu việc làm" in response.content.decode()
    assert value_of(campaign, "jobs", "QD1") is None and value_of(campaign, "fairs", "QD1") is None
    fill(rows, {("QD1", "jobs"): (20, None), ("QD1", "fairs"): (5, None)})
    assert send(client, "QD1", xlsx(header, rows)).status_code == 302
    assert value_of(campaign, "fairs", "QD1") == (5, None)


# --- the activity log checks what it is given ---------------------------------------------------------


def _event_page(client, campaign):
    return client.get(reverse("progress:events", args=[campaign.slug, "HD-NHABE"]))


def _event_post(client, campaign, **data):
    return client.post(reverse("progress:events", args=[campaign.slug, "HD-NHABE"]), data, follow=True)


def test_an_event_outside_the_campaign_is_refused_and_nothing_is_added(campaign, personas, client_for):
    client = client_for(personas["officer_nhabe"])
    assert _event_page(client, campaign).status_code == 200
    response = _event_post(client, campaign, activity="A2", date="15/03/2028", c_saturday="1")
    assert "Ngày phải nằm trong thời gian đợt thi đua" in response.content.decode()
    assert not ActivityEvent.objects.exists() and value_of(campaign, "saturday", "HD-NHABE") is None


def test_a_saturday_programme_on_a_wednesday_is_recorded_with_a_warning(campaign, personas, client_for):
    client = client_for(personas["officer_nhabe"])
    response = _event_post(client, campaign, activity="A2", date="17/05/2023", c_saturday="2")
    page = response.content.decode()
    assert "17/05/2023 là thứ Tư" in page and "kiểm tra lại ngày" in page
    assert value_of(campaign, "saturday", "HD-NHABE") == (2, None)
    assert "Chỉ tiêu saturday +2" in page and "saturday +2" not in page.replace("Chỉ tiêu saturday +2", "")


def test_numbers_typed_under_another_activity_are_not_dropped_silently(campaign, personas, client_for):
    client = client_for(personas["officer_nhabe"])
    response = _event_post(client, campaign, activity="A1", date="20/05/2023", c_saturday="4")
    assert "thuộc hoạt động khác" in response.content.decode()
    assert not ActivityEvent.objects.exists()


def test_a_withdrawal_is_audited_with_its_reason_and_time(campaign, personas, client_for):
    client = client_for(personas["officer_nhabe"])
    _event_post(client, campaign, activity="A2", date="20/05/2023", c_saturday="3")
    event = ActivityEvent.objects.get()
    _event_post(client, campaign, withdraw=event.pk, reason="trùng buổi")
    entry = AuditEntry.objects.get(action="event.withdraw")
    assert entry.reason == "trùng buổi" and entry.actor == personas["officer_nhabe"]
    assert value_of(campaign, "saturday", "HD-NHABE") == (0, None)


def test_read_only_roles_see_values_not_inputs(campaign, personas, client_for):
    put(campaign, "jobs", "QD1", 12)
    viewer = client_for(personas["viewer_q1"])
    page = viewer.get(entry_url("QD1")).content.decode()
    jobs = ind(campaign, "jobs")
    assert f'name="i{jobs.pk}"' not in page and "<strong>12</strong>" in page
    assert "Lưu số liệu" not in page
    officer = client_for(personas["officer_q1"])
    assert f'name="i{jobs.pk}"' in officer.get(entry_url("QD1")).content.decode()
