from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "thidua.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives of young civil servants")

    def ready(self):
        from thidua.core import jobs
        from thidua.core.audit import ACTION_LABELS
        from thidua.initiatives import forwarding, services

        jobs.register("forwarding_reminders", forwarding.forwarding_reminders_run, label=_("departments reminded"))
        ACTION_LABELS[services.FILE_DOWNLOAD] = _("Initiative file downloaded")
