from django import forms
from django.utils.translation import gettext_lazy as _

from thidua.campaigns import definition as defn
from thidua.planimport.readers import MAX_BYTES


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Plan document (.docx, .txt, .md or PDF with text)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt,.md,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class DefinitionEditForm(forms.Form):
    text = forms.CharField(
        label=_("Definition (YAML)"),
        max_length=defn.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        error_messages={"max_length": _("The definition is larger than 2 MB.")},
    )
