"""Certificates (giấy khen, bằng khen …) of a recorded decision as a print-ready PDF: one A4
landscape page per awardee, set in DejaVu Serif (vendored in fonts/, under its own free licence,
which covers every Vietnamese letter), so the text layer keeps its diacritics.

The creation date is the decision's signing date, so the same decision gives the same bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

from thidua.campaigns.models import Campaign
from thidua.commendation.models import Proposal
from thidua.core.errors import Refused
from thidua.documents.awards import granted
from thidua.documents.layout import UNION, long_date, short_date

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSerif"
RED = (164, 22, 26)
INK = (20, 20, 20)
WIDTH, HEIGHT = 297, 210


def _split_award(name: str) -> tuple[str, str]:
    """'Giấy khen của Ban Thường vụ Thành Đoàn' → ('GIẤY KHEN', 'BAN THƯỜNG VỤ THÀNH ĐOÀN')."""
    form, _sep, giver = name.partition(" của ")
    return form.strip().upper(), giver.strip().upper()


class _Certificate(FPDF):
    def __init__(self, *, title: str, author: str, created: dt.date):
        super().__init__(orientation="L", unit="mm", format="A4")
        for style, file in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif-Italic.ttf")):
            self.add_font(FAMILY, style, str(FONTS / file))
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("Thi đua")
        self.set_lang("vi")
        self.set_creation_date(dt.datetime(created.year, created.month, created.day, tzinfo=dt.UTC))

    def centred(self, y: float, text: str, *, size: float, style: str = "", color=INK, width: float = 240, min_size=11):
        """One line centred on the page, made smaller until it fits the width."""
        self.set_font(FAMILY, style, size)
        while self.get_string_width(text) > width and size > min_size:
            size -= 1
            self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_xy((WIDTH - width) / 2, y)
        self.cell(width, size * 0.45, text, align="C")

    def paragraph(self, y: float, text: str, *, size: float, style: str = "", width: float = 230, max_lines: int = 3):
        """Centred lines wrapped to the width, at most `max_lines` (shortened with '…' beyond)."""
        self.set_font(FAMILY, style, size)
        self.set_text_color(*INK)
        lines = self.multi_cell(width, size * 0.5, text, align="C", dry_run=True, output="LINES")
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1].rstrip(" ,.;") + "…"
        for i, line in enumerate(lines):
            self.set_xy((WIDTH - width) / 2, y + i * size * 0.5)
            self.cell(width, size * 0.5, line, align="C")
        return y + len(lines) * size * 0.5

    def frame(self) -> None:
        self.set_draw_color(*RED)
        self.set_line_width(1.4)
        self.rect(10, 10, WIDTH - 20, HEIGHT - 20)
        self.set_line_width(0.4)
        self.rect(13.5, 13.5, WIDTH - 27, HEIGHT - 27)


def _page(pdf: _Certificate, campaign: Campaign, proposal: Proposal, decision, index: int) -> None:
    pdf.add_page()
    pdf.frame()
    form, giver = _split_award(proposal.award_type.name)
    giver = giver or decision.on_behalf.removeprefix("TM.").strip().upper()
    pdf.centred(22, UNION, size=14, style="B")
    pdf.centred(29, giver, size=14, style="B")
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(WIDTH / 2 - 25, 38.5, WIDTH / 2 + 25, 38.5)
    pdf.centred(45, "TẶNG", size=16, style="B")
    pdf.centred(56, form or "GIẤY KHEN", size=40, style="B", color=RED)
    y = 78
    if proposal.is_individual:
        pdf.centred(y, f"Đồng chí {proposal.person_name}", size=26, style="B", color=RED)
        position = proposal.person_position
        role = position if proposal.unit.name in position else ", ".join(filter(None, [position, proposal.unit.name]))
        if role:
            y = pdf.paragraph(y + 14, role, size=15, style="I", max_lines=2) - 14
    else:
        pdf.centred(y, proposal.unit.name, size=26, style="B", color=RED)
    y += 22
    pdf.centred(y, "Đã có thành tích xuất sắc trong đợt thi đua", size=15)
    theme = f"“{campaign.theme}”" if campaign.theme else campaign.title
    pdf.paragraph(y + 8, theme, size=15, style="B", max_lines=3)
    _signature(pdf, campaign, decision)
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "", 10)
    for i, line in enumerate(
        [
            f"Quyết định số {decision.number} ngày {short_date(decision.signed_on)}",
            f"Số vào sổ: {index:03d}",
            proposal.award_type.name,
        ]
    ):
        pdf.set_xy(24, 170 + i * 5.5)
        pdf.cell(110, 5, line)


def _signature(pdf: _Certificate, campaign: Campaign, decision) -> None:
    left, width = 160, 120
    pdf.set_text_color(*INK)
    pdf.set_font(FAMILY, "I", 12)
    pdf.set_xy(left, 148)
    pdf.cell(width, 6, long_date(decision.signed_on, campaign.issue_place or "Thành phố Hồ Chí Minh"), align="C")
    pdf.set_font(FAMILY, "B", 12)
    for i, line in enumerate(filter(None, [decision.on_behalf.upper(), decision.signer_position.upper()])):
        pdf.set_xy(left, 155 + i * 6)
        pdf.cell(width, 6, line, align="C")
    pdf.set_font(FAMILY, "B", 14)
    pdf.set_xy(left, 185)
    pdf.cell(width, 7, decision.signer_name, align="C")


def build(campaign: Campaign, options) -> bytes:
    """One page per award of the decision the reader may print (all of them from the command)."""
    decision = options.decision
    if decision is None:
        raise Refused(_("No commendation decision is recorded yet."))
    awards = granted(decision)
    if options.awards is not None:
        allowed = set(options.awards.values_list("pk", flat=True))
        awards = [p for p in awards if p.pk in allowed]
    elif options.unit is not None:
        awards = [p for p in awards if p.unit_id == options.unit.pk]
    if not awards:
        raise Refused(_("This decision grants no award to print here."))
    numbers = {p.pk: n for n, p in enumerate(granted(decision), start=1)}
    pdf = _Certificate(
        title=f"Giấy khen — Quyết định {decision.number}", author=campaign.issuer_name, created=decision.signed_on
    )
    for done, proposal in enumerate(awards):
        options.progress(90 * done // len(awards))
        _page(pdf, campaign, proposal, decision, numbers[proposal.pk])
    return bytes(pdf.output())
