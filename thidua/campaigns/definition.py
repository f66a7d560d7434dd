"""The campaign definition file (format `thidua.campaign/1`): parse, validate, export, dump.

The file is YAML (JSON is accepted too) checked against schema/campaign-1.schema.json; the
format is documented in docs/campaign-definition.md. Export always writes every key in the same
order, so loading an exported file and exporting it again gives the same text, byte for byte.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from thidua.core.errors import Refused
from thidua.core.timeutils import local

FORMAT = "thidua.campaign/1"
SCHEMA_PATH = Path(__file__).parent / "schema" / "campaign-1.schema.json"


# The lists of items with a code, in the file's order.
SECTIONS = (
    "goals",
    "activities",
    "indicators",
    "milestones",
    "validation_rules",
    "clusters",
    "criteria",
    "award_types",
)


class DefinitionError(Refused):
    """The file is not a valid campaign definition; `problems` says where and why, in Vietnamese."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- YAML without implicit timestamps: dates stay strings, validated by the schema -----------


# A definition is read within bounds: no &anchors / *aliases (a 22 KB "billion laughs" file would
# expand to gigabytes), at most MAX_TEXT characters and MAX_NODES values. The bounds are checked on
# the parser's events before anything is built, with libyaml's parser when PyYAML has it (its wheels
# do): the pure-Python loader spends tens of µs a value, some 15 s and 120 MB before it could refuse
# 200,000 of them; the events alone take a fraction of a second and hold nothing.
MAX_TEXT = 2 * 1024 * 1024
MAX_NODES = 200_000
_EVENTS_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Bounded(yaml.YAMLError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _no_aliases() -> _Bounded:
    return _Bounded(_("Anchors and aliases (& and *) are not accepted in a definition file."))


def _too_many_nodes() -> _Bounded:
    return _Bounded(_("The file has far more entries than a campaign definition."))


def _check_bounds(text: str) -> None:
    """_Bounded on an anchor, an alias or more than MAX_NODES values, from the parser's events
    alone. A syntax error is left to the loader, which says where it is."""
    nodes = 0
    events = yaml.parse(text, Loader=_EVENTS_LOADER)
    try:
        for event in events:
            if isinstance(event, yaml.NodeEvent):  # a scalar, the start of a list or mapping, an alias
                if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
                    raise _no_aliases()
                nodes += 1
                if nodes > MAX_NODES:
                    raise _too_many_nodes()
    except _Bounded:
        raise
    except yaml.YAMLError:
        return


class _Loader(yaml.SafeLoader):
    """The loader that builds the definition (the same checks again, should the parsers differ)."""

    nodes = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise _no_aliases()
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_many_nodes()
        return super().compose_node(parent, index)


class _Dumper(yaml.SafeDumper):
    pass


for _cls in (_Loader, _Dumper):
    _cls.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
    }


def _str_presenter(dumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)
_Dumper.ignore_aliases = lambda self, data: True  # a human-edited file: no &anchors / *aliases


