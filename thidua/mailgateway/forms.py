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


class FileForm(forms.Form):
    unit = UnitField(label=_("Unit"))
    milestone = IdChoiceField(label=_("Document"), queryset=Milestone.objects.none())
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
