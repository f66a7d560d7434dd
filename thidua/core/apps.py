from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "thidua.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from thidua.core import exports, jobs
        from thidua.core.audit import ACTION_LABELS

        jobs.register("exports_purge", exports.exports_purge, label=_("old prepared files deleted"))
        ACTION_LABELS[exports.DOWNLOAD] = _("Prepared file downloaded")
