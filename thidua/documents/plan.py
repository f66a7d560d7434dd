"""The plan (Kế hoạch) written back from the campaign definition, in the order of the Union's plans:
context, I. period and audience, II. goals and activities with their assignments, III. who does
what, the documents units send and their deadlines, the closing paragraph, "Nơi nhận" and the
signature."""

from __future__ import annotations

import re

from thidua.campaigns.models import Assignment, Campaign
from thidua.core import timeutils
from thidua.documents.layout import (
    Header,
    Signature,
    Writer,
    issuing_lines,
    long_date,
    number_line,
    short_date,
    stamp_of,
)

NUMBERED = re.compile(r"^\d+\.\s")


def header_of(campaign: Campaign, kind_code: str, *, number: str = "", day=None) -> Header:
    year = campaign.period_end.year if campaign.period_end else None
    return Header(
        issuer=issuing_lines(campaign.issuer_unit, campaign=campaign),
        number=number_line(number, kind_code, campaign),
        place_date=long_date(day, campaign.issue_place or "Thành phố Hồ Chí Minh", year),
    )


def signature_of(campaign: Campaign) -> Signature:
    return Signature(campaign.signature_on_behalf, campaign.signature_position, campaign.signature_name)


def _assignment_text(activity) -> str:
    """The plan's own line when it has one; otherwise written from the assignments."""
    if activity.assignment_text:
        return activity.assignment_text
    assignments = list(activity.assignments.all())
    if not assignments:
        return ""
    leads = [a.name_in_plan for a in assignments if a.role == Assignment.Role.LEAD]
    others = [a.name_in_plan for a in assignments if a.role != Assignment.Role.LEAD]
    names = leads + others
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " và " + names[-1]
    return f"(Phân công {joined} triển khai thực hiện)."


def _deadline_text(milestone) -> str:
    if milestone.deadline_text:
        return milestone.deadline_text
    local = timeutils.local(milestone.deadline)
    return f"trước {local:%H}g{local:%M} ngày {short_date(local.date())} ({timeutils.weekday_vi(local.date())})"


def _sending_line(campaign: Campaign) -> str:
    titles = [m.title for m in campaign.milestones.all()]
    what = ", ".join(t[0].lower() + t[1:] for t in titles[1:]) if len(titles) > 1 else ""
    what = f"{titles[0]}, {what}" if what else (titles[0] if titles else "các văn bản")
    to = campaign.steering_committee or campaign.issuer_name
    via = f" gửi trực tiếp qua {campaign.coordinator_unit.name}" if campaign.coordinator_unit_id else ""
    mail = f" (Địa chỉ mail: {campaign.submission_email})" if campaign.submission_email else ""
    return f"Các đơn vị gửi {what} về {to} bằng tập tin điện tử{via}{mail} theo các thời gian sau:"


def build(campaign: Campaign, options) -> bytes:
    """The plan as a Word file."""
    writer = Writer(
        title=f"Kế hoạch {campaign.title}",
        subject=campaign.theme,
        author=campaign.issuer_name,
        stamp=stamp_of(campaign.issue_date or campaign.period_start or campaign.period_end),
    )
    writer.header(header_of(campaign, "KH", number=campaign.document_number, day=campaign.issue_date))
    writer.title("KẾ HOẠCH", campaign.title)
    for paragraph in filter(None, campaign.context.splitlines()):
        writer.paragraph(paragraph.strip())
    writer.heading("I. THỜI GIAN - ĐỐI TƯỢNG:")
    period = campaign.period_text or _period(campaign)
    writer.paragraph(f"1. Thời gian: {period}.")
    writer.paragraph(f"2. Đối tượng thực hiện: {campaign.audience}.")
    writer.heading("II. NỘI DUNG THỰC HIỆN:")
    writer.heading("1. Các mục tiêu chính:")
    writer.bullets([g.text for g in campaign.goals.all()])
    writer.heading("2. Các công việc cụ thể:")
    for activity in campaign.activities.prefetch_related("assignments"):
        writer.paragraph(f"- {activity.description}")
        text = _assignment_text(activity)
        if text:
            writer.paragraph(text, italic=True)
    _duties(writer, campaign)
    if campaign.closing_text:
        writer.paragraph(campaign.closing_text)
    writer.closing(campaign.distribution, signature_of(campaign))
    return writer.to_bytes()


def _period(campaign: Campaign) -> str:
    start, end = campaign.effective_period_start, campaign.period_end
    if start and end:
        return f"từ ngày {short_date(start)} đến ngày {short_date(end)}"
    if end:
        return f"từ ngày ban hành kế hoạch đến ngày {short_date(end)}"
    return "…"


def _duties(writer: Writer, campaign: Campaign) -> None:
    writer.heading("III. PHÂN CÔNG THỰC HIỆN:")
    number = 1
    if campaign.steering_committee:
        writer.paragraph(f"{number}. {campaign.steering_committee} là Ban Chỉ đạo thực hiện đợt thi đua.")
        number += 1
    if campaign.coordinator_duties:
        writer.paragraph(f"{number}. {campaign.coordinator_duties}")
        number += 1
    lines = [line.strip() for line in campaign.unit_duties.splitlines() if line.strip()]
    if lines and not NUMBERED.match(lines[0]):
        lines[0] = f"{number}. {lines[0]}"
    for line in lines:
        writer.paragraph(line)
    milestones = list(campaign.milestones.all())
    if milestones or campaign.registration_deadline:
        writer.paragraph(f"- {_sending_line(campaign)}")
        if campaign.registration_deadline:
            local = timeutils.local(campaign.registration_deadline)
            writer.paragraph(f"+ Đăng ký thi đua: trước {local:%H}g{local:%M} ngày {short_date(local.date())};")
        for index, milestone in enumerate(milestones):
            end = "." if index == len(milestones) - 1 else ";"
            writer.paragraph(f"+ {milestone.title}: {_deadline_text(milestone)}{end}")