def parse_text(text: str) -> dict:
    """YAML or JSON text → a plain dict (raises DefinitionError on a syntax error, an alias, or a
    text beyond the bounds above)."""
    if len(text) > MAX_TEXT:
        raise DefinitionError([_("The file is larger than 2 MB.")])
    try:
        _check_bounds(text)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 — _Loader is a SafeLoader
    except _Bounded as exc:
        raise DefinitionError([exc.message]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _(" at line %(line)s") % {"line": mark.line + 1} if mark else ""
        raise DefinitionError([_("The file is not valid YAML or JSON%(where)s.") % {"where": where}]) from exc
    if not isinstance(data, dict):
        raise DefinitionError([_("The file does not contain a campaign definition.")])
    return data


def dump_text(definition: dict) -> str:
    return yaml.dump(
        definition,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
        default_flow_style=False,
    )


# --- validation -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _where(path) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("(the whole file)")


def _explain(error) -> str:
    """A jsonschema error in Vietnamese, naming the field."""
    where = _where(error.absolute_path)
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return _("%(where)s: the field “%(field)s” is required.") % {"where": where, "field": missing}
    if validator == "additionalProperties":
        return _("%(where)s: unknown field(s) — %(detail)s.") % {"where": where, "detail": error.message}
    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        return _("%(where)s: “%(value)s” is not allowed; use one of: %(allowed)s.") % {
            "where": where,
            "value": error.instance,
            "allowed": ", ".join(str(a) for a in allowed),
        }
    if validator == "type":
        return _("%(where)s: wrong kind of value “%(value)s”.") % {"where": where, "value": error.instance}
    if validator == "pattern":
        return _("%(where)s: “%(value)s” is not in the expected form.") % {"where": where, "value": error.instance}
    if validator == "format":
        return _("%(where)s: “%(value)s” is not a valid %(format)s.") % {
            "where": where,
            "value": error.instance,
            "format": error.validator_value,
        }
    if validator in ("minLength", "minimum"):
        return _("%(where)s: the value is empty or too small.") % {"where": where}
    if validator == "maxLength":
        return _("%(where)s: the text is too long (at most %(max)s characters).") % {
            "where": where,
            "max": error.validator_value,
        }
    if validator == "uniqueItems":
        return _("%(where)s: an item is listed twice.") % {"where": where}
    return _("%(where)s: invalid value (%(detail)s).") % {"where": where, "detail": error.message}


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def parse_instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _schema_problems(definition: dict) -> list[str]:
    """Every schema error, in the order of the place it is about."""
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(definition), key=lambda e: list(e.absolute_path))
    return [_explain(e) for e in errors]


def _duplicate_codes(definition: dict, section: str) -> list[str]:
    """Codes are unique within a section: they are how the other sections refer to an item."""
    problems: list[str] = []
    seen: set[str] = set()
    for i, item in enumerate(definition.get(section) or []):
        if item["code"] in seen:
            where = f"{section}[{i + 1}]"
            problems.append(_("%(where)s: code “%(code)s” is used twice.") % {"where": where, "code": item["code"]})
        seen.add(item["code"])
    return problems


def _indicator_references(definition: dict) -> list[str]:
    """An indicator's goal and activity must be defined in the file."""
    goals = {item["code"] for item in definition["goals"]}
    activities = {item["code"] for item in definition["activities"]}
    problems: list[str] = []
    for i, item in enumerate(definition["indicators"]):
        where = f"indicators[{i + 1}]"
        if item.get("goal") and item["goal"] not in goals:
            problems.append(_("%(where)s: goal “%(code)s” is not defined.") % {"where": where, "code": item["goal"]})
        if item.get("activity") and item["activity"] not in activities:
            message = _("%(where)s: activity “%(code)s” is not defined.")
            problems.append(message % {"where": where, "code": item["activity"]})
    return problems


def _rule_references(definition: dict) -> list[str]:
    """A validation rule compares indicators defined in the file."""
    indicators = {item["code"] for item in definition["indicators"]}
    problems: list[str] = []
    for i, rule in enumerate(definition.get("validation_rules") or []):
        for code in [*rule["left"], *rule["right"]]:
            if code not in indicators:
                message = _("%(where)s: indicator “%(code)s” is not defined.")
                problems.append(message % {"where": f"validation_rules[{i + 1}]", "code": code})
    return problems


def _criterion_references(definition: dict) -> list[str]:
    """A criterion computed from an indicator names one defined in the file (and only that source does)."""
    indicators = {item["code"] for item in definition["indicators"]}
    problems: list[str] = []
    for i, criterion in enumerate(definition.get("criteria") or []):
        where = f"criteria[{i + 1}]"
        code = criterion.get("indicator")
        if criterion["source"] == "indicator" and not code:
            problems.append(_("%(where)s: name the indicator it is computed from.") % {"where": where})
        elif code and code not in indicators:
            message = _("%(where)s: indicator “%(code)s” is not defined.")
            problems.append(message % {"where": where, "code": code})
    return problems


def _activity_problems(where: str, activity: dict) -> list[str]:
    """Each assignment names a unit or a group (not both, not neither); the dates exist and are in order."""
    problems: list[str] = []
    for j, assignment in enumerate(activity["assignments"]):
        if bool(assignment.get("unit")) == bool(assignment.get("group")):
            message = _("%(where)s: name either a unit or a group of units.")
            problems.append(message % {"where": f"{where}.assignments[{j + 1}]"})
    try:
        start, end = parse_date(activity.get("date")), parse_date(activity.get("end_date"))
        if start and end and end < start:
            problems.append(_("%(where)s: the end date is before the date.") % {"where": where})
    except ValueError:
        problems.append(_("%(where)s: the date does not exist.") % {"where": where})
    return problems


