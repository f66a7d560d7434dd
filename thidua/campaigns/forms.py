from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns.editor import date_field
from thidua.campaigns.models import Campaign

MAX_DEFINITION_BYTES = 2 * 1024 * 1024


class DefinitionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Campaign definition file (.yaml, .yml or .json)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
    )
    replace = forms.BooleanField(label=_("Replace the draft campaign with the same identifier"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".yaml", ".yml", ".json")):
            raise forms.ValidationError(_("Only .yaml, .yml and .json files can be loaded."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > MAX_DEFINITION_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        data = upload.read()
        try:
            return upload.name, data, data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("published", "published"), ("closed", "closed"), ("draft", "draft")],
        error_messages={"invalid_choice": _("Unknown status."), "required": _("Unknown status.")},
    )
    reason = forms.CharField(max_length=500, required=False)


class CopyForm(forms.Form):
    slug = forms.RegexField(
        label=_("Identifier of the new campaign"),
        regex=r"^[a-z0-9][a-z0-9-]{0,79}$",
        max_length=80,
        help_text=_("Lower-case letters, digits and dashes, e.g. cao-diem-2027; it appears in the addresses."),
        error_messages={"invalid": _("Use lower-case letters without accents, digits and dashes only.")},
    )
    title = forms.CharField(label=_("Title"), max_length=500)
    start = date_field(_("The new period starts on"), required=True)
    keep_weekdays = forms.BooleanField(
        label=_("Keep the weekdays (move by whole weeks: a Thursday conference stays on a Thursday)"),
        required=False,
        initial=True,
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A campaign with this identifier already exists."))
        return slug

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not 2000 <= start.year <= 2100:
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return start
