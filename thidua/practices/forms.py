from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Activity
from thidua.core.forms import MAX_ID
from thidua.practices.models import Field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; an empty one reaches the service, whose message names it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"})
        )
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _activity_label(activity: Activity) -> str:
    return f"{activity.code} — {activity.title}"


class PracticeForm(forms.Form):
    """A model's text. `campaigns`: the campaigns to choose from (a new model); None when editing,
    where `campaign` is fixed and only its activities are offered."""

    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=None,
        error_messages={
            "required": _("Choose the campaign the model serves."),
            "invalid_choice": _("Choose one of the campaigns listed."),
        },
    )
    activity = forms.TypedChoiceField(
        label=_("Activity it serves"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Optional: the activity of the plan this model carries out."),
        error_messages={"invalid_choice": _("Choose one of the activities listed.")},
    )
    title = forms.CharField(
        label=_("Name of the model"),
        max_length=300,
        error_messages={
            "required": _("Give the model a name."),
            "max_length": _("The name is at most 300 characters."),
        },
    )
    field = forms.ChoiceField(
        label=_("Field"),
        choices=[("", "—")] + Field.choices,
        error_messages={
            "required": _("Choose the field of the model."),
            "invalid_choice": _("Choose the field of the model."),
        },
    )
    description = forms.CharField(
        label=_("How it works"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who runs it, for whom, where and when, the steps: enough for another unit to copy it."),
        error_messages={"required": _("Describe how the model works.")},
    )
    results = forms.CharField(
        label=_("Results"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it achieved, with figures: people served, accounts activated, hours saved …"),
        error_messages={"required": _("Say what the model achieved.")},
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        required=False,
        max_length=200,
        help_text=_("Whom another unit calls to copy the model. Shown to the Union's officers, never publicly."),
    )
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    files = MultipleFileField(
        label=_("Photos and documents"),
        required=False,
        help_text=_(
            "Optional. Photos (JPEG, PNG) are shown on the public page; PDF, DOC/DOCX, XLS/XLSX, ODT/ODS are "
            "offered for download. Up to %(mb)s MB a file, %(n)s files in all."
        )
        % {"mb": settings.SUBMISSION_MAX_FILE_BYTES // 1048576, "n": settings.SUBMISSION_MAX_FILES},
    )

    def __init__(self, *args, campaigns=None, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        if campaigns is None:
            del self.fields["campaign"]
            offered = [campaign]
        else:
            offered = list(campaigns)
            self.fields["campaign"].queryset = campaigns
            if len(offered) == 1:
                self.fields["campaign"].initial = offered[0].pk
        self._activities = {a.pk: a for c in offered for a in c.activities.all()}
        groups = [(c.slug, [(a.pk, _activity_label(a)) for a in c.activities.all()]) for c in offered]
        self.fields["activity"].choices = [("", "—")] + (groups if len(offered) > 1 else groups[0][1] if groups else [])

    def clean_activity(self):
        pk = self.cleaned_data.get("activity")
        if pk is None:
            return None
        if not 0 < pk <= MAX_ID or pk not in self._activities:
            raise forms.ValidationError(_("Choose one of the activities listed."))
        return self._activities[pk]

    def clean(self):
        data = super().clean()
        campaign, activity = data.get("campaign"), data.get("activity")
        if campaign is not None and activity is not None and activity.campaign_id != campaign.pk:
            self.add_error("activity", _("Choose an activity of the chosen campaign."))
        return data


class PublishForm(forms.Form):
    featured = forms.BooleanField(label=_("Feature it at the top of the library"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason: the unit reads it to correct its model.")},
    )


class FeatureForm(forms.Form):
    featured = forms.TypedChoiceField(
        choices=[("1", _("Feature")), ("0", _("No longer feature"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Choose whether to feature the model.")},
    )