def _deadline_problems(definition: dict) -> list[str]:
    """Deadlines the schema accepts by form may still not exist (30 February)."""
    deadlines = [(f"milestones[{i + 1}]", item["deadline"]) for i, item in enumerate(definition["milestones"])]
    if definition.get("registration_deadline"):
        deadlines.append(("registration_deadline", definition["registration_deadline"]))
    problems: list[str] = []
    for where, value in deadlines:
        try:
            parse_instant(value)
        except ValueError:
            problems.append(_("%(where)s: the deadline does not exist.") % {"where": where})
    return problems


def _period_problems(definition: dict) -> list[str]:
    """The period's dates and the issue date exist, and the period does not end before it starts."""
    period = definition["period"]
    try:
        start = None if period["start"] == "issue_date" else parse_date(period["start"])
        end = parse_date(period["end"])
        parse_date(definition["issuer"].get("date"))
    except ValueError:
        return [_("period or issue date: a date does not exist.")]
    if start and end and end < start:
        return [_("period: the end is before the start.")]
    return []


def validate(definition: dict) -> None:
    """Raise DefinitionError listing every problem: schema first, then references and dates."""
    problems = _schema_problems(definition)
    if problems:
        raise DefinitionError(problems)
    for section in SECTIONS:
        problems += _duplicate_codes(definition, section)
    problems += _indicator_references(definition)
    problems += _rule_references(definition)
    problems += _criterion_references(definition)
    for i, activity in enumerate(definition["activities"]):
        problems += _activity_problems(f"activities[{i + 1}]", activity)
    problems += _deadline_problems(definition)
    problems += _period_problems(definition)
    if problems:
        raise DefinitionError(problems)


# --- export -----------------------------------------------------------------------------------


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _target(value, unit: str, subject: str | None = None) -> dict | None:
    if value is None:
        return None
    target = {"value": _number(value), "unit": unit or None}
    if subject is not None:
        target["subject"] = subject or None
    return target


def _scope(obj) -> dict:
    return {
        "groups": list(obj.scope_groups),
        "units": list(obj.scope_unit_codes),
    }


def assignments_of(activity) -> list[dict]:
    return [
        {"role": s.role, "name": s.name_in_plan, "unit": s.unit_code or None, "group": s.group or None}
        for s in activity.assignments.all()
    ]


