"""The campaign editor's forms: each section of a campaign definition as Vietnamese forms
(dd/mm/yyyy dates, "11:00" deadlines, units picked by name), read from and written back to the
definition dict, which campaigns.services.campaign_update then validates and saves as a version.

A section is a `Section`: its title, how to build its form (or formset) from the definition,
and how to put the cleaned data back. The views only know that interface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.campaigns import definition as defn
from thidua.campaigns.models import Assignment, AwardType, Criterion, Indicator, Milestone, ValidationRule
from thidua.core.timeutils import VN_TZ, local
from thidua.units import access as units_access
from thidua.units.models import Unit, UnitGroup, UnitKind

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
CODE_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
CODE_HELP = gettext_lazy("Letters, digits, '-', '_' or '.'; keep it once units have sent anything.")
MAX_ROWS = 200


# --- fields --------------------------------------------------------------------------------------------


def date_field(label, required=False, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
        error_messages={"invalid": gettext_lazy("Enter a date as dd/mm/yyyy.")},
        **kwargs,
    )


def time_field(label, required=False) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%Hg%M", "%Hh%M", "%H"],
        widget=forms.TimeInput(format="%H:%M", attrs={"placeholder": "11:00", "inputmode": "numeric"}),
        error_messages={"invalid": gettext_lazy("Enter a time as hh:mm, e.g. 11:00.")},
    )


def code_field() -> forms.RegexField:
    return forms.RegexField(
        label=gettext_lazy("Code"),
        regex=CODE_RE,
        max_length=40,
        help_text=CODE_HELP,
        error_messages={"invalid": gettext_lazy("Use letters, digits, '-', '_' or '.' only (no spaces or accents).")},
    )


def number_field(label) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=14, decimal_places=2, localize=True)


class UnitPicker(forms.TextInput):
    """A text box that suggests units as you type (accent-insensitive, htmx) and accepts a code or a name."""

    template_name = "campaigns/widgets/unit_picker.html"

    def __init__(self, multiple=False, attrs=None):
        self.multiple = multiple
        super().__init__(attrs={"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["multiple"] = self.multiple
        return context


class UnitField(forms.CharField):
    """A unit, typed as its code or found by its name ("nha be" → HD-NHABE) among the units the
    user sees. A code already in the definition stays valid even if the user cannot see it."""

    widget = UnitPicker

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        """A code shows with its name: "HD-NHABE — Huyện Đoàn Nhà Bè"."""
        if isinstance(value, str) and value and "—" not in value:
            name = Unit.objects.filter(code=value).values_list("name", flat=True).first()
            if name:
                return f"{value} — {name}"
        return value

    def to_python(self, value):
        text = super().to_python(value).strip()
        return resolve_unit(text, self.user) if text else ""


class UnitListField(forms.CharField):
    """Several units, separated by commas or new lines, each resolved as UnitField does."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        kwargs.setdefault("widget", UnitPicker(multiple=True))
        kwargs.setdefault("max_length", 4000)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def has_changed(self, initial, data):
        try:
            return list(initial or []) != self.to_python(data)
        except forms.ValidationError:
            return True

    def to_python(self, value):
        text = super().to_python(value)
        parts = [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]
        return list(dict.fromkeys(resolve_unit(p, self.user) for p in parts))


def resolve_unit(text: str, user) -> str:
    """The code of the unit `text` names: its code (any unit), or the one visible unit whose name
    matches accent- and case-insensitively; a clear error otherwise."""
    code = text.split("—")[0].strip() if "—" in text else text
    exact = Unit.objects.filter(code__iexact=code).values_list("code", flat=True).first()
    if exact:
        return exact
    found = list(units_access.visible_units(user).search(text).order_by("depth", "path")[:6])
    if len(found) == 1:
        return found[0].code
    if not found:
        raise forms.ValidationError(_("No unit matches “%(text)s”.") % {"text": text[:80]})
    names = "; ".join(f"{u.name} ({u.code})" for u in found[:5])
    raise forms.ValidationError(
        _("“%(text)s” matches several units: %(names)s. Type the code.") % {"text": text[:80], "names": names}
    )


def group_field(label) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=UnitGroup.choices, widget=forms.CheckboxSelectMultiple
    )


