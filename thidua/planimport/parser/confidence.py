"""How sure the importer is of each field it read: one row per field for the review page, with the source line
beside the value, so the coordinator can sort by confidence and check the least certain first.

A field's confidence comes from what the parser knows, not from a model:

- ``high`` (0.9): a value read from a place in the text (a span) and no warning about it;
- ``medium`` (0.6): a value without a span of its own (made up from several places, or a default);
- ``low`` (0.3): a value with a warning about it or about its item (a unit not in the directory, a weekday
  that does not match, a target read from a label, an issuer assumed …);
- ``missing`` (0.1): no value, and a warning says it is missing (the period's start, the issuer's name …).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

# An ISO date or date-time as the definition keeps it: "2010-09-13", "2010-09-13T17:00:00+07:00".
ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?")

HIGH, MEDIUM, LOW, MISSING = 0.9, 0.6, 0.3, 0.1
SOURCE_MAX = 160  # characters of the source line shown beside a value


def _shown(value) -> str | None:
    """A value as the coordinator reads it: dates "13/09/2010", deadlines "13/09/2010 17:00"."""
    if value is None:
        return None
    text = str(value)
    if ISO_RE.fullmatch(text):
        if "T" in text:
            return dt.datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
    return text


def _level(score: float) -> str:
    return {HIGH: "high", MEDIUM: "medium", LOW: "low"}.get(score, "missing")


def _source(text: str, spans: dict, path: str) -> str | None:
    """The line of the source text the field's span is on, shortened around the span."""
    span = spans.get(path)
    if span is None:
        return None
    start, end = span.start, span.end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    line = text[line_start:line_end]
    if len(line) <= SOURCE_MAX:
        return line
    left = max(line_start, start - 40)
    return ("…" if left > line_start else "") + text[left : min(line_end, left + SOURCE_MAX)] + "…"


def _fields(d: dict) -> list[tuple[str, str, object]]:
    """(path, label, value) of every field worth a confidence, in the document's order."""
    issuer = d["issuer"]
    rows = [
        ("issuer.name", _("Issuing body"), issuer.get("name")),
        ("issuer.unit", _("Issuing unit"), issuer.get("unit")),
        ("issuer.document_number", _("No."), issuer.get("document_number")),
        ("issuer.place", _("Place"), issuer.get("place")),
        ("issuer.date", _("Date"), issuer.get("date")),
        ("title", _("Title"), d.get("title")),
        ("period.start", _("Period starts"), d["period"].get("start")),
        ("period.end", _("Period ends"), d["period"].get("end")),
    ]
    for i, g in enumerate(d.get("goals") or [], 1):
        rows.append((f"goals[{i}]", _("Goal %(n)s") % {"n": i}, g.get("text")))
    for i, a in enumerate(d.get("activities") or [], 1):
        rows.append((f"activities[{i}]", _("Activity %(n)s") % {"n": i}, a.get("title") or a.get("description")))
        if a.get("date"):
            rows.append((f"activities[{i}].date", _("Activity %(n)s: date") % {"n": i}, a.get("date")))
        for k, s in enumerate(a.get("assignments") or [], 1):
            label = _("Activity %(n)s: lead") if s.get("role") == "lead" else _("Activity %(n)s: co-lead")
            rows.append((f"activities[{i}].assignments[{k}]", label % {"n": i}, s.get("name")))
    for i, m in enumerate(d.get("milestones") or [], 1):
        rows.append((f"milestones[{i}].deadline", _("Deadline: %(title)s") % {"title": m.get("title")}, m["deadline"]))
    if d.get("registration_deadline"):
        rows.append(("registration_deadline", _("Registration deadline"), d["registration_deadline"]))
    return rows


def _warned(warnings: list, path: str) -> list[str]:
    """The codes of the warnings about `path` or the item it belongs to ("activities[2]" for its date)."""
    item = path.split(".")[0]
    return sorted({w.code for w in warnings if w.where in (path, item) or w.where.startswith((path + ".", path + "["))})


def field_confidence(text: str, definition: dict, spans: dict, warnings: list, duties: list[dict]) -> list[dict]:
    """One row per field: {path, label, value, source, confidence, level, warnings}; then the named duties."""
    rows = []
    for path, label, value in _fields(definition):
        codes = _warned(warnings, path)
        source = _source(text, spans, path) or _source(text, spans, path + ".text")
        if value in (None, "", []):
            if not codes:
                continue  # nothing read and nothing missing: not a field of this plan
            score = MISSING
        elif codes:
            score = LOW
        else:
            score = HIGH if source else MEDIUM
        rows.append(
            {
                "path": path,
                "label": label,
                "value": _shown(value),
                "source": source,
                "confidence": score,
                "level": _level(score),
                "warnings": codes,
            }
        )
    checked = any(w.code == "duties_to_check" for w in warnings)
    for i, duty in enumerate(duties, 1):
        path = f"unit_duties[{i}].unit"
        role = _("lead") if duty["role"] == "lead" else _("co-lead")
        rows.append(
            {
                "path": path,
                "label": _("Duties (%(role)s)") % {"role": role},
                "value": duty["name"] + (f" → {duty['unit']}" if duty.get("unit") else ""),
                "source": _source(text, spans, path),
                "confidence": LOW if checked and not duty.get("unit") else MEDIUM,
                "level": _level(LOW if checked and not duty.get("unit") else MEDIUM),
                "warnings": ["duties_to_check"] if checked else [],
            }
        )
    return rows
