import datetime as dt
import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from thidua.core import timeutils
from thidua.core.forms import MAX_ID, IdChoiceField, IdMultipleChoiceField
from thidua.initiatives import access as initiative_access
from thidua.initiatives.models import CRITERIA, Agency, Field, Forwarding, Initiative, ReviewAssignment
from thidua.submissions.forms import MultipleFileField
from thidua.units.models import Role, RoleAssignment

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}$")


def _required(message, **others):
    """Error messages: the one for an empty field, and any others by error code."""
    return {"required": message, **others}


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date as dd/mm/yyyy."), "required": _("Enter the date.")},
        **kwargs,
    )


def today() -> dt.date:
    return timeutils.local(timeutils.now()).date()


class InitiativeForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the initiative"),
        max_length=300,
        error_messages=_required(
            _("Give the initiative a title."), max_length=_("The title is at most 300 characters.")
        ),
    )
    field = forms.ChoiceField(
        label=_("Field"),
        choices=[("", "—")] + Field.choices,
        error_messages=_required(_("Choose the field of the initiative.")),
    )
    problem = forms.CharField(
        label=_("The problem"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What does not work today, for whom, how often?"),
        error_messages=_required(_("Describe the problem the initiative solves.")),
    )
    solution = forms.CharField(
        label=_("Proposed solution"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required(_("Describe the proposed solution.")),
    )
    benefit = forms.CharField(
        label=_("Expected benefit"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Time or money saved, people served … with figures if you have them."),
        error_messages=_required(_("Describe the expected benefit.")),
    )
    tried_at = forms.CharField(
        label=_("Where it has been tried"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: the ward, office or unit where it is already applied, since when."),
    )
    authors = forms.CharField(
        label=_("Author(s)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: full name – position."),
        error_messages=_required(_("Name the author(s).")),
    )
    unit = forms.TypedChoiceField(
        label=_("The authors' unit"),
        coerce=int,
        error_messages=_required(
            _("Choose the authors' unit."), invalid_choice=_("Choose the authors' unit from the list.")
        ),
    )
    contact_email = forms.EmailField(
        label=_("Contact e-mail"),
        max_length=254,
        help_text=_("Never published. The tracking link is sent here."),
        error_messages={
            "required": _("Give a contact e-mail address."),
            "invalid": _("Enter a valid e-mail address, e.g. ten@tphcm.gov.vn."),
        },
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"), required=False, max_length=20, help_text=_("Optional; never published.")
    )
    show_authors = forms.BooleanField(
        label=_("The authors agree that their names are published with the initiative if it is found feasible."),
        required=False,
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Optional. PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPEG or PNG; up to %(mb)s MB a file, %(n)s files.")
        % {"mb": settings.SUBMISSION_MAX_FILE_BYTES // 1048576, "n": settings.SUBMISSION_MAX_FILES},
    )
    consent = forms.BooleanField(
        label=_("I agree that the contact data above is used only to process this initiative."),
        error_messages=_required(_("Please agree to the use of your contact data for this initiative.")),
    )
    # Left empty by people; filled by robots that fill every field.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, unit_choices, may_act_on_behalf=False, campaigns=(), signed_in=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not signed_in:  # files come after the address is confirmed (nothing stored for strangers)
            del self.fields["files"]
        self.fields["unit"].choices = [("", "—")] + list(unit_choices)
        self.campaigns = list(campaigns)
        if len(self.campaigns) > 1:
            self.fields["campaign"] = forms.TypedChoiceField(
                label=_("Campaign"), coerce=int, choices=[(c.pk, c.theme or c.title) for c in self.campaigns]
            )
            self.order_fields(["campaign"])
        if may_act_on_behalf:
            self.fields["on_behalf"] = forms.BooleanField(
                label=_("I am an officer submitting on behalf of the authors (people of my unit)."), required=False
            )
            self.order_fields([name for name in self.fields if name not in ("consent", "website")])

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number with digits only, e.g. 0909 123 456."))
        return phone

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""

    def chosen_campaign(self):
        if not self.campaigns:
            return None
        if "campaign" in self.fields:
            return next(c for c in self.campaigns if c.pk == self.cleaned_data["campaign"])
        return self.campaigns[0]


class AnswerForm(forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("Write the answer.")),
    )


class FilesForm(forms.Form):
    files = MultipleFileField(
        label=_("Add files"),
        help_text=_("PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPEG or PNG; up to %(mb)s MB a file, %(n)s files in all.")
        % {"mb": settings.SUBMISSION_MAX_FILE_BYTES // 1048576, "n": settings.SUBMISSION_MAX_FILES},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question to the author"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_required(_("Write the question.")),
    )


def reviewer_candidates(campaign):
    """Users holding the reviewer role on a unit of the campaign's union."""
    issuer = campaign.issuer_unit
    ids = (
        RoleAssignment.objects.filter(role=Role.REVIEWER)
        .filter(unit__in=type(issuer).objects.subtree(issuer))
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")


class AssignForm(forms.Form):
    reviewers = IdMultipleChoiceField(
        label=_("Reviewers"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required(
            _("Choose at least one reviewer."), invalid_choice=_("Choose reviewers from the list.")
        ),
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiative = initiative
        self.fields["reviewers"].queryset = reviewer_candidates(initiative.campaign)

    def clean_reviewers(self):
        chosen = self.cleaned_data["reviewers"]
        conflicted = [u for u in chosen if initiative_access.reviewer_conflict(u, self.initiative.unit)]
        if conflicted:
            names = ", ".join(u.get_full_name() or u.get_username() for u in conflicted)
            raise forms.ValidationError(
                _("%(names)s cannot review an initiative from their own unit (%(unit)s).")
                % {"names": names, "unit": self.initiative.unit.name}
            )
        return chosen


class WithdrawReviewerForm(forms.Form):
    remove = IdChoiceField(
        queryset=ReviewAssignment.objects.none(),
        error_messages={
            "invalid_choice": _("This reviewer is not assigned to the initiative."),
            "required": _("Choose the reviewer to withdraw."),
        },
    )

    def __init__(self, *args, initiative: Initiative, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = initiative.reviews.all()


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required(_("Add a comment to your scores.")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in CRITERIA:
            self.fields[name] = forms.IntegerField(
                label=label,
                min_value=1,
                max_value=10,
                widget=forms.NumberInput(attrs={"min": 1, "max": 10, "inputmode": "numeric"}),
                error_messages={
                    "required": _("Score every criterion from 1 to 10."),
                    "min_value": _("Scores go from 1 to 10."),
                    "max_value": _("Scores go from 1 to 10."),
                    "invalid": _("Scores go from 1 to 10."),
                },
            )
        self.order_fields([name for name, _label in CRITERIA] + ["comment"])

    def scores(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in CRITERIA}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Council decision"),
        choices=Initiative.Decision.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose feasible or not feasible.")),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for “not feasible”; sent to the authors when the decision is published."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Initiative.Decision.NOT_FEASIBLE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason why the initiative is not feasible."))
        return data


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Merge into (tracking code)"),
        max_length=20,
        error_messages=_required(_("Give the tracking code of the initiative to merge into.")),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class ForwardForm(forms.Form):
    agencies = IdMultipleChoiceField(
        label=_("Departments"),
        queryset=Agency.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages=_required(_("Choose at least one department.")),
    )
    respond_by = _date_field(_("Answer due by"))
    note = forms.CharField(
        label=_("Cover note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("respond_by", today() + dt.timedelta(days=30))
        super().__init__(*args, **kwargs)

    def clean_respond_by(self):
        value = self.cleaned_data["respond_by"]
        if value < today():
            raise forms.ValidationError(_("The answer date must not be in the past."))
        return value


class RespondForm(forms.Form):
    response = forms.ChoiceField(
        label=_("The department's answer"),
        choices=Forwarding.Response.choices,
        widget=forms.RadioSelect,
        error_messages=_required(_("Choose the department's answer: adopt, pilot or decline.")),
    )
    response_date = _date_field(_("Answered on"))
    reason = forms.CharField(
        label=_("Reason / remarks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the department declines."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("response_date", today())
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("response") == Forwarding.Response.DECLINE and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason the department declined."))
        return data


class ResultForm(forms.Form):
    date = _date_field(_("Date"))
    text = forms.CharField(
        label=_("Result of applying the initiative"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_required(_("Describe the result.")),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", today())
        super().__init__(*args, **kwargs)
