"""What the section readers share while one plan is read: the text, its paragraphs, the draft so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from thidua.campaigns.checks import Finding
from thidua.planimport.parser.directory import Directory
from thidua.planimport.parser.layout import normalise
from thidua.planimport.parser.paragraphs import Para
from thidua.planimport.parser.result import Span
from thidua.units.models import UnitKind


@dataclass(eq=False)
class ParseState:
    """One plan being read. Readers add to it in document order; the order of spans and warnings is the output's."""

    text: str  # the normalised text; every offset below is into it
    paras: list[Para]
    directory: Directory
    spans: dict[str, Span] = field(default_factory=dict)
    early: list[Finding] = field(default_factory=list)  # warnings shown before check_definition()'s
    late: list[Finding] = field(default_factory=list)  # warnings shown after them
    suggestions: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    # The draft's lists: goals and activities are added while the outline is walked, milestones after it.
    goals: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)
    milestones: list[dict] = field(default_factory=list)
    # Found on the walk, read once it is over.
    org_nodes: list[Para] = field(default_factory=list)  # headings and items of "Tổ chức thực hiện"
    period_source: tuple[int, int] | None = None  # the value of a "Thời gian:" section
    audience_source: tuple[int, int] | None = None  # the value of an "Đối tượng:" section
    # Noted by one reader for another.
    named_duties: list[dict] = field(default_factory=list)  # {name, role, unit} read by duties.py
    registration: tuple[str, int, int] | None = None  # (deadline, start, end) of "đăng ký thi đua", by milestones
    approximate_groups: list[tuple[str, str]] = field(default_factory=list)  # (name, group) read loosely
    # Known once the header, the title and the period are read.
    issuer_unit: str | None = None
    plan_year: int | None = None
    period_range: tuple[dt.date, dt.date] | None = None

    @classmethod
    def read(cls, raw: str) -> ParseState:
        """The state for the raw text of a plan: normalised, with the unit directory loaded."""
        text, paras = normalise(raw)
        return cls(text, paras, Directory())

    def span(self, path: str, start: int, end: int) -> None:
        """Record where the value at `path` came from; an empty span is not recorded."""
        if end > start:
            self.spans[path] = Span(start, end)

    def slice(self, start: int, end: int) -> str:
        """The text between two offsets."""
        return self.text[start:end]

    @property
    def issuer_is_city(self) -> bool:
        """True when the issuer is the city union (or not known): the units right below it are the direct units,
        not grassroots units."""
        kind = self.directory.kind(self.issuer_unit) if self.issuer_unit else None
        return kind in (None, UnitKind.CITY)

    def region(self, name: str) -> list[Para]:
        """The paragraphs of a region ("header", "title", "body", "footer" …), in order."""
        return [p for p in self.paras if p.region == name]
