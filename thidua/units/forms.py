import re

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from thidua.core.forms import MAX_PEOPLE
from thidua.units.models import Role, Unit, UnitKind


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Unit file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(label=_("Check only, change nothing"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > settings.UNIT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.UNIT_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class UnitSearchForm(forms.Form):
    q = forms.CharField(label=_("Search units"), max_length=100, required=False)


class UnitForm(forms.Form):
    """A coordinator edits one unit's own fields (its place in the tree changes by import)."""

    name = forms.CharField(label=_("Full name"), max_length=255)
    short_name = forms.CharField(label=_("Short name"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    emails = forms.CharField(
        label=_("Contact e-mails"), max_length=500, required=False, help_text=_("Separated by commas.")
    )
    opened_on = forms.DateField(
        label=_("Opened on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    closed_on = forms.DateField(
        label=_("Closed on"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    member_count = forms.IntegerField(label=_("Members"), min_value=0, max_value=MAX_PEOPLE)
    cadre_count = forms.IntegerField(label=_("Cadres"), min_value=0, max_value=MAX_PEOPLE)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def clean_emails(self):
        emails = [e.strip() for e in re.split(r"[,;\s]+", self.cleaned_data["emails"]) if e.strip()]
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("“%(email)s” is not a valid e-mail address.") % {"email": email}) from exc
        return ", ".join(emails)

    def clean(self):
        data = super().clean()
        opened, closed = data.get("opened_on"), data.get("closed_on")
        if opened and closed and closed < opened:
            self.add_error("closed_on", _("The closing date is before the opening date."))
        kind = data.get("kind")
        if kind == UnitKind.BRANCH and self.unit.numchild:
            self.add_error("kind", _("A branch cannot have units below it."))
        if (kind == UnitKind.CITY) != (self.unit.depth == 1):
            self.add_error("kind", _("Only the city union may have no parent."))
        return data


class RoleGrantForm(forms.Form):
    """Give a person a role on this unit: an existing account by user name, or a new account."""

    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("A user name has letters, digits and . @ + - _ only.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    full_name = forms.CharField(label=_("Full name (new account)"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail (new account)"), required=False)
    password = forms.CharField(
        label=_("Temporary password (new account)"),
        required=False,
        widget=forms.PasswordInput,
        min_length=10,
        help_text=_("At least 10 characters; ask the person to change it at first sign-in."),
    )

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username:
            return data
        self.existing = get_user_model().objects.filter(username=username).first()
        if self.existing is None:
            if not data.get("full_name"):
                self.add_error(
                    "full_name", _("There is no account %(u)s: give a full name to create it.") % {"u": username}
                )
            if not data.get("password"):
                self.add_error(
                    "password",
                    _("There is no account %(u)s: give a temporary password to create it.") % {"u": username},
                )
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        return data
