from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from thidua.core.outbox import email_send

TOKEN = forms.CharField(
    label=_("6-digit code from the app"),
    max_length=12,
    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    error_messages={"required": _("Type the code shown in your authenticator app.")},
)


class TokenForm(forms.Form):
    token = TOKEN


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail going through the outbox (retried, audited)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_send(to=[to_email], subject=subject, body=body)

    def save(self, *args, **kwargs):
        kwargs.setdefault("domain_override", settings.SITE_URL.split("://", 1)[-1].rstrip("/"))
        kwargs.setdefault("use_https", settings.SITE_URL.startswith("https://"))
        return super().save(*args, **kwargs)
