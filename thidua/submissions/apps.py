from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "thidua.submissions"
    label = "submissions"
    verbose_name = _("Registrations and documents")

    def ready(self):
        from thidua.core import jobs
        from thidua.submissions import reminders

        jobs.register("reminders", lambda now: reminders.reminders_run(now).reminders, label=_("reminders"))
        jobs.register("digest", reminders.digest_run, label=_("daily summaries"))
