"""Demo registrations and submissions for the seed campaign: a believable mix of on-time, late,
missing, exempted and extended units, with receipts, reviews and a few second versions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from thidua.campaigns.models import Campaign
from thidua.core.text import fold
from thidua.demo.progress import COUNT_SIZE  # typical figures: commitments close to what units achieve
from thidua.submissions import services
from thidua.submissions.models import DeadlineException, Review
from thidua.submissions.queries import expected_units

EXEMPTION_REASONS = [
    "Đơn vị đang kiện toàn tổ chức, báo cáo chung với đơn vị chủ quản.",
    "Đơn vị mới thành lập sau khi kế hoạch ban hành.",
]
EXTENSION_REASONS = [
    "Đơn vị tổ chức hoạt động cao điểm đến hết ngày hạn nộp, xin lùi hạn báo cáo.",
    "Lãnh đạo đơn vị đi công tác, chưa ký được văn bản.",
]
SUPPLEMENT_COMMENTS = [
    "Báo cáo chưa có số liệu về tài khoản định danh điện tử mức độ 2, đề nghị bổ sung.",
    "Văn bản chưa có chữ ký và dấu của đơn vị, đề nghị gửi lại bản đã ký.",
    "Thiếu phụ lục số liệu việc làm, đề nghị bổ sung.",
]


def pdf_bytes(text: str) -> bytes:
    """A small valid one-page PDF (ASCII text: the demo's files open in any viewer)."""
    safe = fold(text).replace("(", "[").replace(")", "]")[:90]
    stream = f"BT /F1 14 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@dataclass
class _Run:
    """Who acts in the demo, the seeded random source, and what has been made so far."""

    coordinator: object
    officers_by_unit: dict
    rng: random.Random
    counts: dict[str, int]
    until: dt.datetime | None = None  # the living demo stops at "now": nothing arrives from the future

    def actor_for(self, unit):
        """The unit's demo officer, or the coordinator acting on its behalf."""
        return self.officers_by_unit.get(unit.code) or self.coordinator


def _commitments(unit, indicators: list, rng: random.Random) -> dict:
    """A few indicators a unit commits to: counts about what such a unit achieves, ratios at 100%."""
    mine = [i for i in indicators if unit.kind in ("district", "bloc") or i.kind != "count" or rng.random() < 0.3]
    commitments = {}
    for i in rng.sample(mine, k=min(len(mine), rng.randint(2, 6))):
        if i.kind == "count":
            # About what such a unit achieves (see progress.demo), give or take a third.
            size = COUNT_SIZE.get(i.code, 10) * (1.6 if unit.kind == "district" else 0.8)
            commitments[i] = Decimal(max(1, round(size * rng.uniform(0.7, 1.3))))
        elif i.scope_groups == ["grassroots"] or i.kind == "share":
            continue
        else:
            commitments[i] = Decimal(100)
    return commitments


def _register(run: _Run, campaign: Campaign, units: list, indicators: list) -> None:
    """Registrations: most units register in the first days, a few never do."""
    start = campaign.milestones.order_by("deadline").first().deadline - dt.timedelta(days=10, hours=3)
    for unit in units:
        if run.rng.random() < 0.12:
            continue
        commitments = _commitments(unit, indicators, run.rng)
        actor = run.actor_for(unit)
        services.registration_save(
            actor=actor,
            campaign=campaign,
            unit=unit,
            commitments=commitments,
            note="Đơn vị đăng ký thực hiện đầy đủ các chỉ tiêu của đợt thi đua.",
            on_behalf=actor is run.coordinator,
            now=start + dt.timedelta(hours=run.rng.randint(0, 200)),
        )
        run.counts["registrations"] += 1


def _deadline(run: _Run, milestone, unit, roll: float, position: int) -> dt.datetime | None:
    """The unit's deadline: a few units are exempted (None), some more get three more days; a little
    more of both at each later milestone."""
    if roll < 0.02 + 0.01 * position:
        services.deadline_exception_set(
            actor=run.coordinator,
            milestone=milestone,
            unit=unit,
            kind=DeadlineException.Kind.EXEMPTION,
            reason=run.rng.choice(EXEMPTION_REASONS),
            notify=False,
        )
        run.counts["exempted"] += 1
        return None
    if roll < 0.06 + 0.01 * position:
        deadline = milestone.deadline + dt.timedelta(days=3)
        services.deadline_exception_set(
            actor=run.coordinator,
            milestone=milestone,
            unit=unit,
            kind=DeadlineException.Kind.EXTENSION,
            new_deadline=deadline,
            reason=run.rng.choice(EXTENSION_REASONS),
            notify=False,
        )
        run.counts["extended"] += 1
        return deadline
    return milestone.deadline


def _received_at(rng: random.Random, deadline: dt.datetime, roll: float, position: int) -> dt.datetime | None:
    """When the report arrives: never (None), late, in the last half hour, or some days early.
    Later milestones have more missing and late reports."""
    if roll > 0.90 - 0.04 * position:
        return None  # missing
    if roll > 0.76 - 0.03 * position:
        return deadline + dt.timedelta(minutes=rng.randint(1, 3 * 1440))  # late
    if rng.random() < 0.15:
        return deadline - dt.timedelta(seconds=rng.randint(1, 1800))  # the last half hour
    return deadline - dt.timedelta(minutes=rng.randint(60, 5 * 1440))


def _review(run: _Run, submission, *, deadline: dt.datetime, received: dt.datetime, name: str) -> None:
    """Most reports are reviewed: a few sent back for a supplement (mostly sent again), the rest accepted."""
    rng = run.rng
    if rng.random() >= 0.6:
        return
    if rng.random() < 0.12:
        services.submission_review(
            actor=run.coordinator,
            submission=submission,
            decision=Review.Decision.SUPPLEMENT,
            comment=rng.choice(SUPPLEMENT_COMMENTS),
            notify=False,
            now=received + dt.timedelta(hours=1),
        )
        run.counts["reviews"] += 1
        if rng.random() < 0.7:
            unit = submission.unit
            services.submission_create(
                actor=run.actor_for(unit),
                milestone=submission.milestone,
                unit=unit,
                note="Gửi bổ sung theo yêu cầu.",
                uploads=[(f"bo-sung-{unit.code}.pdf", pdf_bytes(name + " - bo sung"))],
                now=received + dt.timedelta(hours=rng.randint(2, 48)),
                notify=False,
            )
            run.counts["submissions"] += 1
        return
    services.submission_review(
        actor=run.coordinator,
        submission=submission,
        decision=Review.Decision.ACCEPTED,
        notify=False,
        now=max(received, deadline) + dt.timedelta(hours=rng.randint(2, 30)),
    )
    run.counts["reviews"] += 1


def _submit(run: _Run, milestone, unit, position: int) -> None:
    """One unit's report for one milestone, from exemption to review."""
    roll = run.rng.random()
    deadline = _deadline(run, milestone, unit, roll, position)
    if deadline is None:
        return
    received = _received_at(run.rng, deadline, roll, position)
    if received is None or (run.until and received + dt.timedelta(days=2) > run.until):
        return
    name = f"{milestone.title} - {unit.short_name or unit.name}"
    submission = services.submission_create(
        actor=run.actor_for(unit),
        milestone=milestone,
        unit=unit,
        uploads=[(f"{fold(milestone.title).replace(' ', '-')}-{unit.code}.pdf", pdf_bytes(name))],
        now=received,
        notify=False,
    )
    run.counts["submissions"] += 1
    _review(run, submission, deadline=deadline, received=received, name=name)


def build(
    campaign: Campaign, *, coordinator, officers_by_unit: dict, seed: int = 2023, until: dt.datetime | None = None
) -> dict[str, int]:
    """Registrations, submissions, reviews, extensions and exemptions as they might have happened
    (up to `until`, for a campaign that is running now)."""
    counts = {"registrations": 0, "submissions": 0, "exempted": 0, "extended": 0, "reviews": 0}
    run = _Run(coordinator, officers_by_unit, random.Random(seed), counts, until)
    milestones = list(campaign.milestones.all())
    units = list(expected_units(milestones[0], campaign))
    _register(run, campaign, units, list(campaign.indicators.all()))
    for position, milestone in enumerate(milestones):
        for unit in units:
            _submit(run, milestone, unit, position)
    return counts
