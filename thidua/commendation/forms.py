from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.editor import date_field
from thidua.campaigns.models import Criterion
from thidua.core.forms import IdChoiceField

POINTS = {"max_digits": 7, "decimal_places": 2, "localize": True}


class AssessmentForm(forms.Form):
    """The unit's side: points and evidence for the criteria scored by people, a note on any line."""

    def __init__(self, *args, criteria, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            line = lines.get(c.pk)
            if c.source == Criterion.Source.MANUAL:
                self.fields[f"self_{c.code}"] = forms.DecimalField(
                    label=_("Your points (out of %(max)s)") % {"max": c.max_points},
                    required=False,
                    min_value=0,
                    max_value=c.max_points,
                    initial=line.self_points if line else None,
                    **POINTS,
                )
                self.fields[f"evidence_{c.code}"] = forms.CharField(
                    label=_("Evidence (links, documents sent, figures)"),
                    required=False,
                    max_length=4000,
                    initial=line.evidence if line else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            self.fields[f"note_{c.code}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=4000,
                initial=line.note if line else "",
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def lines(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            c.code: {
                "self_points": data.get(f"self_{c.code}"),
                "evidence": data.get(f"evidence_{c.code}", ""),
                "note": data.get(f"note_{c.code}", ""),
            }
            for c in self.criteria
        }


class ReviewForm(forms.Form):
    """The reviewer's side: points and a note for each criterion scored by people."""

    def __init__(self, *args, criteria, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if c.source == Criterion.Source.MANUAL]
        for c in self.criteria:
            line = lines.get(c.pk)
            self.fields[f"reviewed_{c.code}"] = forms.DecimalField(
                label=_("Reviewed points (out of %(max)s)") % {"max": c.max_points},
                required=False,
                min_value=0,
                max_value=c.max_points,
                initial=line.reviewed_points if line else None,
                **POINTS,
            )
            self.fields[f"review_note_{c.code}"] = forms.CharField(
                label=_("Reviewer's note"),
                required=False,
                max_length=4000,
                initial=line.review_note if line else "",
                widget=forms.Textarea(attrs={"rows": 1}),
            )

    def lines(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {
            c.code: {
                "reviewed_points": data.get(f"reviewed_{c.code}"),
                "review_note": data.get(f"review_note_{c.code}", ""),
            }
            for c in self.criteria
        }


class AdjustmentForm(forms.Form):
    points = forms.DecimalField(
        label=_("Points (+ bonus, − penalty)"),
        min_value=-100,
        max_value=100,
        max_digits=7,
        decimal_places=2,
        localize=True,
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "approve"), ("return", "return")],
        error_messages={"invalid_choice": _("Choose a decision.")},
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class IndividualForm(forms.Form):
    award_type = IdChoiceField(label=_("Award"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position and unit"), max_length=200, required=False)
    achievement = forms.CharField(
        label=_("Achievements"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the person did in the campaign, with figures where there are."),
    )  # fmt: skip

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].queryset = campaign.award_types.filter(level="individual")


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=80, help_text=_("e.g. 125-QĐ/TĐTN"))
    signed_on = date_field(_("Signed on"), required=True)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    on_behalf = forms.CharField(label=_("On behalf of"), max_length=200, required=False)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=200)
    signer_name = forms.CharField(label=_("Signer"), max_length=200)
