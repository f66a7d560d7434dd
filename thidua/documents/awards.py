"""The commendation file as documents: the coordinator's proposal letter (tờ trình) with the list of
proposed awardees, and the decision (quyết định) with the list it grants — collectives and
individuals, by form of commendation and, for collectives, by emulation cluster."""

from __future__ import annotations

from itertools import groupby

from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from thidua.campaigns.models import Campaign
from thidua.commendation.models import Decision, Proposal
from thidua.core.errors import Refused
from thidua.core.templatetags.thidua import number
from thidua.documents.layout import (
    Header,
    Signature,
    Table,
    Writer,
    issuing_lines,
    long_date,
    number_line,
    short_date,
    stamp_of,
)
from thidua.documents.plan import header_of

CENTER = WD_ALIGN_PARAGRAPH.CENTER
# The proposal letter lists what is before the steering committee or approved by it.
PROPOSED = (Proposal.Status.SUBMITTED, Proposal.Status.APPROVED)
STATUS_TEXT = {
    Proposal.Status.SUBMITTED: "Chờ duyệt",
    Proposal.Status.APPROVED: "Đã duyệt",
    Proposal.Status.DECIDED: "Đã khen thưởng",
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _ordered(proposals) -> list[Proposal]:
    """By form of commendation (the award types' order), then cluster, rank, name."""
    return sorted(
        proposals,
        key=lambda p: (p.award_type.order, p.award_type.pk, p.is_individual, p.cluster_code, p.rank or 0, p.awardee),
    )


def counts_line(proposals: list[Proposal]) -> str:
    """'3 tập thể và 1 cá nhân', '2 tập thể', '1 cá nhân'."""
    collectives = sum(1 for p in proposals if not p.is_individual)
    people = len(proposals) - collectives
    parts = [f"{number(collectives)} tập thể"] if collectives or not people else []
    if people:
        parts.append(f"{number(people)} cá nhân")
    return " và ".join(parts)


def award_lines(proposals: list[Proposal]) -> list[str]:
    """'Bằng khen của Ban Chấp hành Thành Đoàn: 3 tập thể' — one line per form of commendation."""
    lines = []
    for award, group in groupby(_ordered(proposals), key=lambda p: p.award_type):
        lines.append(f"{award.name}: {counts_line(list(group))};")
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return lines


def award_tables(writer: Writer, proposals: list[Proposal], campaign: Campaign, *, with_status: bool) -> None:
    """One numbered part per form of commendation; collectives by cluster, then individuals."""
    clusters = {c.code: c.name for c in campaign.clusters.all()}
    for index, (award, group) in enumerate(groupby(_ordered(proposals), key=lambda p: p.award_type), start=1):
        group = list(group)
        writer.paragraph(f"{index}. {award.name} ({counts_line(group)})", bold=True, indent=False)
        collectives = [p for p in group if not p.is_individual]
        for code, rows in groupby(collectives, key=lambda p: p.cluster_code):
            rows = list(rows)
            if code:
                writer.paragraph(clusters.get(code, code), italic=True, indent=False)
            headers = ["STT", "Tập thể", "Hạng trong cụm", "Điểm (%)"]
            table_rows = [
                [str(n), p.unit.name, str(p.rank or "—"), number(p.score) if p.score is not None else "—"]
                for n, p in enumerate(rows, start=1)
            ]
            widths = [12, 83, 30, 25]
            if with_status:
                headers.append("Tình trạng")
                for row, p in zip(table_rows, rows):
                    row.append(STATUS_TEXT.get(p.status, ""))
                widths = [12, 68, 27, 23, 25]
            writer.table(Table(headers, table_rows, widths_mm=widths, numeric={0, 2, 3}))
        people = [p for p in group if p.is_individual]
        if people:
            headers = ["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"]
            table_rows = [
                [str(n), p.person_name, ", ".join(filter(None, [p.person_position, p.unit.name])), p.achievement]
                for n, p in enumerate(people, start=1)
            ]
            widths = [12, 38, 45, 70]
            if with_status:
                headers.append("Tình trạng")
                for row, p in zip(table_rows, people):
                    row.append(STATUS_TEXT.get(p.status, ""))
                widths = [12, 35, 40, 56, 22]
            writer.table(Table(headers, table_rows, widths_mm=widths, numeric={0}), size=11)


def _plan_reference(campaign: Campaign) -> str:
    plan = f"Kế hoạch số {campaign.document_number}" if campaign.document_number else "Kế hoạch"
    return f"{plan} của {campaign.issuer_name or campaign.issuer_unit.name} về {_lower_first(campaign.title)}"


# --- the proposal letter ----------------------------------------------------------------------------------


def build_proposal(campaign: Campaign, options) -> bytes:
    """The coordinator's letter to the steering committee with the list of proposed awardees."""
    proposals = list(
        Proposal.objects.filter(campaign=campaign, status__in=PROPOSED).select_related("unit", "award_type")
    )
    if not proposals:
        raise Refused(_("No commendation proposal is before the steering committee or approved by it yet."))
    sender = campaign.coordinator_unit or campaign.issuer_unit
    last = max(p.updated_at for p in proposals)
    writer = Writer(
        title=f"Tờ trình đề nghị khen thưởng — {campaign.theme or campaign.title}",
        subject=campaign.theme,
        author=sender.name,
        stamp=stamp_of(last),
    )
    year = campaign.period_end.year if campaign.period_end else None
    writer.header(
        Header(
            issuer=issuing_lines(sender, campaign=campaign),
            number=number_line("", "TTr", campaign),
            place_date=long_date(None, campaign.issue_place or "Thành phố Hồ Chí Minh", year),
        )
    )
    theme = f"“{campaign.theme}”" if campaign.theme else _lower_first(campaign.title)
    writer.title(
        "TỜ TRÌNH",
        f"V/v đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong đợt thi đua {theme}",
    )
    steering = campaign.steering_committee or campaign.issuer_name
    writer.paragraph(f"Kính gửi: {steering}", bold=True, align=CENTER, indent=False, after=10)
    writer.paragraph(f"Căn cứ {_plan_reference(campaign)};")
    if campaign.criteria.exists():
        writer.paragraph(
            "Căn cứ kết quả chấm điểm, xếp hạng theo bảng tiêu chí và các cụm, khối thi đua của đợt thi đua;"
        )
    writer.paragraph(
        f"{sender.name} kính trình {steering} xem xét, khen thưởng {counts_line(proposals)} "
        "có thành tích xuất sắc trong đợt thi đua (danh sách kèm theo), cụ thể:"
    )
    writer.bullets(award_lines(proposals))
    writer.paragraph(f"Kính trình {steering} xem xét, quyết định./.")
    writer.closing(["Như trên;", "Lưu."], Signature(on_behalf="", position="TRƯỞNG BAN", name=""))
    writer.page_break()
    writer.title(
        "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        subtitle=f"(Kèm theo Tờ trình của {sender.name} về đợt thi đua {theme})",
    )
    award_tables(writer, proposals, campaign, with_status=True)
    return writer.to_bytes()


# --- the decision ------------------------------------------------------------------------------------------


def granted(decision: Decision) -> list[Proposal]:
    return _ordered(decision.proposals.filter(status=Proposal.Status.DECIDED).select_related("unit", "award_type"))


def granted_count(decision: Decision | None) -> int:
    return decision.proposals.filter(status=Proposal.Status.DECIDED).count() if decision is not None else 0


def decision_subject(title: str) -> str:
    """The line under "QUYẾT ĐỊNH": 'Quyết định khen thưởng …' reads 'Về việc khen thưởng …'."""
    if title.lower().startswith("quyết định "):
        return "Về việc " + title[len("quyết định ") :]
    return title


def build_decision(campaign: Campaign, options) -> bytes:
    """The decision as signed (its number, date and signer), with the list of what it grants."""
    decision = options.decision
    if decision is None:
        raise Refused(_("No commendation decision is recorded yet."))
    awards = granted(decision)
    writer = Writer(
        title=f"Quyết định {decision.number} — {decision.title}",
        subject=campaign.theme,
        author=campaign.issuer_name,
        stamp=stamp_of(decision.signed_on),
    )
    writer.header(header_of(campaign, "QĐ", number=decision.number, day=decision.signed_on))
    theme = f"“{campaign.theme}”" if campaign.theme else _lower_first(campaign.title)
    writer.title("QUYẾT ĐỊNH", decision_subject(decision.title))
    body = (campaign.steering_committee or campaign.issuer_name).upper()
    writer.paragraph(body, bold=True, align=CENTER, indent=False, after=10)
    writer.paragraph("Căn cứ Điều lệ Đoàn Thanh niên Cộng sản Hồ Chí Minh;")
    writer.paragraph("Căn cứ Quy chế thi đua, khen thưởng của Đoàn Thanh niên Cộng sản Hồ Chí Minh;")
    writer.paragraph(f"Căn cứ {_plan_reference(campaign)};")
    if campaign.coordinator_unit_id:
        writer.paragraph(f"Xét đề nghị của {campaign.coordinator_unit.name},")
    writer.paragraph("QUYẾT ĐỊNH:", bold=True, align=CENTER, indent=False, after=10)
    writer.paragraph(
        f"Điều 1. Khen thưởng {counts_line(awards)} đã có thành tích xuất sắc trong đợt thi đua {theme} "
        "(danh sách kèm theo), gồm:"
    )
    writer.bullets(award_lines(awards))
    writer.paragraph(
        "Điều 2. Các tập thể, cá nhân có tên tại Điều 1 được nhận giấy chứng nhận theo hình thức khen thưởng tương ứng."
    )
    office = "Văn phòng Thành Đoàn" if campaign.issuer_unit.depth == 1 else "Văn phòng"
    offices = ", ".join(filter(None, [office, campaign.coordinator_unit.name if campaign.coordinator_unit_id else ""]))
    writer.paragraph(
        f"Điều 3. {offices} và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này. "
        "Quyết định có hiệu lực kể từ ngày ký./."
    )
    writer.closing(
        ["Như Điều 3;", "Lưu (VT-LT)."],
        Signature(decision.on_behalf, decision.signer_position, decision.signer_name),
    )
    writer.page_break()
    writer.title(
        "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
        subtitle=(
            f"(Kèm theo Quyết định số {decision.number} ngày {short_date(decision.signed_on)} "
            f"của {campaign.steering_committee or campaign.issuer_name})"
        ),
    )
    award_tables(writer, awards, campaign, with_status=False)
    return writer.to_bytes()
