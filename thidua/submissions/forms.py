import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.models import Indicator
from thidua.core.timeutils import VN_TZ
from thidua.submissions.models import DeadlineException, Review


class RegistrationForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the unit undertakes besides the numbers (optional)."),
    )

    def __init__(self, *args, indicators, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            percent = indicator.kind != Indicator.Kind.COUNT
            self.fields[f"i_{indicator.pk}"] = forms.DecimalField(
                label=indicator.name,
                required=False,
                min_value=0,
                max_value=100 if percent else None,
                max_digits=14,
                decimal_places=0 if not percent else 1,
                help_text=(_("percent") if percent else indicator.unit_of_measure)
                + (
                    f" — {_('campaign target')}: {indicator.target_value:,.0f}".replace(",", ".")
                    if indicator.target_value is not None
                    else ""
                ),
                initial=(initial_values or {}).get(indicator.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": "any"}),
            )

    def commitments(self):
        return {
            i: self.cleaned_data.get(f"i_{i.pk}")
            for i in self.indicators
            if self.cleaned_data.get(f"i_{i.pk}") is not None
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"})
        )
        # An empty file reaches the service, whose message names it (Django's generic one does not).
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SubmissionForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPEG or PNG; up to %(mb)s MB a file.")
        % {"mb": settings.SUBMISSION_MAX_FILE_BYTES // 1048576},
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Review.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Review.Decision.SUPPLEMENT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what must be supplemented."))
        return data


class DeadlineExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DeadlineException.Kind.choices, widget=forms.RadioSelect)
    new_deadline = forms.DateTimeField(
        label=_("New deadline (Ho Chi Minh City time)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_new_deadline(self):
        value = self.cleaned_data.get("new_deadline")
        if value is None:
            return None
        # The form's wall-clock time is Ho Chi Minh City time, whatever the server's zone.
        return dt.datetime(value.year, value.month, value.day, value.hour, value.minute, tzinfo=VN_TZ)

    def clean(self):
        data = super().clean()
        if data.get("kind") == DeadlineException.Kind.EXTENSION and not data.get("new_deadline"):
            self.add_error("new_deadline", _("An extension needs the new deadline."))
        return data


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Placeholders are filled in for each unit: {don_vi}, {han_nop}, {lien_ket}, {dot_thi_dua}, {bao_cao}."
        ),
    )
