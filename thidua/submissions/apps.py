from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "thidua.submissions"
    label = "submissions"
    verbose_name = _("Registrations and documents")

    def ready(self):
        from thidua.core import exports, jobs
        from thidua.core.audit import ACTION_LABELS
        from thidua.submissions import reminders, services, views

        jobs.register("reminders", lambda now: reminders.reminders_run(now).reminders, label=_("reminders"))
        jobs.register("digest", reminders.digest_run, label=_("daily summaries"))
        ACTION_LABELS[services.FILE_DOWNLOAD] = _("Submitted file downloaded")
        ACTION_LABELS[services.ZIP_DOWNLOAD] = _("Submitted files downloaded as a zip")
        exports.register("board", views.board_export_build)
