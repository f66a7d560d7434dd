from django import forms
from django.utils.translation import gettext_lazy as _

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