def export_definition(campaign) -> dict:
    """The campaign as a definition dict, every key present, in the documented order."""
    c = campaign
    goals = list(c.goals.all())
    activities = list(c.activities.prefetch_related("assignments"))
    indicators = list(c.indicators.select_related("goal", "activity"))
    milestones = list(c.milestones.all())
    return {
        "format": FORMAT,
        "slug": c.slug,
        "status": c.status,
        "title": c.title,
        "theme": c.theme or None,
        "context": c.context or None,
        "issuer": {
            "unit": c.issuer_unit.code,
            "name": c.issuer_name or None,
            "document_number": c.document_number or None,
            "place": c.issue_place or None,
            "date": c.issue_date.isoformat() if c.issue_date else None,
        },
        "period": {
            "start": "issue_date"
            if c.period_start_rule == c.PeriodStart.ISSUE_DATE
            else (c.period_start.isoformat() if c.period_start else None),
            "end": c.period_end.isoformat() if c.period_end else None,
            "text": c.period_text or None,
        },
        "audience": c.audience or None,
        "steering_committee": c.steering_committee or None,
        "coordinator": {
            "unit": c.coordinator_unit.code if c.coordinator_unit_id else None,
            "duties": c.coordinator_duties or None,
        },
        "unit_duties": c.unit_duties or None,
        "submission_email": c.submission_email or None,
        "registration_deadline": local(c.registration_deadline).isoformat() if c.registration_deadline else None,
        "goals": [
            {"code": g.code, "text": g.text, "target": _target(g.target_value, g.target_unit, g.target_subject)}
            for g in goals
        ],
        "activities": [
            {
                "code": a.code,
                "title": a.title,
                "description": a.description,
                "programme": a.programme or None,
                "url": a.url or None,
                "venue": a.venue or None,
                "date": a.start_date.isoformat() if a.start_date else None,
                "end_date": a.end_date.isoformat() if a.end_date else None,
                "date_tentative": a.date_is_tentative,
                "weekday": a.weekday_text or None,
                "target": _target(a.target_value, a.target_unit),
                "assignment_text": a.assignment_text or None,
                "assignments": assignments_of(a),
            }
            for a in activities
        ],
        "indicators": [
            {
                "code": i.code,
                "name": i.name,
                "kind": i.kind,
                "direction": i.direction,
                "goal": i.goal.code if i.goal_id else None,
                "activity": i.activity.code if i.activity_id else None,
                "target": _number(i.target_value),
                "unit_of_measure": i.unit_of_measure or None,
                "denominator": i.denominator or None,
                "reported_by": _scope(i),
            }
            for i in indicators
        ],
        "milestones": [
            {
                "code": m.code,
                "kind": m.kind,
                "title": m.title,
                "deadline": local(m.deadline).isoformat(),
                "deadline_text": m.deadline_text or None,
                "weekday": m.weekday_text or None,
                "submit_to": m.submit_to or None,
                "reviewer": m.reviewer_unit_code or None,
                "expected": _scope(m),
            }
            for m in milestones
        ],
        "validation_rules": [
            {
                "code": r.code,
                "name": r.name,
                "left": list(r.left),
                "operator": r.operator,
                "right": list(r.right),
                "importance": r.importance,
            }
            for r in c.validation_rules.all()
        ],
        "clusters": [
            {"code": k.code, "name": k.name, "kinds": list(k.kinds), "units": list(k.unit_codes)}
            for k in c.clusters.all()
        ],
        "criteria": [
            {
                "code": k.code,
                "name": k.name,
                "max_points": _number(k.max_points),
                "source": k.source,
                "indicator": k.indicator_code or None,
                "target": _number(k.target),
                "description": k.description or None,
            }
            for k in c.criteria.all()
        ],
        "award_types": [
            {"code": a.code, "name": a.name, "level": a.level, "quota": a.quota} for a in c.award_types.all()
        ],
        "closing_text": c.closing_text or None,
        "distribution": list(c.distribution),
        "signature": {
            "on_behalf": c.signature_on_behalf or None,
            "position": c.signature_position or None,
            "name": c.signature_name or None,
        },
    }


# --- moving a campaign in time (copies, the living demo) ----------------------------------------------


def _shift_date(value: str | None, shift: dt.timedelta) -> str | None:
    return (parse_date(value) + shift).isoformat() if value and value != "issue_date" else value


def _shift_instant(value: str | None, shift: dt.timedelta) -> str | None:
    return local(parse_instant(value) + shift).isoformat() if value else value


def shifted(definition: dict, shift: dt.timedelta) -> dict:
    """A copy of the definition with every date moved by `shift`: period, issue date, registration
    deadline, activities, milestones. Texts that quote the old dates (the period's text, each
    deadline's text) are dropped rather than left wrong; goals, indicators, units, assignments and
    rules stay as they were."""
    d = copy.deepcopy(definition)
    d["issuer"]["date"] = _shift_date(d["issuer"].get("date"), shift)
    d["period"]["start"] = _shift_date(d["period"]["start"], shift)
    d["period"]["end"] = _shift_date(d["period"]["end"], shift)
    d["period"]["text"] = None
    d["registration_deadline"] = _shift_instant(d.get("registration_deadline"), shift)
    for activity in d["activities"]:
        activity["date"] = _shift_date(activity.get("date"), shift)
        activity["end_date"] = _shift_date(activity.get("end_date"), shift)
    for milestone in d["milestones"]:
        milestone["deadline"] = _shift_instant(milestone["deadline"], shift)
        milestone["deadline_text"] = None
    return d


def first_date(definition: dict) -> dt.date:
    """Where the campaign starts in time: its period's start, else its issue date, else its first deadline."""
    start = definition["period"].get("start")
    if start and start != "issue_date":
        return parse_date(start)
    if definition["issuer"].get("date"):
        return parse_date(definition["issuer"]["date"])
    return min(local(parse_instant(m["deadline"])).date() for m in definition["milestones"])