def _text(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else value
    return value or None


def _num(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _instant(day: dt.date | None, time: dt.time | None) -> str | None:
    if day is None:
        return None
    return dt.datetime.combine(day, time or dt.time(11, 0), tzinfo=VN_TZ).isoformat()


def _split_instant(value: str | None) -> tuple[dt.date | None, dt.time | None]:
    if not value:
        return None, None
    moment = local(defn.parse_instant(value))
    return moment.date(), moment.time()


def _date(value: str | None) -> dt.date | None:
    return defn.parse_date(value) if value and value != "issue_date" else None


# --- sections ------------------------------------------------------------------------------------------


class GeneralForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), widget=forms.Textarea(attrs={"rows": 2}))
    theme = forms.CharField(label=gettext_lazy("Theme"), required=False)
    context = forms.CharField(label=gettext_lazy("Context"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    issuer_unit = UnitField(label=gettext_lazy("Issuing unit"))
    issuer_name = forms.CharField(label=gettext_lazy("Issuing body"), required=False, max_length=200)
    document_number = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=80)
    issue_place = forms.CharField(label=gettext_lazy("Place of issue"), required=False, max_length=120)
    issue_date = date_field(gettext_lazy("Issue date"))
    start_from_issue = forms.BooleanField(label=gettext_lazy("The period starts on the issue date"), required=False)
    period_start = date_field(gettext_lazy("Period start"))
    period_end = date_field(gettext_lazy("Period end"), required=True)
    period_text = forms.CharField(label=gettext_lazy("Period as written"), required=False, max_length=300)
    audience = forms.CharField(label=gettext_lazy("Audience"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    steering_committee = forms.CharField(label=gettext_lazy("Steering committee"), required=False, max_length=200)
    coordinator_unit = UnitField(label=gettext_lazy("Coordinating unit"), required=False)
    coordinator_duties = forms.CharField(
        label=gettext_lazy("Coordinator's duties"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit_duties = forms.CharField(
        label=gettext_lazy("Units' duties"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    submission_email = forms.EmailField(label=gettext_lazy("Submission e-mail"), required=False)
    registration_date = date_field(gettext_lazy("Registration deadline (date)"))
    registration_time = time_field(gettext_lazy("Registration deadline (time)"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("issuer_unit", "coordinator_unit"):
            self.fields[name].user = user

    def clean(self):
        data = super().clean()
        if not data.get("start_from_issue") and not data.get("period_start") and "period_start" not in self.errors:
            self.add_error("period_start", _("Give the start date, or tick “starts on the issue date”."))
        return data


def _general_initial(d: dict) -> dict:
    registration = _split_instant(d.get("registration_deadline"))
    return {
        "title": d["title"],
        "theme": d.get("theme"),
        "context": d.get("context"),
        "issuer_unit": d["issuer"]["unit"],
        "issuer_name": d["issuer"].get("name"),
        "document_number": d["issuer"].get("document_number"),
        "issue_place": d["issuer"].get("place"),
        "issue_date": _date(d["issuer"].get("date")),
        "start_from_issue": d["period"]["start"] == "issue_date",
        "period_start": _date(d["period"]["start"]),
        "period_end": _date(d["period"]["end"]),
        "period_text": d["period"].get("text"),
        "audience": d.get("audience"),
        "steering_committee": d.get("steering_committee"),
        "coordinator_unit": (d.get("coordinator") or {}).get("unit"),
        "coordinator_duties": (d.get("coordinator") or {}).get("duties"),
        "unit_duties": d.get("unit_duties"),
        "submission_email": d.get("submission_email"),
        "registration_date": registration[0],
        "registration_time": registration[1],
    }


def _general_apply(d: dict, c: dict) -> None:
    d.update(
        title=c["title"].strip(),
        theme=_text(c["theme"]),
        context=_text(c["context"]),
        audience=_text(c["audience"]),
        steering_committee=_text(c["steering_committee"]),
        unit_duties=_text(c["unit_duties"]),
        submission_email=_text(c["submission_email"]),
        registration_deadline=_instant(c["registration_date"], c["registration_time"]),
    )
    d["issuer"] = {
        "unit": c["issuer_unit"],
        "name": _text(c["issuer_name"]),
        "document_number": _text(c["document_number"]),
        "place": _text(c["issue_place"]),
        "date": c["issue_date"].isoformat() if c["issue_date"] else None,
    }
    start = "issue_date" if c["start_from_issue"] else c["period_start"].isoformat()
    d["period"] = {"start": start, "end": c["period_end"].isoformat(), "text": _text(c["period_text"])}
    d["coordinator"] = {"unit": c["coordinator_unit"] or None, "duties": _text(c["coordinator_duties"])}


class ClosingForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    closing_text = forms.CharField(
        label=gettext_lazy("Closing paragraph"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    distribution = forms.CharField(
        label=gettext_lazy("Distribution list (Nơi nhận)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One recipient per line, as printed under “Nơi nhận”."),
    )
    on_behalf = forms.CharField(label=gettext_lazy("On behalf of"), required=False, max_length=200)
    position = forms.CharField(label=gettext_lazy("Signer's position"), required=False, max_length=200)
    name = forms.CharField(label=gettext_lazy("Signer"), required=False, max_length=200)


def _closing_initial(d: dict) -> dict:
    signature = d.get("signature") or {}
    return {
        "closing_text": d.get("closing_text"),
        "distribution": "\n".join(d.get("distribution") or []),
        "on_behalf": signature.get("on_behalf"),
        "position": signature.get("position"),
        "name": signature.get("name"),
    }


def _closing_apply(d: dict, c: dict) -> None:
    d["closing_text"] = _text(c["closing_text"])
    d["distribution"] = [line.strip() for line in c["distribution"].splitlines() if line.strip()]
    d["signature"] = {"on_behalf": _text(c["on_behalf"]), "position": _text(c["position"]), "name": _text(c["name"])}


class ItemForm(forms.Form):
    """One item of a section (a goal, an indicator …): its code is its identity across versions."""

    code = code_field()

    @property
    def legend(self) -> str:
        i = self.initial or {}
        words = i.get("title") or i.get("name") or i.get("text") or ""
        return f"{i.get('code', '')} {words[:70]}{'…' if len(words) > 70 else ''}".strip()

    def __init__(self, *args, user=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, UnitField | UnitListField):
                field.user = user
        for name, options in (choices or {}).items():
            if name in self.fields:
                self.fields[name].choices = [("", "—"), *options]


class GoalForm(ItemForm):
    text = forms.CharField(label=gettext_lazy("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    target_value = number_field(gettext_lazy("Target"))
    target_unit = forms.CharField(label=gettext_lazy("Target unit"), required=False, max_length=40)
    target_subject = forms.CharField(label=gettext_lazy("Counted over"), required=False, max_length=200)


def _goal_initial(g: dict) -> dict:
    target = g.get("target") or {}
    return {
        "code": g["code"],
        "text": g["text"],
        "target_value": target.get("value"),
        "target_unit": target.get("unit"),
        "target_subject": target.get("subject"),
    }


def _goal_item(c: dict, old: dict) -> dict:
    target = None
    if c["target_value"] is not None:
        target = {"value": _num(c["target_value"]), "unit": _text(c["target_unit"])}
        target["subject"] = _text(c["target_subject"])
    return {**old, "code": c["code"], "text": c["text"].strip(), "target": target}


class IndicatorForm(ItemForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Indicator.Kind.choices, initial="count")
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"), choices=Indicator.Direction.choices, initial="higher"
    )
    goal = forms.ChoiceField(label=gettext_lazy("Goal"), required=False)
    target = number_field(gettext_lazy("Target"))
    unit_of_measure = forms.CharField(label=gettext_lazy("Unit of measure"), required=False, max_length=60)
    denominator = forms.CharField(label=gettext_lazy("Denominator"), required=False, max_length=60)
    groups = group_field(gettext_lazy("Reported by (groups)"))
    units = UnitListField(label=gettext_lazy("Reported by (units)"), required=False)


def _indicator_initial(i: dict) -> dict:
    return {
        "code": i["code"],
        "name": i["name"],
        "kind": i["kind"],
        "direction": i.get("direction") or "higher",
        "goal": i.get("goal") or "",
        "target": i.get("target"),
        "unit_of_measure": i.get("unit_of_measure"),
        "denominator": i.get("denominator"),
        "groups": i["reported_by"].get("groups", []),
        "units": i["reported_by"].get("units", []),
    }


def _indicator_item(c: dict, old: dict) -> dict:
    return {
        **old,
        "code": c["code"],
        "name": c["name"].strip(),
        "kind": c["kind"],
        "direction": c["direction"],
        "goal": c["goal"] or None,
        "activity": old.get("activity"),
        "target": _num(c["target"]),
        "unit_of_measure": _text(c["unit_of_measure"]),
        "denominator": _text(c["denominator"]),
        "reported_by": {"groups": list(c["groups"]), "units": list(c["units"])},
    }


class ActivityForm(ItemForm):
    title = forms.CharField(label=gettext_lazy("Short title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    programme = forms.CharField(label=gettext_lazy("Programme name"), required=False, max_length=300)
    venue = forms.CharField(label=gettext_lazy("Venue"), required=False, max_length=300)
    url = forms.URLField(label=gettext_lazy("Web address"), required=False, assume_scheme="https")
    date = date_field(gettext_lazy("Date"))
    end_date = date_field(gettext_lazy("End date"))
    date_tentative = forms.BooleanField(label=gettext_lazy("Tentative date"), required=False)
    weekday = forms.CharField(label=gettext_lazy("Weekday as written"), required=False, max_length=20)
    target_value = number_field(gettext_lazy("Target"))
    target_unit = forms.CharField(label=gettext_lazy("Target unit"), required=False, max_length=80)


def _activity_initial(a: dict) -> dict:
    target = a.get("target") or {}
    return {
        "code": a["code"],
        "title": a["title"],
        "description": a["description"],
        "programme": a.get("programme"),
        "venue": a.get("venue"),
        "url": a.get("url"),
        "date": _date(a.get("date")),
        "end_date": _date(a.get("end_date")),
        "date_tentative": bool(a.get("date_tentative")),
        "weekday": a.get("weekday"),
        "target_value": target.get("value"),
        "target_unit": target.get("unit"),
    }


def _activity_item(c: dict, old: dict) -> dict:
    target = (
        {"value": _num(c["target_value"]), "unit": _text(c["target_unit"])} if c["target_value"] is not None else None
    )
    return {
        "assignments": [],
        **old,
        "code": c["code"],
        "title": c["title"].strip(),
        "description": c["description"].strip(),
        "programme": _text(c["programme"]),
        "venue": _text(c["venue"]),
        "url": _text(c["url"]),
        "date": c["date"].isoformat() if c["date"] else None,
        "end_date": c["end_date"].isoformat() if c["end_date"] else None,
        "date_tentative": c["date_tentative"],
        "weekday": _text(c["weekday"]),
        "target": target,
    }


class MilestoneForm(ItemForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Milestone.Kind.choices, initial="plan")
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    deadline_date = date_field(gettext_lazy("Deadline (date)"), required=True)
    deadline_time = time_field(gettext_lazy("Before (time)"), required=True)
    deadline_text = forms.CharField(label=gettext_lazy("Deadline as written"), required=False, max_length=200)
    submit_to = forms.EmailField(label=gettext_lazy("Send to"), required=False)
    reviewer = UnitField(label=gettext_lazy("Reviewing unit"), required=False)
    groups = group_field(gettext_lazy("Expected from (groups)"))
    units = UnitListField(label=gettext_lazy("Expected from (units)"), required=False)


def _milestone_initial(m: dict) -> dict:
    day, time = _split_instant(m["deadline"])
    return {
        "code": m["code"],
        "kind": m["kind"],
        "title": m["title"],
        "deadline_date": day,
        "deadline_time": time,
        "deadline_text": m.get("deadline_text"),
        "submit_to": m.get("submit_to"),
        "reviewer": m.get("reviewer"),
        "groups": m["expected"].get("groups", []),
        "units": m["expected"].get("units", []),
    }


def _milestone_item(c: dict, old: dict) -> dict:
    deadline = _instant(c["deadline_date"], c["deadline_time"])
    moved = old.get("deadline") != deadline
    written = _text(c["deadline_text"])
    if moved and written == old.get("deadline_text"):
        written = None  # "trước 11g00 ngày 31/5/2023" no longer holds once the date moves, unless retyped
    return {
        **old,
        "code": c["code"],
        "kind": c["kind"],
        "title": c["title"].strip(),
        "deadline": deadline,
        "deadline_text": written,
        "weekday": None if moved else old.get("weekday"),
        "submit_to": _text(c["submit_to"]),
        "reviewer": c["reviewer"] or None,
        "expected": {"groups": list(c["groups"]), "units": list(c["units"])},
    }


class RuleForm(ItemForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    left = forms.CharField(
        label=gettext_lazy("Left side"), max_length=400, help_text=gettext_lazy("Indicator codes, separated by “+”.")
    )
    operator = forms.ChoiceField(label=gettext_lazy("Operator"), choices=ValidationRule.Operator.choices, initial="<=")
    right = forms.CharField(label=gettext_lazy("Right side"), max_length=400)
    importance = forms.ChoiceField(
        label=gettext_lazy("Importance"), choices=ValidationRule.Importance.choices, initial="refuse"
    )

    def _codes(self, name):
        codes = [c.strip() for c in self.cleaned_data[name].replace(",", "+").split("+") if c.strip()]
        if not codes:
            raise forms.ValidationError(_("Name at least one indicator."))
        return codes

    def clean_left(self):
        return self._codes("left")

    def clean_right(self):
        return self._codes("right")


def _rule_initial(r: dict) -> dict:
    return {**r, "left": " + ".join(r["left"]), "right": " + ".join(r["right"])}


def _rule_item(c: dict, old: dict) -> dict:
    return {
        "code": c["code"],
        "name": c["name"].strip(),
        "left": c["left"],
        "operator": c["operator"],
        "right": c["right"],
        "importance": c["importance"],
    }


class ClusterForm(ItemForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Units of these kinds"),
        required=False,
        choices=[(k, label) for k, label in UnitKind.choices if k != UnitKind.CITY],
        widget=forms.CheckboxSelectMultiple,
    )
    units = UnitListField(label=gettext_lazy("And these units"), required=False)


def _cluster_initial(k: dict) -> dict:
    return {"code": k["code"], "name": k["name"], "kinds": k.get("kinds") or [], "units": k.get("units") or []}


def _cluster_item(c: dict, old: dict) -> dict:
    return {"code": c["code"], "name": c["name"].strip(), "kinds": list(c["kinds"]), "units": list(c["units"])}


class CriterionForm(ItemForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=300)
    max_points = forms.DecimalField(
        label=gettext_lazy("Maximum points"),
        min_value=Decimal("0.01"),
        max_value=1000,
        max_digits=6,
        decimal_places=2,
        localize=True,
    )
    source = forms.ChoiceField(label=gettext_lazy("Computed from"), choices=Criterion.Source.choices, initial="manual")
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"), required=False)
    target = forms.DecimalField(
        label=gettext_lazy("Needed for full points"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        localize=True,
    )
    description = forms.CharField(
        label=gettext_lazy("How it is scored"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("source") == Criterion.Source.INDICATOR and not data.get("indicator"):
            self.add_error("indicator", _("Choose the indicator it is computed from."))
        return data


def _criterion_initial(k: dict) -> dict:
    return {**k, "indicator": k.get("indicator") or ""}


def _criterion_item(c: dict, old: dict) -> dict:
    return {
        "code": c["code"],
        "name": c["name"].strip(),
        "max_points": _num(c["max_points"]),
        "source": c["source"],
        "indicator": (c["indicator"] or None) if c["source"] == Criterion.Source.INDICATOR else None,
        "target": _num(c["target"]),
        "description": _text(c["description"]),
    }


class AwardTypeForm(ItemForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    level = forms.ChoiceField(label=gettext_lazy("For"), choices=AwardType.Level.choices, initial="collective")
    quota = forms.IntegerField(label=gettext_lazy("Quota per cluster"), required=False, min_value=0, max_value=1000)


def _award_type_item(c: dict, old: dict) -> dict:
    return {"code": c["code"], "name": c["name"].strip(), "level": c["level"], "quota": c["quota"]}


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Assignment.Role.choices, initial="lead")
    unit = UnitField(label=gettext_lazy("Unit"), required=False)
    group = forms.ChoiceField(
        label=gettext_lazy("or a group of units"), required=False, choices=[("", "—"), *UnitGroup.choices]
    )
    name = forms.CharField(
        label=gettext_lazy("Name in the plan"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Left empty: the unit's name."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user

    @property
    def legend(self) -> str:
        i = self.initial or {}
        return f"{Assignment.Role(i['role']).label}: {i.get('name') or ''}" if i.get("role") else ""

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("unit") and not data.get("group"):
            raise forms.ValidationError(_("Choose a unit or a group of units."))
        return data


def _assignment_item(c: dict, old: dict) -> dict:
    name = _text(c["name"])
    if not name and c["unit"]:
        name = Unit.objects.filter(code=c["unit"]).values_list("name", flat=True).first()
    if not name:
        name = str(UnitGroup(c["group"]).label)
    return {
        "role": c["role"],
        "name": name,
        "unit": c["unit"] or None,
        "group": (c["group"] or None) if not c["unit"] else None,
    }


class BaseItemFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        codes = [
            f.cleaned_data["code"]
            for f in self.forms
            if f.cleaned_data and "code" in f.cleaned_data and not self._should_delete_form(f)
        ]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise forms.ValidationError(_("Each code is used once: %(codes)s.") % {"codes": ", ".join(duplicates)})


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form: type[forms.Form]
    key: str | None = None  # the definition's list for a list section, None for fields of the campaign
    initial: Callable = lambda d: {}
    apply: Callable | None = None  # fields: (definition, cleaned) → None
    item: Callable | None = None  # lists: (cleaned, old item) → new item

    def build(self, data, d: dict, user):
        choices = {
            "goal": [(g["code"], f"{g['code']} — {g['text'][:60]}") for g in d.get("goals") or []],
            "indicator": [(i["code"], f"{i['code']} — {i['name'][:60]}") for i in d.get("indicators") or []],
        }
        if self.key is None:
            return self.form(data, initial=self.initial(d), user=user)
        formset = forms.formset_factory(
            self.form, formset=BaseItemFormSet, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True
        )
        return formset(
            data,
            initial=[self.initial(item) for item in d.get(self.key) or []],
            prefix=self.key,
            form_kwargs={"user": user, "choices": choices},
        )

    def write(self, d: dict, bound) -> dict:
        """`d` with this section's cleaned data put in; items keep what the form does not show."""
        if self.key is None:
            self.apply(d, bound.cleaned_data)
            return d
        old = {item["code"]: item for item in d.get(self.key) or []}
        items = []
        for form in bound.forms:
            if not form.has_changed() and form.initial == {} or bound._should_delete_form(form):
                continue
            previous_code = (form.initial or {}).get("code")
            items.append(self.item(form.cleaned_data, old.get(previous_code) or {}))
        d[self.key] = items
        if self.key == "activities":
            _rename_references(d, old, items, bound)
        return d


def _rename_references(d: dict, old: dict, items: list[dict], bound) -> None:
    """An activity whose code changed keeps its indicators pointing at it."""
    renamed = {
        form.initial["code"]: form.cleaned_data["code"]
        for form in bound.forms
        if form.initial and form.cleaned_data and form.initial.get("code") != form.cleaned_data.get("code")
    }
    for indicator in d.get("indicators") or []:
        if indicator.get("activity") in renamed:
            indicator["activity"] = renamed[indicator["activity"]]


SECTIONS = {
    s.slug: s
    for s in (
        Section("chung", gettext_lazy("General"), GeneralForm, initial=_general_initial, apply=_general_apply),
        Section("muc-tieu", gettext_lazy("Goals"), GoalForm, "goals", _goal_initial, item=_goal_item),
        Section(
            "chi-tieu",
            gettext_lazy("Indicators"),
            IndicatorForm,
            "indicators",
            _indicator_initial,
            item=_indicator_item,
        ),
        Section(
            "hoat-dong", gettext_lazy("Activities"), ActivityForm, "activities", _activity_initial, item=_activity_item
        ),
        Section(
            "moc",
            gettext_lazy("Milestones and deadlines"),
            MilestoneForm,
            "milestones",
            _milestone_initial,
            item=_milestone_item,
        ),
        Section(
            "quy-tac", gettext_lazy("Validation rules"), RuleForm, "validation_rules", _rule_initial, item=_rule_item
        ),
        Section(
            "cum", gettext_lazy("Emulation clusters"), ClusterForm, "clusters", _cluster_initial, item=_cluster_item
        ),
        Section(
            "tieu-chi",
            gettext_lazy("Criteria set"),
            CriterionForm,
            "criteria",
            _criterion_initial,
            item=_criterion_item,
        ),
        Section(
            "khen-thuong",
            gettext_lazy("Award types"),
            AwardTypeForm,
            "award_types",
            dict,
            item=_award_type_item,
        ),
        Section(
            "noi-nhan",
            gettext_lazy("Distribution and signature"),
            ClosingForm,
            initial=_closing_initial,
            apply=_closing_apply,
        ),
    )
}


def assignment_formset(data, activity: dict, user):
    formset = forms.formset_factory(AssignmentForm, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True)
    initial = [
        {"role": s["role"], "unit": s.get("unit") or "", "group": s.get("group") or "", "name": s.get("name")}
        for s in activity.get("assignments") or []
    ]
    return formset(data, initial=initial, prefix="assignments", form_kwargs={"user": user})


def write_assignments(d: dict, code: str, bound) -> dict:
    activity = next(a for a in d["activities"] if a["code"] == code)
    activity["assignments"] = [
        _assignment_item(form.cleaned_data, {})
        for form in bound.forms
        if form.has_changed() or form.initial
        if not bound._should_delete_form(form)
    ]
    return d


class ReasonForm(forms.Form):
    base_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Required once the campaign is published: the units concerned receive it."),
    )
