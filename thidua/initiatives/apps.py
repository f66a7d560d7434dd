from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "thidua.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives of young civil servants")

    def ready(self):
        from thidua.core import jobs
        from thidua.initiatives import forwarding

        jobs.register("forwarding_reminders", forwarding.forwarding_reminders_run, label=_("departments reminded"))
