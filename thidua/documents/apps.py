from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    verbose_name = _("Documents")

    def ready(self):
        from thidua.core import exports
        from thidua.core.audit import ACTION_LABELS
        from thidua.documents import background
        from thidua.documents.services import DOWNLOAD

        exports.register(background.KIND, background.export_build)
        ACTION_LABELS[DOWNLOAD] = _("Campaign document downloaded")
