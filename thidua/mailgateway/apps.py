from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailGatewayConfig(AppConfig):
    name = "thidua.mailgateway"
    label = "mailgateway"
    verbose_name = _("Mail gateway")

    def ready(self):
        from thidua.core import jobs
        from thidua.mailgateway import services

        # A message stored by an intake that died before reading it is read by the next run.
        jobs.register("inbound_mail", lambda now: services.inbound_process_pending(), label=_("inbound e-mail"))
