from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Indicator
from thidua.core import timeutils
from thidua.core.forms import MAX_FIGURE, MAX_ID, MAX_PEOPLE

YES_NO = [("", "—"), ("1", _("Yes")), ("0", _("No"))]


def default_denominator(indicator: Indicator, unit) -> int | None:
    """A ratio's 'out of' starts from the directory: members or cadres of the unit."""
    label = (indicator.denominator or "").lower()
    if "cán bộ" in label or "cadre" in label:
        return unit.cadre_count
    if "đoàn viên" in label or "member" in label:
        return unit.member_count
    return None


class ValuesForm(forms.Form):
    """One row per indicator the unit reports: its own value (and, for a ratio, the number out of)."""

    as_of = forms.DateField(
        label=_("Figures as of"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirm = forms.BooleanField(label=_("I have checked the figures marked above; save them anyway."), required=False)

    def __init__(self, *args, unit, indicators, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.indicators, self.current = unit, list(indicators), current
        self.fields["as_of"].initial = timeutils.local(timeutils.now()).date()
        self.rows = []
        for indicator in self.indicators:
            value = current.get(indicator.pk)
            key = f"i{indicator.pk}"
            if indicator.kind == Indicator.Kind.SHARE:
                field = forms.ChoiceField(label=indicator.name, choices=YES_NO, required=False)
                initial = "" if value is None else str(int(value.numerator))
            else:
                field = forms.IntegerField(
                    label=indicator.name,
                    min_value=0,
                    max_value=MAX_FIGURE,
                    required=False,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                )
                initial = None if value is None else int(value.numerator)
            field.initial = initial
            self.fields[key] = field
            den_key = None
            if indicator.kind == Indicator.Kind.RATIO:
                den_key = f"d{indicator.pk}"
                den_initial = (
                    int(value.denominator)
                    if value is not None and value.denominator is not None
                    else default_denominator(indicator, unit)
                )
                self.fields[den_key] = forms.IntegerField(
                    label=_("out of (%(what)s)") % {"what": indicator.denominator or _("people")},
                    min_value=0,
                    max_value=MAX_FIGURE,
                    required=False,
                    initial=den_initial,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
                )
            version_key = f"v{indicator.pk}"
            self.fields[version_key] = forms.IntegerField(
                widget=forms.HiddenInput, initial=value.version if value else 0, required=False, max_value=MAX_ID
            )
            self.rows.append((indicator, key, den_key, version_key))

    def bound_rows(self):
        return [(i, self[k], self[d] if d else None, self[v], self.current.get(i.pk)) for i, k, d, v in self.rows]

    def changes(self):
        """[(indicator, numerator, denominator, expected_version)] for the rows whose value differs from
        the saved one. A pre-filled value sent back as it was is no change, whatever the "as of" date:
        saving one box writes one value (and names its author), not every box on the page."""
        result = []
        for indicator, key, den_key, version_key in self.rows:
            raw = self.cleaned_data.get(key)
            if raw in (None, ""):
                continue
            numerator = int(raw)
            denominator = self.cleaned_data.get(den_key) if den_key else None
            current = self.current.get(indicator.pk)
            unchanged = (
                current is not None
                and current.numerator == numerator
                and (den_key is None or current.denominator == denominator)
            )
            if not unchanged:
                result.append((indicator, numerator, denominator, self.cleaned_data.get(version_key) or 0))
        return result


class EventForm(forms.Form):
    activity = forms.ChoiceField(label=_("Activity"))
    date = forms.DateField(
        label=_("Date"), input_formats=["%Y-%m-%d", "%d/%m/%Y"], widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=MAX_PEOPLE, required=False)
    description = forms.CharField(
        label=_("What happened"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, activities, count_fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [(a.code, a.title) for a in activities]
        self.count_fields = []
        for indicator in count_fields:
            key = f"c_{indicator.code}"
            self.fields[key] = forms.IntegerField(
                label=f"{indicator.name} ({indicator.activity.title})",
                min_value=0,
                max_value=MAX_FIGURE,
                required=False,
                help_text=_("added to the unit's figure"),
            )
            self.count_fields.append((indicator, key))

    def clean(self):
        data = super().clean()
        chosen = data.get("activity")
        strays = [
            indicator.name
            for indicator, key in self.count_fields
            if data.get(key) and indicator.activity is not None and indicator.activity.code != chosen
        ]
        if chosen and strays:  # numbers typed under another activity would otherwise be dropped silently
            self.add_error(
                None,
                _("These numbers belong to another activity: %(names)s. Choose that activity, or clear them.")
                % {"names": "; ".join(strays)},
            )
        return data

    def counts(self, activity):
        return {
            i.code: self.cleaned_data[k]
            for i, k in self.count_fields
            if i.activity_id == activity.pk and self.cleaned_data.get(k)
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("return", "return"), ("reopen", "reopen")])
    reason = forms.CharField(max_length=1000, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in template (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )
