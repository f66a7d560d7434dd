from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.editor import UnitField
from thidua.campaigns.models import Campaign, Milestone
from thidua.core import timeutils
from thidua.core.forms import IdChoiceField
from thidua.mailgateway.models import InboundMessage
from thidua.units.models import Unit


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *[(v, label) for v, label in InboundMessage.Status.choices]],
    )
    q = forms.CharField(label=_("Sender, subject or unit"), required=False, max_length=100)


class AttachmentIndexesField(forms.Field):
    """The ticked attachments, by their places in the message (0, 1, …): a list of small numbers.
    Whether the message has them is the service's to say (it reads the message)."""

    widget = forms.CheckboxSelectMultiple
    default_error_messages = {
        "required": _("Tick at least one attached file to file."),
        "invalid": _("The message has no such attached file."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        text = [str(v).strip() for v in value]
        if not all(t.isascii() and t.isdigit() and len(t) <= 4 for t in text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(t) for t in text})


class FileForm(forms.Form):
    unit = UnitField(label=_("Unit"))
    milestone = IdChoiceField(label=_("Document"), queryset=Milestone.objects.none())
    files = AttachmentIndexesField(label=_("Files to file"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, user, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].user = user
        self.fields["milestone"].queryset = milestones
        self.fields["milestone"].label_from_instance = _milestone_label

    def clean_unit(self):
        code = self.cleaned_data["unit"]
        return Unit.objects.get(code=code)


def milestone_choices():
    return (
        Milestone.objects.filter(campaign__status=Campaign.Status.PUBLISHED)
        .select_related("campaign", "campaign__issuer_unit")
        .order_by("campaign__slug", "deadline")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the sender)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _milestone_label(milestone: Milestone) -> str:
    """The document, its deadline (two campaigns may have the same titles) and the campaign."""
    deadline = timeutils.format_vn(milestone.deadline, with_weekday=False)
    campaign = milestone.campaign.theme or milestone.campaign.title
    return f"{milestone.title} ({deadline}) — {campaign}"[:140]
