from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "thidua.documents"
    verbose_name = _("Documents")

    def ready(self):
        from thidua.core.audit import ACTION_LABELS
        from thidua.documents.services import DOWNLOAD

        ACTION_LABELS[DOWNLOAD] = _("Campaign document downloaded")
