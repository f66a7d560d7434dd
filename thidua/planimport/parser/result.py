"""What the importer returns: the definition, the spans it came from, the warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_DEADLINE_TIME = (17, 0)  # a deadline date without a time of day: end of office hours


@dataclass(frozen=True)
class Span:
    start: int  # offsets into ImportResult.text
    end: int


@dataclass
class ImportResult:
    text: str  # the normalised plain text (markup stripped) all spans refer to
    definition: dict  # a thidua.campaign/1 definition that passes definition.validate()
    spans: dict[str, Span]  # definition path ("goals[1].text", 1-based) -> where it came from
    warnings: list  # checks.Finding items: check_definition() plus the importer's own
    suggestions: dict[str, list[tuple[str, str, float]]] = field(default_factory=dict)
    # One row per field with its source line and how sure the importer is (confidence.py), for the review.
    confidence: list[dict] = field(default_factory=list)
    # Units given duties outside the activities' assignment lines: {name, role, unit} (duties.py).
    duties: list[dict] = field(default_factory=list)
